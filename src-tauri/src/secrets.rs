//! The API key: kept in the OS keyring, cached in this process's memory, never anywhere else.
//!
//! The keyring sits behind `SecretStore` so tests use `MemoryStore` instead of process-global state.
//! Keyring calls run on a blocking thread with a timeout: a locked gnome-keyring can wait forever for a
//! password prompt that never comes (PLATFORM_NOTES.md).

use std::sync::{Arc, Mutex};
use std::time::Duration;

const SERVICE: &str = "openrouter-desktop";
const ACCOUNT: &str = "openrouter-api-key";
/// The optional management key (Billing view: `/credits`, `/activity`), kept beside the API key.
const MANAGEMENT_ACCOUNT: &str = "openrouter-management-key";
const KEYRING_TIMEOUT: Duration = Duration::from_secs(8);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SecretError {
    /// No usable keyring: no Secret Service, locked, or refused. The text says which, plainly.
    #[error("{0}")]
    Unavailable(String),
    #[error("the keyring failed: {0}")]
    Failed(String),
}

pub trait SecretStore: Send + Sync {
    fn get(&self) -> Result<Option<String>, SecretError>;
    fn set(&self, secret: &str) -> Result<(), SecretError>;
    fn delete(&self) -> Result<(), SecretError>;
}

/// One secret in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
#[derive(Debug)]
pub struct KeyringStore {
    account: &'static str,
}

impl KeyringStore {
    /// The API key every request uses.
    pub fn api_key() -> Self {
        Self { account: ACCOUNT }
    }

    /// The optional management key.
    pub fn management_key() -> Self {
        Self {
            account: MANAGEMENT_ACCOUNT,
        }
    }

    fn entry(&self) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, self.account).map_err(map_keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self) -> Result<Option<String>, SecretError> {
        match self.entry()?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
    fn set(&self, secret: &str) -> Result<(), SecretError> {
        self.entry()?
            .set_password(secret)
            .map_err(map_keyring_error)
    }
    fn delete(&self) -> Result<(), SecretError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

fn map_keyring_error(err: keyring::Error) -> SecretError {
    let text = err.to_string();
    let unavailable = |why: &str| SecretError::Unavailable(why.to_owned());
    match err {
        keyring::Error::NoStorageAccess(_) => unavailable(
            "Your system keyring is locked or refused access, so the key cannot be saved there. Unlock it (for example by logging in to the desktop) or use the key for this session only.",
        ),
        keyring::Error::PlatformFailure(_)
            if text.contains("org.freedesktop.secrets") || text.contains("dbus") || text.contains("D-Bus") =>
        {
            unavailable(
                "No system keyring is running (such as GNOME Keyring or KWallet), so the key cannot be saved securely. Install or start one, or use the key for this session only.",
            )
        }
        keyring::Error::PlatformFailure(_) => SecretError::Unavailable(format!(
            "The system keyring could not be used ({text}). You can use the key for this session only."
        )),
        other => SecretError::Failed(other.to_string()),
    }
}

/// A store in memory, for tests and for "this session only".
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<Option<String>>);

impl SecretStore for MemoryStore {
    fn get(&self) -> Result<Option<String>, SecretError> {
        Ok(self
            .0
            .lock()
            .map_err(|_| SecretError::Failed("lock".into()))?
            .clone())
    }
    fn set(&self, secret: &str) -> Result<(), SecretError> {
        *self
            .0
            .lock()
            .map_err(|_| SecretError::Failed("lock".into()))? = Some(secret.to_owned());
        Ok(())
    }
    fn delete(&self) -> Result<(), SecretError> {
        *self
            .0
            .lock()
            .map_err(|_| SecretError::Failed("lock".into()))? = None;
        Ok(())
    }
}

/// Where the key in use lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStorage {
    Keyring,
    Session,
    None,
}

/// The key in use: loaded once from the store, then served from memory (a keyring read can take
/// 10–100 ms and may prompt).
pub struct KeyVault {
    store: Arc<dyn SecretStore>,
    state: Mutex<(Option<String>, KeyStorage)>,
}

impl KeyVault {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            state: Mutex::new((None, KeyStorage::None)),
        }
    }

    /// Reads the stored key into memory. Returns the problem, in plain words, if the keyring cannot
    /// be read; the app then still works for reading history.
    pub async fn load(&self) -> Result<KeyStorage, SecretError> {
        let store = self.store.clone();
        let key = blocking(move || store.get()).await?;
        let storage = if key.is_some() {
            KeyStorage::Keyring
        } else {
            KeyStorage::None
        };
        self.set_state(key, storage);
        Ok(storage)
    }

    /// Keeps `key` in the keyring, or only in memory for this run when `session_only`.
    pub async fn save(&self, key: String, session_only: bool) -> Result<KeyStorage, SecretError> {
        let storage = if session_only {
            KeyStorage::Session
        } else {
            let store = self.store.clone();
            let copy = key.clone();
            blocking(move || store.set(&copy)).await?;
            KeyStorage::Keyring
        };
        self.set_state(Some(key), storage);
        Ok(storage)
    }

    pub async fn forget(&self) -> Result<(), SecretError> {
        let was_in_keyring = self.storage() == KeyStorage::Keyring;
        self.set_state(None, KeyStorage::None);
        if was_in_keyring {
            let store = self.store.clone();
            blocking(move || store.delete()).await?;
        }
        Ok(())
    }

    /// Forgets the key and deletes it from the store whether or not it was read from there this run (a
    /// keyring that was locked at start-up may still hold it).
    pub async fn erase(&self) -> Result<(), SecretError> {
        self.set_state(None, KeyStorage::None);
        let store = self.store.clone();
        blocking(move || store.delete()).await
    }

    /// The key for a request, if there is one.
    pub fn current(&self) -> Option<String> {
        self.state.lock().ok().and_then(|s| s.0.clone())
    }

    pub fn storage(&self) -> KeyStorage {
        self.state.lock().map(|s| s.1).unwrap_or(KeyStorage::None)
    }

    fn set_state(&self, key: Option<String>, storage: KeyStorage) {
        if let Ok(mut state) = self.state.lock() {
            *state = (key, storage);
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    match tokio::time::timeout(KEYRING_TIMEOUT, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(SecretError::Failed(join.to_string())),
        Err(_) => Err(SecretError::Unavailable(
            "The system keyring did not answer (it may be locked and waiting for a password). Unlock it, or use the key for this session only.".into(),
        )),
    }
}

/// A key as the user pasted it, trimmed and sanity-checked before it goes anywhere.
pub fn clean_key(input: &str) -> Option<String> {
    let key = input.trim();
    let plausible =
        !key.is_empty() && key.len() <= 512 && key.chars().all(|c| c.is_ascii_graphic());
    plausible.then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn save_load_forget_round_trip() {
        let store = Arc::new(MemoryStore::default());
        let vault = KeyVault::new(store.clone());
        assert_eq!(vault.load().await, Ok(KeyStorage::None));
        assert_eq!(
            vault.save("sk-or-v1-abc".into(), false).await,
            Ok(KeyStorage::Keyring)
        );
        assert_eq!(store.get(), Ok(Some("sk-or-v1-abc".into())));
        let again = KeyVault::new(store.clone());
        assert_eq!(again.load().await, Ok(KeyStorage::Keyring));
        assert_eq!(again.current().as_deref(), Some("sk-or-v1-abc"));
        again.forget().await.expect("forget");
        assert_eq!(again.current(), None);
        assert_eq!(store.get(), Ok(None));
    }

    #[tokio::test]
    async fn session_only_never_touches_the_store() {
        let store = Arc::new(MemoryStore::default());
        let vault = KeyVault::new(store.clone());
        assert_eq!(
            vault.save("sk-or-v1-s".into(), true).await,
            Ok(KeyStorage::Session)
        );
        assert_eq!(vault.current().as_deref(), Some("sk-or-v1-s"));
        assert_eq!(store.get(), Ok(None));
    }

    struct Broken;
    impl SecretStore for Broken {
        fn get(&self) -> Result<Option<String>, SecretError> {
            Err(SecretError::Unavailable("no keyring".into()))
        }
        fn set(&self, _: &str) -> Result<(), SecretError> {
            Err(SecretError::Unavailable("no keyring".into()))
        }
        fn delete(&self) -> Result<(), SecretError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_missing_keyring_is_reported_and_session_still_works() {
        let vault = KeyVault::new(Arc::new(Broken));
        assert!(matches!(
            vault.load().await,
            Err(SecretError::Unavailable(_))
        ));
        assert!(matches!(
            vault.save("k".into(), false).await,
            Err(SecretError::Unavailable(_))
        ));
        assert_eq!(vault.current(), None, "a failed save keeps nothing");
        assert_eq!(vault.save("k".into(), true).await, Ok(KeyStorage::Session));
    }

    /// keyring 3.x silently falls back to an in-memory mock when no store feature is enabled; this
    /// fails the build's tests if that ever happens again.
    #[tokio::test]
    async fn erase_deletes_a_stored_key_even_if_it_was_never_read() {
        let store = Arc::new(MemoryStore::default());
        store.set("sk-or-v1-mgmt-stored").expect("set");
        let vault = KeyVault::new(store.clone());
        // Never loaded (a locked keyring at start-up): forget() would leave it; erase() does not.
        vault.erase().await.expect("erase");
        assert_eq!(store.get().expect("get"), None);
        assert_eq!(vault.current(), None);
    }

    #[test]
    fn the_default_keyring_store_is_persistent() {
        use keyring::credential::CredentialPersistence;
        let builder = keyring::default::default_credential_builder();
        assert!(matches!(
            builder.persistence(),
            CredentialPersistence::UntilDelete
        ));
    }

    #[test]
    fn keys_are_trimmed_and_checked() {
        assert_eq!(clean_key("  sk-or-v1-x \n").as_deref(), Some("sk-or-v1-x"));
        assert_eq!(clean_key(""), None);
        assert_eq!(clean_key("sk or"), None);
        assert_eq!(clean_key(&"a".repeat(600)), None);
    }
}
