//! Library half of `cargo xtask`, so that the tests in `tests/` can call the generator directly.

use std::path::{Path, PathBuf};

pub mod codegen;

/// The root of the workspace, found from this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
