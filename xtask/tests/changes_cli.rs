//! `cargo xtask changes` as a program: the exit statuses (0, 1 when a finding reaches
//! `--fail-on`, 2 for a usage error, an unknown revision or a broken spec), run on an old spec
//! in a folder next to the working tree's.

use serde_json::{Value, json};

fn real() -> (Value, Value) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap()
    };
    (
        read("spec/order-api.schema.json"),
        read("spec/operations.json"),
    )
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    *doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = value;
}

fn run_cli(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("changes")
        .args(args)
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = |it: Vec<u8>| String::from_utf8(it).unwrap();
    (
        output.status.code().unwrap(),
        text(output.stdout),
        text(output.stderr),
    )
}

/// An old spec in a folder: the working tree's spec with the order's `maxItems` at 300, so
/// that the working tree narrows it.
fn old_folder(edit: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let (mut schema, ops) = real();
    edit(&mut schema);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, value: &Value| {
        std::fs::write(
            dir.path().join(name),
            serde_json::to_string_pretty(value).unwrap(),
        )
        .unwrap();
    };
    write("order-api.schema.json", &schema);
    write("operations.json", &ops);
    dir
}

#[test]
fn the_exit_status_says_whether_a_finding_reaches_fail_on() {
    let dir = old_folder(|schema| {
        set(
            schema,
            "/$defs/NewOrderDetails/properties/items/maxItems",
            json!(300),
        );
    });
    let old = dir.path().to_str().unwrap();
    let (code, out, _) = run_cli(&["--old", old, "--fail-on", "breaking"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("request-max-items-decreased"), "{out}");
    let (code, out, _) = run_cli(&["--old", old]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run_cli(&["--old", old, "--format", "json", "--fail-on", "info"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["changes"][0]["operations"], json!(["createOrder"]));
    assert_eq!(report["semver"]["runa-order-validator"], json!("patch"));
}

#[test]
fn usage_errors_unknown_revisions_and_broken_specs_exit_with_2() {
    let (code, _, err) = run_cli(&["--fail-on", "sometimes"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run_cli(&["--base", "no-such-revision-anywhere"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown revision `no-such-revision-anywhere`"),
        "{err}"
    );
    let dir = old_folder(|schema| {
        set(
            schema,
            "/$defs/NewOrderDetails/properties/items/maxItems",
            json!("many"),
        );
    });
    let (code, _, err) = run_cli(&["--old", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("order-api.schema.json:") && err.contains("maxItems"),
        "{err}"
    );
}
