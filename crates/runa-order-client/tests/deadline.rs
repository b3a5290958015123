//! The deadline holds: against a server that accepts connections and never answers, `create_order` fails with a timeout in time.

mod common;

use std::time::{Duration, Instant};

use common::{bounded, order};
use runa_order_client::{Client, CreateOptions, Error, RetryPolicy};

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
