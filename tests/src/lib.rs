//! Acceptance tests for OpenRouter Desktop.
//!
//! The crate's library part is a mock OpenRouter server ([`mock`]) that speaks the real wire format, built from
//! recorded traffic in `tests/fixtures/`. The `mock-openrouter` binary serves the same thing as a program.

pub mod desktop;
pub mod mock;
