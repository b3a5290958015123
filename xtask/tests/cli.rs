//! Runs the `cargo xtask` binary on scratch workspaces: it works on the checkout named at run time and says which.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use xtask::codegen::{self, Mode};

/// A scratch workspace with the real spec and the generated files it gives.
fn scratch_workspace() -> tempfile::TempDir {
    let root = xtask::project_root().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let files = codegen::generate(&root).expect("the real spec generates");
    for relative in ["spec/order-api.schema.json", "spec/operations.json"]
        .into_iter()
        .map(str::to_owned)
        .chain(files.into_iter().map(|it| it.path))
    {
        let target = dir.path().join(&relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(root.join(&relative), target).unwrap();
    }
    dir
}

/// Runs `cargo xtask codegen <args>` as cargo would for a checkout whose `xtask` directory is
/// `manifest_dir` (or without `CARGO_MANIFEST_DIR`), from `current_dir`.
fn xtask(manifest_dir: Option<&Path>, current_dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("codegen").args(args).current_dir(current_dir);
    match manifest_dir {
        Some(dir) => command.env("CARGO_MANIFEST_DIR", dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Issue 9, item 22: the binary was built in this checkout, but cargo may run it for another
/// one (a shared target directory). It must work on the checkout cargo names at run time.
#[test]
fn the_checkout_named_at_run_time_is_the_one_read_and_written() {
    let scratch = scratch_workspace();
    let here = xtask::project_root().unwrap();
    let schema = scratch.path().join("spec/order-api.schema.json");
    let text = fs::read_to_string(&schema).unwrap();
    fs::write(
        &schema,
        text.replacen("\"maxLength\": 128", "\"maxLength\": 120", 1),
    )
    .unwrap();

    // Run from this checkout, as cargo would for the scratch one.
    let output = xtask(Some(&scratch.path().join("xtask")), &here, &["--check"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!("root: {}\n", scratch.path().display())),
        "{err}"
    );
    assert!(
        err.contains("error: crates/runa-order-types/src/generated.rs is out of date"),
        "{err}"
    );

    let output = xtask(Some(&scratch.path().join("xtask")), &here, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let types = fs::read_to_string(
        scratch
            .path()
            .join("crates/runa-order-types/src/generated.rs"),
    )
    .unwrap();
    assert!(types.contains("> 120usize"));
    // This checkout was not touched.
    codegen::run(&here, Mode::Check).expect("this checkout is still up to date");
}

#[test]
fn without_cargo_the_current_directory_names_the_checkout() {
    let scratch = scratch_workspace();
    let output = xtask(None, &scratch.path().join("spec"), &["--check"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_eq!(
        err,
        format!(
            "root: {}\n4 generated files are up to date\n",
            scratch.path().display()
        )
    );

    let outside = tempfile::tempdir().unwrap();
    let output = xtask(None, outside.path(), &["--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("error: no Cargo.toml with [workspace] is at or above "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_spec_file_above_the_size_limit_is_refused() {
    let scratch = scratch_workspace();
    let manifest = PathBuf::from(scratch.path()).join("xtask");
    let output = xtask(
        Some(&manifest),
        scratch.path(),
        &["--check", "--max-spec-bytes", "1000"],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: spec/order-api.schema.json: the file is larger than 1000 bytes, the most the generator reads (--max-spec-bytes)"),
        "{err}"
    );
}
