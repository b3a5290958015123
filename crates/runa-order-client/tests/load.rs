//! Load: 10,000 orders from 64 concurrent clients, none lost, none duplicated, no error (throughput is measured by the mock's bench, not here).

mod common;

use std::collections::HashSet;

use common::{bounded, client, mock, order};
use runa_order_client::CreateOptions;

const ORDERS: usize = 10_000;
const CLIENTS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_serves_10000_creates_from_64_clients_without_loss_or_duplicates() {
    bounded(async {
        let mock = mock().await;
        let body = order();
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|n| {
                // Each task is its own client, with its own connections.
                let client = client(&mock);
                let body = body.clone();
                let count = ORDERS / CLIENTS + usize::from(n < ORDERS % CLIENTS);
                tokio::spawn(async move {
                    let mut placed = Vec::with_capacity(count);
                    for _ in 0..count {
                        let it = client
                            .create_order(&body, CreateOptions::default())
                            .await
                            .unwrap_or_else(|err| panic!("no error is expected: {err}"));
                        assert_eq!(it.attempts, 1, "nothing needed a retry");
                        placed.push((it.idempotency_key, it.created.id().to_string()));
                    }
                    placed
                })
            })
            .collect();
        let mut keys = HashSet::new();
        let mut ids = HashSet::new();
        for task in tasks {
            for (key, id) in task.await.unwrap() {
                assert!(keys.insert(key));
                assert!(ids.insert(id));
            }
        }
        assert_eq!(ids.len(), ORDERS);
        let stored = mock.orders();
        assert_eq!(stored.len(), ORDERS, "no order lost or duplicated");
        let stored_ids: HashSet<_> = stored.into_iter().map(|it| it.id).collect();
        assert_eq!(stored_ids, ids);
        assert!(
            mock.spec_violations().is_empty(),
            "{:?}",
            mock.spec_violations()
        );
    })
    .await;
}
