//! Exactly-once under faults: dropped connections after the order is stored, injected 429s and 500s, 200 concurrent calls.

mod common;

use std::{collections::HashMap, time::Duration};

use common::{bounded, builder, item, mock, order_of};
use runa_order_client::{CreateOptions, ManualTime, RetryPolicy};
use runa_order_mock::Faults;

#[tokio::test]
async fn every_call_stores_exactly_one_order_and_retries_carry_the_original_key() {
    bounded(async {
        let mock = mock().await;
        mock.set_faults(Faults {
            rate_limit_every: Some(5),
            server_error_every: Some(4),
            drop_after_store_every: Some(3),
            retry_after_secs: 1,
            ..Faults::default()
        });
        let time = ManualTime::new();
        let client = builder(&mock, &time)
            .retry(RetryPolicy {
                max_attempts: 20,
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();

        let calls = (0..200).map(|n| {
            let client = client.clone();
            // Each call has its own body, so a mix-up between calls would show.
            let body = order_of("USD", vec![item("AMZ-US", 10 + n, "maria@example.com")]);
            async move { client.create_order(&body, CreateOptions::default()).await }
        });
        let results = futures::future::join_all(calls).await;

        let mut keys = HashMap::new();
        for result in results {
            let placed = result.unwrap_or_else(|err| panic!("a call failed: {err}"));
            keys.insert(
                placed.idempotency_key.clone(),
                placed.created.id().to_string(),
            );
        }
        assert_eq!(keys.len(), 200, "every call has its own key");

        // Exactly one stored order per call, and it is the one the call was told about.
        let orders = mock.orders();
        assert_eq!(orders.len(), 200, "no order lost or duplicated");
        for stored in &orders {
            assert_eq!(keys.get(&stored.idempotency_key), Some(&stored.id));
        }

        // Every request carried one of the calls' keys: retries reused the original key.
        let posts: Vec<_> = mock
            .requests()
            .into_iter()
            .filter(|it| it.method == "POST")
            .collect();
        assert!(
            posts.len() > 200 + 40,
            "the faults forced retries: {}",
            posts.len()
        );
        let mut per_key: HashMap<String, usize> = HashMap::new();
        for post in &posts {
            let key = post.idempotency_key.clone().expect("every POST has a key");
            assert!(keys.contains_key(&key), "a retry carried a new key {key}");
            *per_key.entry(key).or_default() += 1;
        }
        assert!(per_key.values().any(|n| *n > 1), "some call was retried");
        // Injected 429s asked for a one-second wait, which the client honoured.
        assert!(time.sleeps().iter().any(|it| *it >= Duration::from_secs(1)));
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;
}

#[tokio::test]
async fn a_repeat_while_the_first_is_in_progress_waits_for_the_replay() {
    bounded(async {
        let mock = mock().await;
        // The first request is processed for 2 s; the repeat arrives meanwhile.
        mock.set_faults(Faults {
            delay: Some(Duration::from_secs(2)),
            ..Faults::default()
        });
        let real = |mock: &runa_order_mock::MockServer| {
            runa_order_client::Client::builder()
                .base_url(mock.base_url())
                .api_key("XXtest.key")
                .retry(RetryPolicy {
                    max_attempts: 60,
                    base_delay: Duration::from_millis(100),
                    max_delay: Duration::from_millis(200),
                    ..RetryPolicy::default()
                })
                .build()
                .unwrap()
        };
        let (first, second) = (real(&mock), real(&mock));
        let body = order_of("USD", vec![item("AMZ-US", 10, "maria@example.com")]);
        let options = CreateOptions::default().idempotency_key("same-key");
        let (a, b) = tokio::join!(first.create_order(&body, options.clone()), async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            second.create_order(&body, options.clone()).await
        });
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.attempts, 1);
        assert!(b.attempts > 1, "the repeat was told to wait and retried");
        assert_eq!(a.created.id(), b.created.id());
        assert_eq!(mock.order_count(), 1);
    })
    .await;
}
