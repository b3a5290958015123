//! What the client's errors print of an answer: no control character (a forged line, a cleared screen), no e-mail address, and never the credentials of a URL.

mod common;

use std::time::Duration;

use common::{bounded, order};
use runa_order_client::{Client, CreateError, CreateOptions, Error, RetryPolicy};
use tokio::io::AsyncWriteExt;

/// Serves `answer` on every connection, after reading the request.
async fn canned(answer: Vec<u8>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                if !common::read_request(&mut stream).await {
                    return;
                }
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

/// An answer with `status_line`, extra `headers` (each ending in `\r\n`) and `body`.
fn http(status_line: &str, headers: &[u8], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status_line}\r\nconnection: close\r\n").into_bytes();
    out.extend_from_slice(headers);
    out.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
    out
}

/// The error of `create_order` (sent once) against a server that answers `answer`.
async fn create_against(answer: Vec<u8>, validate_responses: bool) -> CreateError {
    let address = canned(answer).await;
    Client::builder()
        .base_url(format!("http://{address}/v2"))
        .api_key("XXtest.key")
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::never())
        .validate_responses(validate_responses)
        .build()
        .unwrap()
        .create_order(&order(), CreateOptions::default())
        .await
        .unwrap_err()
}

/// A real `SyncCompletedOrder` answer, with `metadata` (JSON text) instead of its `null`.
fn completed_with_metadata(metadata: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/payloads/valid/SyncCompletedOrder/single-email-item.json");
    let body = std::fs::read_to_string(path).unwrap();
    assert!(body.contains(r#""metadata": null"#));
    body.replace(r#""metadata": null"#, &format!(r#""metadata": {metadata}"#))
}

/// The characters a terminal or a log viewer acts on.
fn raw_control(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'))
}

#[track_caller]
fn assert_printable(err: &CreateError) {
    for text in [err.to_string(), format!("{err:?}"), err.error.to_string()] {
        assert_eq!(raw_control(&text), None, "{text:?}");
    }
}

/// Text that clears the screen (ESC [2J and the C1 CSI), forges a line and reorders text.
const FORGE: &str = r"\n\u001b[2J\u009b2Jerror: forged line\r\u2028\u202e";

/// Issue 18, item 11: a `CreateError` printed the order ID of the answer verbatim, line
/// break and `ESC[2J` included. Every message built from an answer now escapes control
/// characters: the order ID, error messages and types, `422` details and their locations,
/// the excerpt and the serde path of a body that does not decode, a spec mismatch, the
/// `Location` of a redirect.
#[tokio::test]
async fn messages_built_from_an_answer_escape_control_characters() {
    bounded(async {
        // A 500 whose body has an order ID: the order may exist, and the message names it.
        let body = format!(
            r#"{{"id": "O-1{FORGE}", "type": "internal_server_error{FORGE}", "message": "boom{FORGE}", "help": "h{FORGE}"}}"#
        );
        let err = create_against(http("500 Internal Server Error", b"", &body), false).await;
        assert!(err.order_may_exist());
        // The ID itself is kept as the answer gave it, to look the order up.
        assert_eq!(
            err.order_id(),
            Some("O-1\n\u{1b}[2J\u{9b}2Jerror: forged line\r\u{2028}\u{202e}")
        );
        assert!(
            err.to_string()
                .contains("order O-1\\n\\u{1b}[2J\\u{9b}2Jerror: forged line\\r\\u{2028}\\u{202e} exists"),
            "{err}"
        );
        assert_printable(&err);

        let details = format!(
            r#"{{"type": "validation_error", "message": "bad{FORGE}", "details": [{{"location": ["items", "0{FORGE}"], "message": "m{FORGE}", "type": "t{FORGE}"}}]}}"#
        );
        let bodies = [
            http("422 Unprocessable Entity", b"", &details),
            http(
                "429 Too Many Requests",
                b"",
                &format!(r#"{{"error": "slow down{FORGE}"}}"#),
            ),
            // A body of the wrong shape: the serde path has the key, the excerpt the text.
            http(
                "202 Accepted",
                b"",
                &format!(r#"{{"id": "O-2", "status": "DONE{FORGE}", "k{FORGE}": 1}}"#),
            ),
            // A map key in the serde path of a mismatch (a metadata value that is no string).
            http("200 OK", b"", &completed_with_metadata(&format!(r#"{{"k{FORGE}": 1}}"#))),
            http("418 Teapot", b"", &format!("<html>{}</html>", "\u{1b}[2J\u{9b}")),
            // A Location with C1 control characters (bytes C2 9B, obs-text in HTTP).
            http("303 See Other", b"location: /v2/order/O-3\xc2\x9b2J\xe2\x80\xae\r\n", ""),
            http(
                "303 See Other",
                b"location: http://h/v2/\xc2\x9b2J?to=maria@example.com\r\n",
                "",
            ),
        ];
        for body in bodies {
            let err = create_against(body.clone(), false).await;
            assert_printable(&err);
            assert!(!err.to_string().contains("maria@"), "{err}");
            let err = create_against(body, true).await;
            assert_printable(&err);
        }
    })
    .await;
}

/// The addresses the issue found through, each as the validator accepts it or as a person
/// writes it: they must not appear, in part or whole, in any message.
const ADDRESSES: &[(&str, &[&str])] = &[
    ("\"john.doe\"@example.com", &["john.doe", "example.com"]),
    ("josé@example.org", &["jos", "example.org"]),
    ("maria@exämple.com", &["maria", "mple.com", "exä"]),
    ("fred@[192.0.2.1]", &["fred", "192.0.2.1"]),
];

/// Issue 18, item 11: e-mail redaction missed `"john.doe"@example.com` (which the validator
/// accepts), `josé@…` and `fred\u0040…` in raw bodies, and turned `maria@exämple.com` into
/// `<email>ämple.com`. Every address is now redacted whole, in decoded messages and in the
/// excerpts of raw bodies.
#[tokio::test]
async fn every_address_is_redacted_from_messages_and_excerpts() {
    bounded(async {
        let listed: Vec<String> = ADDRESSES
            .iter()
            .map(|(address, _)| serde_json::to_string(address).unwrap())
            .collect();
        let message = ADDRESSES
            .iter()
            .map(|(address, _)| *address)
            .collect::<Vec<_>>()
            .join(", ");
        let message = serde_json::to_string(&format!("no payout for {message}")).unwrap();
        let api_error = format!(r#"{{"type": "insufficient_funds", "message": {message}}}"#);
        // A body that does not decode: its excerpt is raw text, with JSON escapes.
        let raw = format!(
            r#"{{"id": "O-1", "status": "DONE", "to": [{}, "fred\u0040example.net"]}}"#,
            listed.join(", ")
        );
        let undocumented = format!("{} fred\\u0040example.net", listed.join(" "));
        let answers = [
            http("400 Bad Request", b"", &api_error),
            http("202 Accepted", b"", &raw),
            http("418 Teapot", b"", &undocumented),
        ];
        for answer in answers {
            for validate in [false, true] {
                let err = create_against(answer.clone(), validate).await;
                for text in [err.to_string(), format!("{:?}", err.error)] {
                    // Checked against the spec, a body that does not decode is refused for
                    // its `status` first, and its message quotes no address.
                    assert!(validate || text.contains("<email>"), "{text}");
                    for (address, parts) in ADDRESSES {
                        for part in *parts {
                            assert!(!text.contains(part), "{part} of {address} in {text}");
                        }
                    }
                    assert!(!text.contains("fred"), "{text}");
                }
            }
        }
    })
    .await;
}

/// Issue 18, item 11: the client's `Debug` showed `http://user:S3CRET@…` from a base URL
/// with credentials. Neither it, nor the builder's `Debug`, nor an error, nor the builder's
/// refusal of a URL that is not one, prints them.
#[tokio::test]
async fn url_credentials_are_never_printed() {
    bounded(async {
        // A server that answers an undocumented status, and a closed port.
        let address = canned(http("418 Teapot", b"", "short and stout")).await;
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        for target in [address, closed] {
            let builder = Client::builder()
                .base_url(format!("http://user:S3CRET@{target}/v2"))
                .api_key("XXtest.key")
                .timeout(Duration::from_secs(5))
                .retry(RetryPolicy::never());
            assert!(!format!("{builder:?}").contains("S3CRET"), "{builder:?}");
            let client = builder.build().unwrap();
            let shown = format!("{client:?}");
            assert!(
                !shown.contains("S3CRET") && !shown.contains("user:"),
                "{shown}"
            );
            assert!(shown.contains(&format!("http://{target}/v2")), "{shown}");
            let err = client
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap_err();
            let mut texts = vec![err.to_string(), format!("{err:?}")];
            let mut source = std::error::Error::source(&err.error);
            while let Some(cause) = source {
                texts.push(cause.to_string());
                texts.push(format!("{cause:?}"));
                source = cause.source();
            }
            if let Error::Transport(transport) = &err.error {
                texts.push(transport.message.clone());
            }
            for text in texts {
                assert!(!text.contains("S3CRET"), "{text}");
            }
        }
        let err = Client::builder()
            .base_url("http://user:S3CRET@exa mple.com/v2")
            .api_key("XXtest.key")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("S3CRET"), "{err}");
        assert!(!format!("{err:?}").contains("S3CRET"), "{err:?}");
        let err = Client::builder()
            .base_url("ftp://user:S3CRET@example.com/v2")
            .api_key("XXtest.key")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("S3CRET"), "{err}");
    })
    .await;
}
