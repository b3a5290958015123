//! The mock as a program: the first line of its output names the URL it serves on.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

#[tokio::test]
async fn the_binary_prints_its_url_first_and_serves_the_api() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-mock"))
        .args(["--listen", "127.0.0.1:0", "--async-delay-ms", "10"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(60), line)
        .await
        .expect("the first line comes in time")
        .unwrap()
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"));
    let outcome = async {
        let url = url.unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let response = reqwest::Client::new()
            .get(format!("{url}/v2/order"))
            .header("X-Api-Key", "XXtest.key")
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    outcome
}

#[test]
fn the_help_lists_every_limit_with_its_default() {
    let output = Command::new(env!("CARGO_BIN_EXE_runa-order-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (flag, default) in [
        ("--header-read-timeout-ms", "10000"),
        ("--body-read-timeout-ms", "10000"),
        ("--max-header-bytes", "65536"),
        ("--max-connections", "512"),
        ("--max-body-bytes", "1048576"),
        ("--max-body-bytes-in-flight", "33554432"),
        ("--max-concurrent-body-checks", "2"),
        ("--body-check-wait-ms", "30000"),
        ("--max-validation-details", "100"),
        ("--max-idempotency-key-bytes", "255"),
        ("--request-log-capacity", "10000"),
    ] {
        let line = help
            .lines()
            .position(|it| it.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} is missing from:\n{help}"));
        let described: String = help.lines().skip(line).take(4).collect();
        assert!(
            described.contains(&format!("[default: {default}]")),
            "{flag}: {described}"
        );
    }
}
