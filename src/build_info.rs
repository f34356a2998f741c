//! What this binary is: version, commit and build date (recorded by `build.rs`).

/// The crate version (`0.1.0`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git commit it was built from (`-dirty` with uncommitted changes; `unknown` without git).
pub const COMMIT: &str = env!("DEBRIEF_BUILD_COMMIT");
/// The build date (UTC, `YYYY-MM-DD`).
pub const DATE: &str = env!("DEBRIEF_BUILD_DATE");

/// `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-02)`, for `--version`.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("DEBRIEF_BUILD_COMMIT"),
    ", built ",
    env!("DEBRIEF_BUILD_DATE"),
    ")"
);
