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
