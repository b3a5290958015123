//! Helpers shared by the codegen tests: where the workspace and the fixtures are.

use std::path::PathBuf;

/// The workspace root, found at run time from the `CARGO_MANIFEST_DIR` that `cargo test` sets
/// (see `xtask::project_root`), so a test binary reused from another checkout reads this one.
pub fn root() -> PathBuf {
    xtask::project_root().unwrap_or_else(|err| panic!("{err}"))
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}
