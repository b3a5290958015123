//! Helpers shared by the codegen tests: where the workspace and the fixtures are.

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::project_root()
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}
