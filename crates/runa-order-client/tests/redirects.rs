//! Redirects: the client follows none, and a `3xx` is a typed error that, for `create_order`, says the order may exist.

mod common;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use common::{bounded, order};
use runa_order_client::{Client, CreateOptions, Error, Redirected};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// The request lines a test server received (`POST /v2/order`), in order.
type Log = Arc<Mutex<Vec<String>>>;

/// The body of a completed order, as `GET /order/{id}` (and a sync `POST /order`) answers.
const COMPLETED: &str = r#"{"id":"O-1","status":"COMPLETED","created_at":"2024-03-01T10:00:00Z",
"completed_at":"2024-03-01T10:00:01Z","currency":"USD","total_price":"25.00",
"total_discount":"0.00","payment_method":{"type":"ACCOUNT_BALANCE","currency":"USD"},
"items":[]}"#;

/// How a test server answers a request, given its request line and the server's address.
type Answer = Arc<dyn Fn(&str, SocketAddr) -> String + Send + Sync>;

/// A server on 127.0.0.1 that answers every request with `answer`, one request per
/// connection, and logs the request lines. Requests are read up to 64 KiB.
async fn serve(answer: Answer) -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let log = Log::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // The head, then as much of the body as `content-length` says.
                while request.len() < 64 * 1024 {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|it| {
                                let (name, value) = it.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&request).into_owned();
                let line = text.lines().next().unwrap_or_default();
                let line = line.trim_end_matches(" HTTP/1.1").to_owned();
                let reply = answer(&line, address);
                seen.lock().unwrap().push(line);
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (address, log)
}

fn reply(status_line: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

/// Every answer is a `status` redirect to `/v2/order/O-1` on the same server, except the
/// answer to that target, a completed order; the log shows whether a redirect was followed.
fn redirect_with(status: u16) -> Answer {
    Arc::new(move |line: &str, address: SocketAddr| {
        if line == "GET /v2/order/O-1" {
            reply("200 OK", "", COMPLETED)
        } else {
            reply(
                &format!("{status} Redirect"),
                &format!("location: http://{address}/v2/order/O-1\r\n"),
                "",
            )
        }
    })
}

/// Before the fix, reqwest followed every one of these redirects with the API key, and on
/// 301, 302 and 303 turned the `POST` into a `GET`: `create_order` then read the completed
/// order of the redirect's target as its own answer and returned `Ok`.
#[tokio::test]
async fn redirects_are_not_followed_and_say_the_order_may_exist() {
    bounded(async {
        for status in [301u16, 302, 303, 307, 308] {
            let (address, log) = serve(redirect_with(status)).await;
            let client = Client::builder()
                .base_url(format!("http://{address}/v2"))
                .api_key("XXtest.key")
                .build()
                .unwrap();

            let err = client
                .create_order(&order(), CreateOptions::sync())
                .await
                .unwrap_err();
            let Error::Redirected(redirect) = &err.error else {
                panic!("{status}: {err:?}")
            };
            assert_eq!(
                redirect,
                &Redirected {
                    status,
                    location: Some(format!("http://{address}/v2/order/O-1")),
                    followed: false,
                }
            );
            assert!(err.order_may_exist(), "{status}: {err}");
            assert!(
                !err.is_retryable(),
                "{status}: the same request gets the same redirect"
            );
            assert_eq!(err.attempts, 1, "{status}");
            let message = err.to_string();
            assert!(message.contains("may exist"), "{message}");
            assert!(message.contains("follows no redirects"), "{message}");

            let err = client.get_order("O-2").await.unwrap_err();
            assert!(
                matches!(&err, Error::Redirected(it) if it.status == status && !it.followed),
                "{status}: {err:?}"
            );
            assert_eq!(err.status(), Some(status));

            assert_eq!(
                *log.lock().unwrap(),
                ["POST /v2/order", "GET /v2/order/O-2"],
                "{status}: one request per call, none to the redirect's target"
            );
        }
    })
    .await;
}

/// A reqwest client given by the caller keeps its own redirect policy (reqwest's default
/// follows up to 10). The answer it ends at is not the answer to the request, so it is
/// refused as a followed redirect, and the order may exist.
#[tokio::test]
async fn an_answer_through_a_redirect_a_given_client_followed_is_refused() {
    bounded(async {
        let (address, log) = serve(redirect_with(303)).await;
        let client = Client::builder()
            .base_url(format!("http://{address}/v2"))
            .api_key("XXtest.key")
            .http_client(reqwest::Client::new())
            .build()
            .unwrap();
        let err = client
            .create_order(&order(), CreateOptions::sync())
            .await
            .unwrap_err();
        let Error::Redirected(redirect) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!(
            redirect,
            &Redirected {
                status: 200,
                location: Some(format!("http://{address}/v2/order/O-1")),
                followed: true,
            }
        );
        assert!(err.order_may_exist(), "{err}");
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("Policy::none()"), "{err}");
        // reqwest turned the POST into a GET of the target.
        assert_eq!(
            *log.lock().unwrap(),
            ["POST /v2/order", "GET /v2/order/O-1"]
        );
    })
    .await;
}

/// A `Location` header of any length is kept to 200 characters, without credentials or e-mail
/// addresses, and its absence is said.
#[tokio::test]
async fn a_long_or_missing_location_is_bounded_or_named() {
    bounded(async {
        let (address, _) = serve(Arc::new(|line: &str, _| {
            if line.starts_with("GET /v2/order/long") {
                let target = format!("http://example.invalid/{}", "x".repeat(100_000));
                reply("302 Found", &format!("location: {target}\r\n"), "")
            } else if line.starts_with("GET /v2/order/mail") {
                let target = "http://user:secret@example.invalid/welcome?to=ana@example.com";
                reply(
                    "301 Moved Permanently",
                    &format!("location: {target}\r\n"),
                    "",
                )
            } else {
                reply("307 Temporary Redirect", "", "")
            }
        }))
        .await;
        let client = Client::builder()
            .base_url(format!("http://{address}/v2"))
            .api_key("XXtest.key")
            .build()
            .unwrap();
        let err = client.get_order("long").await.unwrap_err();
        let Error::Redirected(redirect) = &err else {
            panic!("{err:?}")
        };
        let location = redirect.location.as_deref().unwrap();
        assert_eq!(
            location.chars().count(),
            201,
            "200 characters and an ellipsis"
        );
        assert!(location.starts_with("http://example.invalid/xxx") && location.ends_with('…'));

        let err = client.get_order("mail").await.unwrap_err();
        assert!(
            matches!(&err, Error::Redirected(it)
                if it.location.as_deref() == Some("http://example.invalid/welcome?to=<email>")),
            "{err:?}"
        );

        let err = client.get_order("none").await.unwrap_err();
        assert!(
            matches!(&err, Error::Redirected(it) if it.status == 307 && it.location.is_none()),
            "{err:?}"
        );
        assert!(err.to_string().contains("no Location header"), "{err}");
    })
    .await;
}
