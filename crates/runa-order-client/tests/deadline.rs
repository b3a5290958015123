//! The deadline holds: against a server that never answers, and for an answer whose check takes longer than the time limit.

mod common;

use std::time::{Duration, Instant};

use common::{bounded, order};
use runa_order_client::{Client, CreateOptions, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn a_server_that_never_answers_gives_a_timeout_within_the_deadline() {
    bounded(async {
        // Accepts every connection and holds it open without reading or answering.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });

        let deadline = Duration::from_millis(1500);
        let client = Client::builder()
            .base_url(format!("http://{address}/v2"))
            .api_key("XXtest.key")
            .timeout(Duration::from_millis(400))
            .deadline(deadline)
            .retry(RetryPolicy {
                max_attempts: 100,
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(200),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        let started = Instant::now();
        let err = client
            .create_order(&order(), CreateOptions::default())
            .await
            .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err.error, Error::Timeout { .. }), "{err:?}");
        assert!(err.attempts >= 2, "it retried: {err}");
        assert!(
            elapsed < deadline + Duration::from_millis(500),
            "took {elapsed:?} with a deadline of {deadline:?}"
        );
        silent.abort();
    })
    .await;
}

/// A complete order of `items` items, valid against the spec, as `GET /order/{id}` answers it.
fn big_order(items: usize) -> Vec<u8> {
    let mut body = String::from(
        r#"{"id": "O-BIG", "status": "COMPLETED", "created_at": "2025-06-30T11:00:00Z",
  "payment_method": {"type": "ACCOUNT_BALANCE"}, "currency": "USD",
  "total_price": "25", "total_discount": "0", "items": ["#,
    );
    for i in 0..items {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"id": "E-{i}", "distribution_method": {{"type": "EMAIL", "email_address": "r{i}@example.com"}},
  "products": {{"type": "TEMPLATE", "template_id": "PT-1", "values": ["AMZ-US", "TIMHORTONS-CA", "INDIGO-CA"]}},
  "face_value": "25", "price": "25", "payout": {{"status": "ACTIVE",
  "status_updated_at": "2025-06-30T11:00:00Z", "url": "https://spend.runa.io/{i}"}}}}"#
        ));
    }
    body.push_str("]}");
    body.into_bytes()
}

/// Answers `GET /v2/order/O-BIG` with `big` and any other request with `junk`, on loopback.
async fn serve_big(big: Vec<u8>, junk: Vec<u8>) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let answer = |body: Vec<u8>| {
        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
        std::sync::Arc::new([head.into_bytes(), body].concat())
    };
    let (big, junk) = (answer(big), answer(junk));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (big, junk) = (big.clone(), junk.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|it| it == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let answer = if request.starts_with(b"GET /v2/order/O-BIG ") {
                    big
                } else {
                    junk
                };
                let _ = stream.write_all(&answer).await;
            });
        }
    });
    address
}

/// Issue 9, item 5: the check of a large answer (response validation, then serde) ran after
/// the time limit, on the runtime's thread, so a call took as long as the check, whatever its
/// deadline. Here the answer arrives well within the limit but its check takes longer: the
/// call must end with the timeout error. On a single-threaded runtime, that also needs the
/// check off the runtime's thread, where answers of `DECODE_OFF_THREAD_BYTES` or more go.
///
/// The limit is chosen between two measured times, on answers of the same size: one that
/// arrives and fails to decode at its first byte (`cheap`, without response validation), and
/// the valid one, checked against the spec and decoded (`full`).
#[tokio::test(flavor = "current_thread")]
async fn an_answer_whose_check_outlasts_the_time_limit_ends_with_the_timeout_error() {
    bounded(async {
        let big = big_order(30_000);
        // Answers shorter than this are decoded on the calling task (issue 20), where no time
        // limit can cut a check short; this one must go to the blocking pool.
        assert!(big.len() >= runa_order_client::DECODE_OFF_THREAD_BYTES);
        let junk = vec![b'x'; big.len()];
        let address = serve_big(big, junk).await;
        let client = |validate| {
            Client::builder()
                .base_url(format!("http://{address}/v2"))
                .api_key("XXtest.key")
                .retry(RetryPolicy::never())
                .max_response_bytes(32 << 20)
                .validate_responses(validate)
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap()
        };

        let started = Instant::now();
        let err = client(false).get_order("O-JUNK").await.unwrap_err();
        let cheap = started.elapsed();
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
        let client = client(true);
        let started = Instant::now();
        client.get_order("O-BIG").await.expect("the big answer is valid");
        let full = started.elapsed();
        assert!(
            full > cheap * 8,
            "the check must take much longer than the transfer for this test to mean anything: {cheap:?} and {full:?}"
        );

        // A limit far from both: the answer arrives in time, its check cannot end in time.
        let limit = Duration::from_secs_f64((cheap.as_secs_f64() * full.as_secs_f64()).sqrt());
        println!("transfer {cheap:?}, transfer and check {full:?}, limit {limit:?}");
        let err = client.with_timeout(limit).get_order("O-BIG").await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout { after } if after == limit),
            "{err:?} (limit {limit:?}, transfer {cheap:?}, transfer and check {full:?})"
        );
    })
    .await;
}
