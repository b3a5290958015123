//! What the client refuses to send, what it never prints, and bad answers that must give typed errors, not panics.

mod common;

use std::time::Duration;

use common::{bounded, builder, client, item, mock, order, order_of};
use runa_order_client::{
    ApiErrorType, Client, CreateOptions, Error, ListOrdersParams, ManualTime, RetryPolicy,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn requests_the_api_would_refuse_are_not_sent() {
    bounded(async {
        let mock = mock().await;
        let client = client(&mock);
        let two = order_of(
            "USD",
            vec![
                item("AMZ-US", 5.0, "a@example.com"),
                item("AMZ-US", 6.0, "b@example.com"),
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
        let bad = order_of("USD", vec![item("AMZ-US", 0.0, "maria@example.com")]);
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
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
