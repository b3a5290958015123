//! What the client refuses to send, what it never prints, and bad answers that must give typed errors, not panics.

mod common;

use std::{sync::Arc, time::Duration};

use common::{bounded, builder, client, item, mock, order, order_of};
use runa_order_client::{
    ApiErrorType, Client, CreateError, CreateOptions, Error, ListOrdersParams, ManualTime,
    RetryPolicy,
};
use runa_order_types::OrderStatus;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn requests_the_api_would_refuse_are_not_sent() {
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let two = order_of(
            "USD",
            vec![
                item("AMZ-US", 5, "a@example.com"),
                item("AMZ-US", 6, "b@example.com"),
            ],
        );
        let err = client
            .create_order(&two, CreateOptions::sync())
            .await
            .unwrap_err();
        let Error::Refused(refusal) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!(refusal.error_type, Some(ApiErrorType::InvalidExecutionMode));
        assert!(refusal.reason.contains("single item"), "{}", refusal.reason);
        assert_eq!(err.attempts, 0);
        assert!(!err.is_retryable());

        for key in ["", "   "] {
            let err = client
                .create_order(&order(), CreateOptions::default().idempotency_key(key))
                .await
                .unwrap_err();
            assert!(
                matches!(&err.error, Error::Refused(it) if it.reason.contains("X-Idempotency-Key")),
                "{err:?}"
            );
        }
        let err = client
            .create_order(&order(), CreateOptions::default().idempotency_key("a\nb"))
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::Refused(_)), "{err:?}");
        let err = client
            .create_order(
                &order(),
                CreateOptions::default().header("X-Idempotency-Key", "other"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::Refused(_)), "{err:?}");

        let err = client
            .list_orders(&ListOrdersParams {
                limit: Some(501),
                ..ListOrdersParams::default()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Refused(it) if it.reason.contains("maximum of 500")),
            "{err:?}"
        );

        // A body the spec refuses (a face value below 0.01) is refused before sending.
        let bad = order_of("USD", vec![item("AMZ-US", 0, "maria@example.com")]);
        let err = client
            .create_order(&bad, CreateOptions::default())
            .await
            .unwrap_err();
        let Error::Refused(refusal) = &err.error else {
            panic!("{err:?}")
        };
        assert!(
            refusal.reason.contains("/items/0/face_value"),
            "{}",
            refusal.reason
        );
        assert!(!refusal.reason.contains("maria@"), "{}", refusal.reason);

        // The same order with two items is fine in async mode.
        client
            .create_order(&two, CreateOptions::default())
            .await
            .unwrap();
        let posts = mock
            .requests()
            .iter()
            .filter(|it| it.method == "POST")
            .count();
        assert_eq!(posts, 1, "only the valid request went out");
        assert!(mock.requests().iter().all(|it| it.method == "POST"));
    })
    .await;
}

#[tokio::test]
async fn the_api_key_is_never_printed() {
    bounded(async {
        let secret = "XXsecret.do-not-print-me";
        let builder = Client::builder()
            .base_url("http://127.0.0.1:9/v2")
            .api_key(secret);
        assert!(!format!("{builder:?}").contains("do-not-print"));
        let client = builder
            .timeout(Duration::from_millis(300))
            .retry(RetryPolicy::never())
            .build()
            .unwrap();
        assert!(!format!("{client:?}").contains("do-not-print"));
        // Port 9 (discard) is closed on loopback: a connection error.
        let err = client
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        for text in [
            err.to_string(),
            format!("{err:?}"),
            format!("{:?}", err.error),
        ] {
            assert!(!text.contains("do-not-print"), "{text}");
        }
        assert!(err.is_retryable(), "{err}");
        assert!(
            matches!(err.error, Error::Transport(_) | Error::Timeout { .. }),
            "{err:?}"
        );
    })
    .await;
}

/// Serves one canned answer per connection, whatever the request.
async fn canned(answer: Vec<u8>) -> std::net::SocketAddr {
    scripted(vec![answer]).await
}

/// Serves the answers in order, one per connection, then the last one again and again.
async fn scripted(answers: Vec<Vec<u8>>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut next = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answers[next.min(answers.len() - 1)].clone();
            next += 1;
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read the head and the body (the client's bodies are small).
                loop {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request);
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|line| {
                                let (name, value) = line.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if request.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

/// An answer with `status_line`, `headers` (each ending in `\r\n`) and `body`, with a correct
/// `content-length`, on a connection that closes after it.
fn http(status_line: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status_line}\r\nconnection: close\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A client of `address` with `policy`, whose waits are instant and recorded in `time`.
fn client_of(address: std::net::SocketAddr, policy: RetryPolicy, time: &ManualTime) -> Client {
    Client::builder()
        .base_url(format!("http://{address}/v2"))
        .api_key("XXtest.key")
        .clock(Arc::new(time.clone()))
        .sleeper(Arc::new(time.clone()))
        .timeout(Duration::from_secs(5))
        .deadline(Duration::from_secs(600))
        .retry(policy)
        .build()
        .unwrap()
}

/// The error of `create_order` against a server that answers `status_line` and `body`, with
/// a correct `content-length`.
async fn answer_to_create(status_line: &str, body: &str) -> runa_order_client::CreateError {
    let answer = format!(
        "HTTP/1.1 {status_line}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    raw_answer_to_create(answer.into_bytes()).await
}

async fn raw_answer_to_create(answer: Vec<u8>) -> runa_order_client::CreateError {
    let address = canned(answer).await;
    let client = Client::builder()
        .base_url(format!("http://{address}/v2"))
        .api_key("XXtest.key")
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    client
        .create_order(&order(), CreateOptions::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn bad_answers_give_typed_errors_with_status_and_path() {
    bounded(async {
        let err = answer_to_create("202 Accepted", r#"{"id":"O-1","status":"DONE"}"#).await;
        let Error::UnexpectedResponse(it) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!((it.status, it.path.as_deref()), (202, Some("status")));

        let err = answer_to_create("200 OK", "not json at all").await;
        let Error::UnexpectedResponse(it) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!(it.status, 200);
        assert!(it.excerpt.starts_with("not json"), "{it:?}");

        let err = answer_to_create(
            "200 OK",
            r#"{"items": [{"email_address": "x@example.com"}]}"#,
        )
        .await;
        assert!(
            matches!(&err.error, Error::UnexpectedResponse(it) if it.status == 200),
            "{err:?}"
        );

        let err = answer_to_create("418 I'm a teapot", "short").await;
        let Error::UnexpectedResponse(it) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!((it.status, it.expected), (418, None));
        assert!(!err.is_retryable());

        // The body is cut short: the connection closes before `content-length` bytes came.
        let err = raw_answer_to_create(
            b"HTTP/1.1 202 Accepted\r\ncontent-length: 500\r\n\r\n{\"id\": \"O-1\", \"sta".to_vec(),
        )
        .await;
        let Error::Transport(transport) = &err.error else {
            panic!("{err:?}")
        };
        assert_eq!(transport.status, Some(202));
        assert!(err.to_string().contains("202"), "{err}");
        assert!(err.is_retryable());

        // A 502 page from a proxy in front of the API may pass: retryable.
        let err = answer_to_create("502 Bad Gateway", "<html></html>").await;
        assert!(
            matches!(&err.error, Error::UnexpectedResponse(it) if it.status == 502),
            "{err:?}"
        );
        assert!(err.is_retryable());

        // E-mail addresses in a body never reach the error.
        let err = answer_to_create("200 OK", r#"{"status": "ana.maria@example.com"}"#).await;
        let text = format!("{} {:?}", err, err.error);
        assert!(!text.contains("ana.maria"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn other_4xx_answers_are_not_retried_and_5xx_are_retried_with_backoff() {
    bounded(async {
        let mock = mock().await;
        let time = ManualTime::new();
        let client = builder(&mock, &time)
            .retry(RetryPolicy {
                max_attempts: 4,
                base_delay: Duration::from_millis(100),
                max_delay: Duration::from_secs(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        let err = client
            .create_order(
                &order(),
                CreateOptions::default().header("X-Trigger-Error", "insufficient_funds"),
            )
            .await
            .unwrap_err();
        assert_eq!(err.attempts, 1);
        assert!(time.sleeps().is_empty());

        let err = client
            .create_order(
                &order(),
                CreateOptions::default().header("X-Trigger-Error", "internal_server_error"),
            )
            .await
            .unwrap_err();
        assert_eq!(err.attempts, 4);
        let sleeps = time.sleeps();
        assert_eq!(sleeps.len(), 3);
        for (retry, wait) in sleeps.iter().enumerate() {
            assert!(
                *wait <= Duration::from_millis(100) * 2u32.pow(retry as u32),
                "{sleeps:?}"
            );
        }
        // The same key went out every time.
        let keys: Vec<_> = mock
            .requests()
            .into_iter()
            .skip(1)
            .map(|it| it.idempotency_key.unwrap())
            .collect();
        assert_eq!(keys, vec![err.idempotency_key.clone(); 4]);
    })
    .await;
}

/// A complete order whose template offers one product: the Rust types accept it, the spec
/// (`minItems: 2`) does not.
const ORDER_BREAKING_THE_SPEC: &str = r#"{"id": "O-1", "status": "COMPLETED",
  "created_at": "2025-06-30T11:00:00Z", "payment_method": {"type": "ACCOUNT_BALANCE"},
  "currency": "CAD", "total_price": "20", "total_discount": "0",
  "items": [{"id": "E-1", "distribution_method": {"type": "PAYOUT_LINK"},
    "products": {"type": "TEMPLATE", "template_id": "PT-1", "values": ["ONLY-ONE"]},
    "face_value": "20", "price": "20",
    "payout": {"status": "ACTIVE", "status_updated_at": "2025-06-30T11:00:00Z", "url": "https://x"}}]}"#;

#[tokio::test]
async fn response_validation_reports_a_mismatch_as_its_own_error() {
    bounded(async {
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{ORDER_BREAKING_THE_SPEC}",
            ORDER_BREAKING_THE_SPEC.len()
        );
        let address = canned(answer.into_bytes()).await;
        let client = |validate| {
            Client::builder()
                .base_url(format!("http://{address}/v2"))
                .api_key("XXtest.key")
                .retry(RetryPolicy::never())
                .validate_responses(validate)
                .build()
                .unwrap()
        };
        client(false)
            .get_order("O-1")
            .await
            .expect("the types accept it");
        let err = client(true).get_order("O-1").await.unwrap_err();
        let Error::SpecMismatch(mismatch) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (mismatch.status, mismatch.definition),
            (200, "GetSingleOrderResponse")
        );
        assert!(!err.is_retryable());
    })
    .await;
}

/// A complete order, as `GET /order/{id}` (and, with `COMPLETED`, a sync `POST /order`) answers.
fn full_order(status: &str) -> String {
    format!(
        r#"{{"id": "O-FULL", "status": "{status}", "created_at": "2025-06-30T11:00:00Z",
  "payment_method": {{"type": "ACCOUNT_BALANCE"}}, "currency": "USD",
  "total_price": "25", "total_discount": "0",
  "items": [{{"id": "E-1", "distribution_method": {{"type": "PAYOUT_LINK"}},
    "products": {{"type": "SINGLE", "value": "AMZ-US"}}, "face_value": "25", "price": "25",
    "payout": {{"status": "ACTIVE", "status_updated_at": "2025-06-30T11:00:00Z",
      "url": "https://spend.runa.io/x"}}}}]}}"#
    )
}

/// Issue 9, item 1: `Retry-After: 1e20` (or twenty digits) made every call panic, on any
/// status. Now a success is a success, and a retry that would wait that long is not made: the
/// call ends at once with the attempt's typed error.
#[tokio::test]
async fn a_huge_retry_after_never_panics_and_ends_the_call_with_the_typed_error() {
    bounded(async {
        for huge in ["1e20", "99999999999999999999", "1.8446744073709552e19"] {
            let header = format!("retry-after: {huge}\r\n");
            let time = ManualTime::new();
            let policy = RetryPolicy {
                max_attempts: 5,
                ..RetryPolicy::default()
            };

            let ok = canned(http("200 OK", &header, &full_order("COMPLETED"))).await;
            let fetched = client_of(ok, policy, &time).get_order("O-FULL").await;
            assert!(fetched.is_ok(), "{huge}: {fetched:?}");
            let accepted = r#"{"id": "O-1", "status": "PROCESSING"}"#;
            let placed = canned(http("202 Accepted", &header, accepted)).await;
            let placed = client_of(placed, policy, &time)
                .create_order(&order(), CreateOptions::default())
                .await;
            assert!(placed.is_ok(), "{huge}: {placed:?}");

            let limited = canned(http(
                "429 Too Many Requests",
                &header,
                r#"{"error": "slow down"}"#,
            ))
            .await;
            let err = client_of(limited, policy, &time)
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap_err();
            let Error::RateLimited(rate) = &err.error else {
                panic!("{huge}: {err:?}")
            };
            assert_eq!(rate.retry_after, Some(Duration::MAX), "{huge}");
            assert_eq!(err.attempts, 1, "no retry can wait that long: {err}");
            assert!(err.to_string().contains("rate limit"), "{err}");

            let unavailable = canned(http(
                "503 Service Unavailable",
                &header,
                r#"{"type": "internal_server_error", "message": "later"}"#,
            ))
            .await;
            let err = client_of(unavailable, policy, &time)
                .get_order("O-1")
                .await
                .unwrap_err();
            assert_eq!(
                (err.status(), err.is_retryable()),
                (Some(503), true),
                "{err:?}"
            );
            assert!(time.sleeps().is_empty(), "{:?}", time.sleeps());
        }
    })
    .await;
}

fn assert_may_exist_with_id(err: &CreateError, id: &str) {
    assert!(err.order_may_exist(), "{err}");
    assert_eq!(err.order_id(), Some(id), "{err}");
    assert!(
        err.response_body().is_some_and(|it| !it.is_empty()),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("never with a new one"), "{text}");
    assert!(text.contains(id), "{text}");
}

/// Issue 9, item 3: a `200`/`202` whose body does not decode placed the order, but the error
/// looked final. Now it says the order may exist, and gives the ID and the raw body.
#[tokio::test]
async fn a_2xx_whose_body_does_not_decode_says_the_order_may_exist_and_gives_its_id() {
    bounded(async {
        let cases = [
            // A status value the spec does not allow.
            ("202 Accepted", r#"{"id": "O-1", "status": "DONE"}"#.to_owned()),
            // A field missing.
            ("202 Accepted", r#"{"id": "O-1"}"#.to_owned()),
            // Another shape: the status as an object, and an error body that carries an ID.
            (
                "202 Accepted",
                r#"{"id": "O-1", "status": {"code": "PROCESSING"}}"#.to_owned(),
            ),
            (
                "202 Accepted",
                r#"{"id": "O-1", "type": "internal_server_error", "message": "m"}"#.to_owned(),
            ),
            // A sync answer without `items`, and one that is not `COMPLETED`.
            ("200 OK", r#"{"id": "O-1", "status": "COMPLETED", "created_at": "x"}"#.to_owned()),
            ("200 OK", full_order("PROCESSING").replace("O-FULL", "O-1")),
            // Broken JSON after the ID.
            ("202 Accepted", r#"{"id": "O-1", "status": PROCESSING}"#.to_owned()),
            // An undocumented 2xx.
            ("201 Created", r#"{"id": "O-1", "status": "PROCESSING"}"#.to_owned()),
        ];
        for (status_line, body) in cases {
            let time = ManualTime::new();
            let address = canned(http(status_line, "", &body)).await;
            let err = client_of(address, RetryPolicy::default(), &time)
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap_err();
            assert_may_exist_with_id(&err, "O-1");
            assert_eq!(err.response_body(), Some(body.as_bytes()));
            // A retry would replay the same answer, so the client made none.
            assert_eq!(err.attempts, 1, "{err}");
            assert!(!err.is_retryable(), "{err}");
        }

        // A 202 whose body is cut after the ID, as a transport error (retried, then given up).
        let time = ManualTime::new();
        let cut = b"HTTP/1.1 202 Accepted\r\nconnection: close\r\ncontent-length: 500\r\n\r\n{\"id\": \"O-1\", \"sta".to_vec();
        let address = canned(cut).await;
        let err = client_of(address, RetryPolicy { max_attempts: 2, ..RetryPolicy::default() }, &time)
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::Transport(_)), "{err:?}");
        assert_may_exist_with_id(&err, "O-1");
        assert!(err.is_retryable());

        // With response validation on, a 200 that the types accept but the spec refuses is a
        // SpecMismatch, and the order still may exist.
        let address = canned(http("200 OK", "", ORDER_BREAKING_THE_SPEC)).await;
        let err = Client::builder()
            .base_url(format!("http://{address}/v2"))
            .api_key("XXtest.key")
            .retry(RetryPolicy::never())
            .validate_responses(true)
            .build()
            .unwrap()
            .create_order(&order(), CreateOptions::sync())
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::SpecMismatch(_)), "{err:?}");
        assert_may_exist_with_id(&err, "O-1");
    })
    .await;
}

/// Issue 9, item 3: every kind of failure on the right side of "may exist".
#[tokio::test]
async fn order_may_exist_is_false_only_when_nothing_was_sent_or_the_api_refused() {
    bounded(async {
        let api_error = |status_line: &str, ty: &str| {
            http(
                status_line,
                "",
                &format!(r#"{{"type": "{ty}", "message": "m"}}"#),
            )
        };
        let validation = http(
            "422 Unprocessable Entity",
            "",
            r#"{"type": "validation_error", "message": "m", "details": []}"#,
        );
        let limited = http("429 Too Many Requests", "", r#"{"error": "slow down"}"#);
        let cases: Vec<(&str, Vec<Vec<u8>>, bool)> = vec![
            (
                "500",
                vec![api_error(
                    "500 Internal Server Error",
                    "internal_server_error",
                )],
                true,
            ),
            (
                "504",
                vec![api_error("504 Gateway Timeout", "timeout")],
                true,
            ),
            (
                "502 from a proxy",
                vec![http("502 Bad Gateway", "", "<html></html>")],
                true,
            ),
            (
                "in progress",
                vec![api_error("400 Bad Request", "idempotency_in_progress")],
                true,
            ),
            (
                "a 400 whose type cannot be read",
                vec![http("400 Bad Request", "", "<html>")],
                true,
            ),
            (
                "insufficient funds",
                vec![api_error("400 Bad Request", "insufficient_funds")],
                false,
            ),
            (
                "unauthorized",
                vec![api_error("401 Unauthorized", "unauthorized")],
                false,
            ),
            (
                "version removed",
                vec![api_error("410 Gone", "version_removed")],
                false,
            ),
            ("422", vec![validation], false),
            ("429 every time", vec![limited.clone()], false),
            ("418", vec![http("418 I'm a teapot", "", "short")], false),
            // A refusal after an attempt that may have been processed does not clear it.
            (
                "500 then 429",
                vec![
                    api_error("500 Internal Server Error", "internal_server_error"),
                    limited,
                ],
                true,
            ),
        ];
        for (name, answers, expected) in cases {
            let time = ManualTime::new();
            let address = scripted(answers).await;
            let policy = RetryPolicy {
                max_attempts: 2,
                ..RetryPolicy::default()
            };
            let err = client_of(address, policy, &time)
                .create_order(&order(), CreateOptions::default())
                .await
                .unwrap_err();
            assert_eq!(err.order_may_exist(), expected, "{name}: {err}");
            assert_eq!(
                err.to_string().contains("never with a new one"),
                expected,
                "{name}: {err}"
            );
        }

        // Nothing sent: refused before sending, or no connection could be made.
        let time = ManualTime::new();
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let err = client_of(closed, RetryPolicy::default(), &time)
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err.error, Error::Transport(it) if !it.maybe_sent),
            "{err:?}"
        );
        assert!(err.attempts > 1 && !err.order_may_exist(), "{err}");
        let err = client_of(closed, RetryPolicy::default(), &time)
            .create_order(&order(), CreateOptions::default().idempotency_key(""))
            .await
            .unwrap_err();
        assert!((err.attempts, err.order_may_exist()) == (0, false), "{err}");

        // A timeout after the request went out.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = silent.local_addr().unwrap();
        let holder = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = silent.accept().await {
                held.push(stream);
            }
        });
        let err = client_of(address, RetryPolicy::never(), &time)
            .with_timeout(Duration::from_millis(300))
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err.error, Error::Timeout { .. }), "{err:?}");
        assert!(err.order_may_exist() && err.order_id().is_none(), "{err}");
        holder.abort();
    })
    .await;
}

/// Issue 9, item 4: the official example of `GET /order/{id}` is a full body whose status is
/// `PROCESSING`; polling by shape stopped on it. `is_final` decides by status.
#[tokio::test]
async fn polling_decides_by_status_not_by_shape() {
    bounded(async {
        let time = ManualTime::new();
        for (status, is_final) in [("PROCESSING", false), ("COMPLETED", true), ("FAILED", true)] {
            let address = canned(http("200 OK", "", &full_order(status))).await;
            let order = client_of(address, RetryPolicy::never(), &time)
                .get_order("O-FULL")
                .await
                .unwrap();
            assert!(order.full_details().is_some(), "the full shape");
            assert_eq!(order.is_final(), is_final, "{status}");
            assert_eq!(order.status().to_string(), status);
            assert_eq!(order.id().as_str(), "O-FULL");
        }
        let short = r#"{"id": "O-1", "status": "PROCESSING", "message": "still working"}"#;
        let address = canned(http("200 OK", "", short)).await;
        let order = client_of(address, RetryPolicy::never(), &time)
            .get_order("O-1")
            .await
            .unwrap();
        assert_eq!(
            (order.status(), order.is_final()),
            (OrderStatus::Processing, false)
        );
    })
    .await;
}

/// A completed order whose first item has a wrong field: `get_order` names the field and its
/// line, whether the validator checks the answer (the default) or only the types read it.
#[tokio::test]
async fn a_bad_order_from_get_order_names_the_field_and_its_line() {
    bounded(async {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/payloads/valid/GetSingleOrderResponse/completed-with-template.json"
        ))
        .unwrap();
        let at = text.find("\"items\"").unwrap();
        let body = format!(
            "{}{}",
            &text[..at],
            text[at..].replacen("\"face_value\": \"20\"", "\"face_value\": 20", 1)
        );
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let address = canned(answer.into_bytes()).await;
        let client = |validate: bool| {
            Client::builder()
                .base_url(format!("http://{address}/v2"))
                .api_key("XXtest.key")
                .retry(RetryPolicy::never())
                .validate_responses(validate)
                .build()
                .unwrap()
        };

        // The types alone: the union's chosen variant reports the path and the position.
        let err = client(false)
            .get_order("O-01HZX4T1N5F6G7H8J9K0M1P2Q3")
            .await
            .unwrap_err();
        let Error::UnexpectedResponse(it) = &err else {
            panic!("{err:?}")
        };
        assert_eq!((it.status, it.expected), (200, Some("GetSingleOrderResponse")));
        assert!(
            it.message.starts_with(
                "items[0].face_value: invalid type: integer `20`, expected a decimal string (an exact decimal amount) at line 19 column 22"
            ),
            "{it:?}"
        );
        assert!(!it.message.contains("did not match any variant"), "{it:?}");

        // With the validator (the default), the problem is named by its JSON pointer.
        let err = client(true)
            .get_order("O-01HZX4T1N5F6G7H8J9K0M1P2Q3")
            .await
            .unwrap_err();
        let Error::SpecMismatch(it) = &err else {
            panic!("{err:?}")
        };
        assert!(
            it.problems.iter().any(|it| it.contains("/items/0/face_value")),
            "{it:?}"
        );
    })
    .await;
}
