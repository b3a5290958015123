//! The `runa-order-validate` command line: output formats, standard input and exit statuses.

use std::{
    io::Write,
    path::PathBuf,
    process::{Command, Output, Stdio},
};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-validate"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn an_invalid_file_prints_file_line_column_pointer_message_and_exits_1() {
    let output = run(
        &[
            "--type",
            "NewOrderDetails",
            "invalid/NewOrderDetails/face-value-zero.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "invalid/NewOrderDetails/face-value-zero.json:7:21: /items/0/face_value: 0 is less than the minimum of 0.01\n"
    );
    assert!(
        stderr(&output).contains("1 of 1 checked file invalid as NewOrderDetails (1 error)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_file_is_checked_and_valid_files_exit_0() {
    let valid = [
        "valid/NewOrderDetails/minimal-link.json",
        "valid/NewOrderDetails/async-three-items.json",
    ];
    let output = run(&[&["-t", "NewOrderDetails"][..], &valid[..]].concat(), None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");

    let mixed = [
        "invalid/NewOrderDetails/no-items.json",
        "valid/NewOrderDetails/minimal-link.json",
        "invalid/NewOrderDetails/face-value-zero.json",
    ];
    let output = run(&[&["-t", "NewOrderDetails"][..], &mixed[..]].concat(), None);
    assert_eq!(output.status.code(), Some(1));
    let printed = stdout(&output);
    let lines: Vec<&str> = printed
        .lines()
        .map(|it| it.split(':').next().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "invalid/NewOrderDetails/no-items.json",
            "invalid/NewOrderDetails/face-value-zero.json"
        ]
    );
}

#[test]
fn dash_reads_standard_input() {
    let output = run(
        &["-t", "AsyncAcceptedOrder", "-"],
        Some(b"{\"id\": \"O-1\",\n \"status\": \"DONE\"}"),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "-:2:12: /status: \"DONE\" is not one of \"COMPLETED\", \"FAILED\" or \"PROCESSING\"\n"
    );
    let output = run(
        &["-t", "AsyncAcceptedOrder", "-"],
        Some(b"{\"id\": \"O-1\", \"status\": \"PROCESSING\"}"),
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn json_format_is_one_object_per_error() {
    let output = run(
        &[
            "-t",
            "NewOrderDetails",
            "--format",
            "json",
            "invalid/NewOrderDetails/face-value-zero.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let record: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(
        record,
        serde_json::json!({
            "file": "invalid/NewOrderDetails/face-value-zero.json",
            "line": 7,
            "column": 21,
            "instance": "/items/0/face_value",
            "schema": "/$defs/NewOrderItemDetails/properties/face_value/minimum",
            "keyword": "minimum",
            "message": "0 is less than the minimum of 0.01"
        })
    );
}

#[test]
fn github_format_is_workflow_annotations() {
    let output = run(
        &[
            "-t",
            "NewOrderDetails",
            "--format",
            "github",
            "invalid/NewOrderDetails/face-value-zero.json",
        ],
        None,
    );
    assert_eq!(
        stdout(&output),
        "::error file=invalid/NewOrderDetails/face-value-zero.json,line=7,col=21,title=runa-order-validate minimum::/items/0/face_value: 0 is less than the minimum of 0.01\n"
    );
}

#[test]
fn usage_errors_unknown_types_and_unreadable_files_exit_2() {
    let output = run(
        &["-t", "Order", "valid/NewOrderDetails/minimal-link.json"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown type `Order`"),
        "{}",
        stderr(&output)
    );

    let output = run(
        &[
            "-t",
            "NewOrderDetails",
            "missing.json",
            "invalid/NewOrderDetails/no-items.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("error: missing.json: cannot read the file"),
        "{}",
        stderr(&output)
    );
    // The readable file was still checked.
    assert!(
        stdout(&output).starts_with("invalid/NewOrderDetails/no-items.json:1:"),
        "{}",
        stdout(&output)
    );

    let output = run(&["valid/NewOrderDetails/minimal-link.json"], None);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing --type is a usage error"
    );
}

#[test]
fn list_types_prints_every_schema_name() {
    let output = run(&["--list-types"], None);
    assert_eq!(output.status.code(), Some(0));
    let names: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(names.len(), runa_order_validator::Kind::ALL.len());
    assert!(
        names.contains(&"NewOrderDetails".to_owned())
            && names.contains(&"APIErrorResponse".to_owned())
    );
}
