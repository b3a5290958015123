//! The mock as a program: its first lines name the URL it serves on and the API base URL; its limits are flags.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

#[tokio::test]
async fn the_binary_prints_its_url_then_the_api_base_url_and_serves_the_api() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runa-order-mock"))
        .args(["--listen", "127.0.0.1:0", "--async-delay-ms", "10"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let (mut first, mut second) = (String::new(), String::new());
        reader.read_line(&mut first)?;
        reader.read_line(&mut second)?;
        std::io::Result::Ok((first, second))
    });
    let (first, second) = tokio::time::timeout(Duration::from_secs(60), lines)
        .await
        .expect("the first two lines come in time")
        .unwrap()
        .unwrap();
    let outcome = async {
        // Scripts read the first line; its form is unchanged.
        let port = first
            .trim_end()
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        let origin = format!("http://127.0.0.1:{port}");
        assert_eq!(second.trim_end(), format!("API base URL: {origin}/v2"));
        let base_url = second.trim_end().trim_start_matches("API base URL: ");
        let get = |url: String| {
            reqwest::Client::new()
                .get(url)
                .header("X-Api-Key", "XXtest.key")
                .timeout(Duration::from_secs(30))
                .send()
        };
        // The printed base URL is the one a client needs.
        assert_eq!(
            get(format!("{base_url}/order")).await.unwrap().status(),
            200
        );
        // The origin alone is the usual mistake: the answer names the prefix.
        let response = get(format!("{origin}/order")).await.unwrap();
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["type"], "not_found");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("/order") && message.contains("start with /v2"),
            "{message}"
        );
        // Under the prefix, an unknown path keeps the documented message.
        let response = get(format!("{base_url}/nothing")).await.unwrap();
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(!body["message"].as_str().unwrap().contains("start with"));
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
        ("--max-orders", "100000"),
        ("--max-order-bytes", "268435456"),
        ("--max-idempotency-records", "100000"),
        ("--max-idempotency-bytes", "67108864"),
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
