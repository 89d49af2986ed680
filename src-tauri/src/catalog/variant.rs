//! Model ids and their `:variant` suffixes.
//!
//! A routable id is `author/slug[:variant]`. The variants OpenRouter documents: `:free` (free endpoints),
//! `:nitro` (fastest providers), `:floor` (cheapest), `:thinking`, `:extended` (longer context), `:exacto`
//! (quality-first providers). They are sent as part of `model` unchanged. `:online` is deprecated: it meant
//! "with web search", which is now the `openrouter:web_search` server tool, so the app rewrites it.

/// Documented variant suffixes (older lists also show `:beta`; any suffix is kept as listed).
pub const VARIANTS: &[&str] = &["free", "nitro", "floor", "thinking", "extended", "exacto"];

/// The deprecated web-search suffix.
pub const ONLINE: &str = "online";

/// `("deepseek/deepseek-r1", Some("free"))` for `"deepseek/deepseek-r1:free"`. A colon only starts a variant
/// after the `/` and when what follows is a plain word, so odd ids are kept whole rather than cut wrongly.
pub fn split_variant(id: &str) -> (&str, Option<&str>) {
    let Some(slash) = id.find('/') else {
        return (id, None);
    };
    match id.rfind(':') {
        Some(colon) if colon > slash => {
            let variant = &id[colon + 1..];
            let plain = !variant.is_empty()
                && variant
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if plain {
                (&id[..colon], Some(variant))
            } else {
                (id, None)
            }
        }
        _ => (id, None),
    }
}

/// The id without its variant.
pub fn base_id(id: &str) -> &str {
    split_variant(id).0
}

/// The author part of an id: `"anthropic"` for `"~anthropic/claude-sonnet-latest"` (the `~` marks an alias
/// that follows the newest model).
pub fn author(id: &str) -> &str {
    id.split('/').next().unwrap_or(id).trim_start_matches('~')
}

/// `(id without ":online", true)` for an `:online` id; the id unchanged and `false` otherwise.
pub fn strip_online(id: &str) -> (&str, bool) {
    match split_variant(id) {
        (base, Some(ONLINE)) => (base, true),
        _ => (id, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_split_off_the_last_plain_suffix() {
        assert_eq!(
            split_variant("deepseek/deepseek-r1:free"),
            ("deepseek/deepseek-r1", Some("free"))
        );
        assert_eq!(
            split_variant("anthropic/claude-3.7-sonnet:thinking"),
            ("anthropic/claude-3.7-sonnet", Some("thinking"))
        );
        for variant in VARIANTS {
            let id = format!("meta-llama/llama-3.3-70b-instruct:{variant}");
            assert_eq!(
                split_variant(&id),
                ("meta-llama/llama-3.3-70b-instruct", Some(*variant))
            );
        }
        assert_eq!(split_variant("openai/gpt-4o"), ("openai/gpt-4o", None));
        assert_eq!(
            split_variant("a:b/c"),
            ("a:b/c", None),
            "colon before the slash"
        );
        assert_eq!(split_variant("a/b:"), ("a/b:", None));
        assert_eq!(split_variant("a/b:Weird@1"), ("a/b:Weird@1", None));
        assert_eq!(split_variant("openrouter/auto"), ("openrouter/auto", None));
        assert_eq!(base_id("x/y:nitro"), "x/y");
    }

    #[test]
    fn authors_and_online() {
        assert_eq!(author("~anthropic/claude-sonnet-latest"), "anthropic");
        assert_eq!(author("deepseek/deepseek-r1:free"), "deepseek");
        assert_eq!(
            strip_online("openai/gpt-4o:online"),
            ("openai/gpt-4o", true)
        );
        assert_eq!(
            strip_online("openai/gpt-4o:nitro"),
            ("openai/gpt-4o:nitro", false)
        );
    }
}
