//! Library half of `cargo xtask`, so that the tests in `tests/` can call the generator directly.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
};

#[cfg(feature = "changes")]
pub mod changes;
pub mod codegen;
#[cfg(feature = "changes")]
pub mod semver_check;
pub mod suite;
pub mod synthetic;

/// The workspace root `cargo xtask` works on, found at run time.
///
/// The root is never baked in at compile time: with a shared target directory (a global
/// `build.target-dir`, a CI cache, git worktrees) cargo may run an `xtask` binary built from
/// another checkout, which would then read and write that other checkout. Instead:
///
/// 1. `CARGO_MANIFEST_DIR` in the environment, which `cargo run` and `cargo test` set to the
///    manifest directory of the package they run (`xtask/`, or `tests/` for the tests): the
///    workspace root is the closest directory at or above it whose `Cargo.toml` declares
///    `[workspace]`.
/// 2. Without it (the binary run by hand), the same search from the current directory.
pub fn project_root() -> anyhow::Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let current_dir = std::env::current_dir().ok();
    find_root(manifest_dir, current_dir.as_deref())
}

/// [`project_root`] with its inputs given: the run-time `CARGO_MANIFEST_DIR` and the current
/// directory.
pub fn find_root(
    manifest_dir: Option<OsString>,
    current_dir: Option<&Path>,
) -> anyhow::Result<PathBuf> {
    if let Some(dir) = manifest_dir.filter(|it| !it.is_empty()) {
        let dir = PathBuf::from(dir);
        return workspace_above(&dir).ok_or_else(|| {
            anyhow::format_err!(
                "CARGO_MANIFEST_DIR is {}, but no Cargo.toml with [workspace] is at or above it",
                dir.display()
            )
        });
    }
    let dir =
        current_dir.ok_or_else(|| anyhow::format_err!("the current directory cannot be read"))?;
    workspace_above(dir).ok_or_else(|| {
        anyhow::format_err!(
            "no Cargo.toml with [workspace] is at or above {}; run `cargo xtask` inside the \
             workspace",
            dir.display()
        )
    })
}

/// The closest directory at or above `dir` whose `Cargo.toml` has a `[workspace]` table.
fn workspace_above(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|it| {
            std::fs::read_to_string(it.join("Cargo.toml"))
                .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"xtask\"]\n",
        )
        .unwrap();
        fs::create_dir_all(dir.path().join("xtask/src")).unwrap();
        fs::write(
            dir.path().join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn the_run_time_manifest_dir_names_the_root() {
        let dir = workspace();
        let manifest = dir.path().join("xtask");
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(
            find_root(Some(manifest.into()), Some(elsewhere.path())).unwrap(),
            dir.path()
        );
    }

    #[test]
    fn without_it_the_current_directory_is_searched_upwards() {
        let dir = workspace();
        assert_eq!(
            find_root(None, Some(&dir.path().join("xtask/src"))).unwrap(),
            dir.path()
        );
        assert_eq!(
            find_root(Some(OsString::new()), Some(dir.path())).unwrap(),
            dir.path()
        );
    }

    #[test]
    fn outside_a_workspace_is_an_error_naming_the_place() {
        let dir = tempfile::tempdir().unwrap();
        let err = find_root(None, Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
        let err = find_root(Some(dir.path().into()), None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("CARGO_MANIFEST_DIR is "), "{err}");
    }
}
