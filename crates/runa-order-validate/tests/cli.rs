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

/// Runs the command line with standard output going to `stdout`.
fn run_to(args: &[&str], stdin: Option<&[u8]>, stdout: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-validate"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads"))
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        // The child may exit before it reads everything (a refused size): that is fine.
        let _ = input.write_all(bytes);
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// An order whose `metadata` has `n` members with numbers instead of strings: `n` type
/// errors, and one `maxProperties` error.
fn order_with_bad_metadata(n: usize) -> String {
    let mut text = String::from(
        r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"}, "items": [{"face_value": 10, "distribution_method": {"type": "PAYOUT_LINK"}, "products": {"type": "SINGLE", "value": "AMZ-US"}}], "metadata": {"#,
    );
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("\"k{i}\":{i}"));
    }
    text.push_str("}}");
    text
}

/// Issue 9, item 9: `/dev/zero` used to be read until memory ran out (14 GB in 12 s).
#[test]
fn an_endless_input_stops_at_max_bytes_and_exits_2() {
    let output = run(&["--type", "NewOrderDetails", "/dev/zero"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "error: /dev/zero: the file is larger than 67108864 bytes (--max-bytes); it was not checked"
        ),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn max_bytes_bounds_files_and_standard_input() {
    let valid = "valid/NewOrderDetails/minimal-link.json";
    let size = std::fs::metadata(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/payloads")
            .join(valid),
    )
    .unwrap()
    .len();
    let exact = size.to_string();
    let output = run(
        &["-t", "NewOrderDetails", "--max-bytes", &exact, valid],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // One byte less: refused, and the other files are still checked.
    let less = (size - 1).to_string();
    let output = run(
        &[
            "-t",
            "NewOrderDetails",
            "--max-bytes",
            &less,
            valid,
            "invalid/NewOrderDetails/no-items.json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!(
            "error: {valid}: the file is larger than {less} bytes (--max-bytes)"
        )),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).starts_with("invalid/NewOrderDetails/no-items.json:1:"),
        "{}",
        stdout(&output)
    );

    let output = run_to(
        &["-t", "AsyncAcceptedOrder", "--max-bytes", "10", "-"],
        Some(&[b' '; 100_000]),
        Stdio::piped(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("error: -: the file is larger than 10 bytes (--max-bytes)"),
        "{}",
        stderr(&output)
    );
}

/// Issue 9, item 9: a failed write to standard output exits 2 instead of passing as a
/// success or an ordinary invalid file.
#[test]
fn a_failed_write_to_standard_output_exits_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = run_to(
        &[
            "-t",
            "NewOrderDetails",
            "invalid/NewOrderDetails/face-value-zero.json",
        ],
        None,
        Stdio::from(full),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("error: cannot write to standard output"),
        "{}",
        stderr(&output)
    );

    // A closed pipe: the reader is gone before the program writes (it reads standard input
    // first, which is closed only after the reader is dropped).
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-validate"))
        .args(["-t", "AsyncAcceptedOrder", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(b"{\"id\": \"O-1\", \"status\": \"DONE\"}")
        .unwrap();
    drop(input);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("error: cannot write to standard output"),
        "{}",
        stderr(&output)
    );
}

/// Issue 9, item 10: a file with a million errors used to print all of them (75 to 200 MB,
/// 614 MB of memory). Now at most `--max-errors` (100) are printed, then one line.
#[test]
fn at_most_max_errors_are_printed_then_one_line() {
    let text = order_with_bad_metadata(1_000_000);
    let output = run(&["-t", "NewOrderDetails", "-"], Some(text.as_bytes()));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 101, "{}", &printed[..printed.len().min(2000)]);
    assert!(
        lines[..100]
            .iter()
            .all(|it| it.starts_with("-:1:") && it.contains("/metadata")),
        "{printed}"
    );
    // Checking stops at the first error past the limit, so the count is a lower bound.
    assert_eq!(
        lines[100],
        "-: ... and at least 1 more error (checking stopped after --max-errors 100)"
    );
    assert!(
        stderr(&output).contains("1 of 1 checked file invalid as NewOrderDetails (100 errors)"),
        "{}",
        stderr(&output)
    );

    let text = order_with_bad_metadata(30);
    let output = run(
        &["-t", "NewOrderDetails", "--max-errors", "5", "-"],
        Some(text.as_bytes()),
    );
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 6, "{printed}");
    assert_eq!(
        lines[5],
        "-: ... and at least 1 more error (checking stopped after --max-errors 5)"
    );

    // Under the limit, every error and no extra line.
    let output = run(
        &["-t", "NewOrderDetails", "--max-errors", "31", "-"],
        Some(text.as_bytes()),
    );
    assert_eq!(stdout(&output).lines().count(), 31, "{}", stdout(&output));

    let output = run_to(
        &["-t", "NewOrderDetails", "--max-errors", "0", "-"],
        Some(text.as_bytes()),
        Stdio::piped(),
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "--max-errors 0 is a usage error"
    );
}

/// The two problems of a `RECIPIENT` distribution are two records, each at its own line, in
/// every format (a GitHub annotation lands on the line of its member).
#[test]
fn each_problem_of_a_tagged_variant_is_a_record_at_its_own_line() {
    let file = "invalid/NewOrderDetails/recipient-two-problems.json";
    let output = run(&["-t", "NewOrderDetails", "--format", "json", file], None);
    assert_eq!(output.status.code(), Some(1));
    let records: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|it| serde_json::from_str(it).unwrap())
        .collect();
    let found: Vec<(&str, u64, &str)> = records
        .iter()
        .map(|it| {
            (
                it["instance"].as_str().unwrap(),
                it["line"].as_u64().unwrap(),
                it["keyword"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "/items/0/distribution_method/recipient_reference",
                11,
                "pattern"
            ),
            ("/items/0/distribution_method/email_address", 12, "format"),
        ]
    );
    let output = run(&["-t", "NewOrderDetails", "--format", "github", file], None);
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(&format!("::error file={file},line=11,col=32,")));
    assert!(lines[1].starts_with(&format!("::error file={file},line=12,col=26,")));
    let output = run(&["-t", "NewOrderDetails", file], None);
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
}

/// A type name that is a prefix, in another case, or misspelt gets the known name.
#[test]
fn unknown_types_get_the_likely_name() {
    for (given, meant) in [
        ("NewOrder", "NewOrderDetails"),
        ("neworderdetails", "NewOrderDetails"),
        ("NewOrderDetials", "NewOrderDetails"),
        ("syncCompleted", "SyncCompletedOrder"),
    ] {
        let output = run(
            &["-t", given, "valid/NewOrderDetails/minimal-link.json"],
            None,
        );
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains(&format!("unknown type `{given}` (did you mean `{meant}`?)")),
            "{given}: {}",
            stderr(&output)
        );
    }
    let output = run(
        &["-t", "Xyz", "valid/NewOrderDetails/minimal-link.json"],
        None,
    );
    assert!(
        !stderr(&output).contains("did you mean"),
        "{}",
        stderr(&output)
    );
}

/// A valid order whose one item has the face value `face_value` (JSON number text), on the
/// third line of the text.
fn order_with_face_value(face_value: &str) -> String {
    format!(
        "{{\"payment_method\": {{\"type\": \"ACCOUNT_BALANCE\", \"currency\": \"USD\"}},\n\"items\": [{{\"distribution_method\": {{\"type\": \"PAYOUT_LINK\"}},\n\"products\": {{\"type\": \"SINGLE\", \"value\": \"AMZ-US\"}}, \"face_value\": {face_value}}}]}}"
    )
}

/// Issue 18, item 1: `0.` + 65,535 zeros + `1e655360` (10^589,823) was accepted, and `1` +
/// 655,360 zeros + `e-655360` (exactly 1) refused "without a reason (a validator bug)".
/// The command line now gives serde_json's and the types' verdict, located when it refuses.
#[test]
fn numbers_with_huge_exponents_get_the_verdict_of_the_types() {
    let huge = order_with_face_value(&format!("0.{}1e655360", "0".repeat(65_535)));
    let output = run(&["-t", "NewOrderDetails", "-"], Some(huge.as_bytes()));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.starts_with("-:3:")
            && printed.ends_with(": (root): invalid JSON: number out of range\n"),
        "{printed}"
    );
    let one = order_with_face_value(&format!("1{}e-655360", "0".repeat(655_360)));
    let output = run(&["-t", "NewOrderDetails", "-"], Some(one.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
}

/// Issue 18, item 2: a UTF-8 byte-order mark before a valid order was accepted, though
/// serde_json and the types refuse it. It is refused at 1:1, with a message that names it.
#[test]
fn a_byte_order_mark_is_refused_at_its_place() {
    let order = order_with_face_value("10");
    let output = run(&["-t", "NewOrderDetails", "-"], Some(order.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let with_mark = format!("\u{feff}{order}");
    let output = run(&["-t", "NewOrderDetails", "-"], Some(with_mark.as_bytes()));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output)
            .starts_with("-:1:1: (root): the text starts with a UTF-8 byte-order mark (U+FEFF"),
        "{}",
        stdout(&output)
    );
}

/// True when `text` has a character a terminal or a log viewer acts on, other than the
/// line feeds that end lines.
fn has_raw_control(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{202e}'))
}

/// Issue 18, item 3: the text format printed JSON-pointer keys raw, so a key with a line break
/// and terminal escapes forged a line of output. Every format now prints one line per error
/// and no control character from the payload or the file name.
#[test]
fn control_characters_in_keys_and_file_names_are_escaped_in_every_format() {
    // A `TransactionDetail` whose key breaks the line, clears the screen (ESC [2J, and the C1
    // CSI that some terminals take for it) and forges a clean result; its value is refused.
    let forged = "USD\\nforged.json:1:1: (root): all good\\r\\u001b[2J\\u009b2J\\u2028\\u202e";
    let payload = format!("{{\"{forged}\": 5}}");
    let dir = std::env::temp_dir().join(format!("runa-cli-control-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad\nname\u{1b}[31m.json");
    std::fs::write(&file, &payload).unwrap();
    let path = file.to_str().unwrap();
    let printed_path = path.replace('\n', "\\n").replace('\u{1b}', "\\u{1b}");
    let raw_key = "USD\nforged.json:1:1: (root): all good\r\u{1b}[2J\u{9b}2J\u{2028}\u{202e}";

    let output = run(&["-t", "TransactionDetail", "-"], Some(payload.as_bytes()));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(
        text,
        "-:1:75: /USD\\nforged.json:1:1: (root): all good\\r\\u{1b}[2J\\u{9b}2J\\u{2028}\\u{202e}: 5 is not an object\n"
    );

    let output = run(&["-t", "TransactionDetail", path], None);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(&format!("{printed_path}:1:75: /USD\\n")),
        "{text}"
    );
    assert!(!has_raw_control(&text), "{text:?}");

    let output = run(&["-t", "TransactionDetail", "--format", "json", path], None);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!has_raw_control(&text), "{text:?}");
    let record: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    // JSON keeps the values exactly, escaped.
    assert_eq!(record["file"], path);
    assert_eq!(record["instance"], format!("/{raw_key}"));

    let output = run(
        &["-t", "TransactionDetail", "--format", "github", path],
        None,
    );
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!has_raw_control(&text), "{text:?}");
    assert!(
        text.contains("::/USD\\nforged.json:1:1: (root): all good\\r\\u{1b}[2J"),
        "{text}"
    );

    // An unreadable file's name is escaped on standard error too.
    let missing = dir.join("gone\n\u{1b}[2J.json");
    let output = run(
        &["-t", "TransactionDetail", missing.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!has_raw_control(&stderr(&output)), "{:?}", stderr(&output));
    assert!(
        stderr(&output).contains("gone\\n\\u{1b}[2J.json: cannot read"),
        "{}",
        stderr(&output)
    );

    std::fs::remove_dir_all(&dir).unwrap();
}
