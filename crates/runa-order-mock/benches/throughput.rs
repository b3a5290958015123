//! Throughput of the mock server: 10,000 `POST /order` from 64 concurrent clients, in requests per second.
//!
//! Run with `cargo bench -p runa-order-mock`. Each round starts a fresh server on loopback,
//! places the orders through `runa-order-client` (one client, so one connection pool, per
//! concurrent task), checks that every order was stored exactly once and that no request
//! failed, and prints the rate. The client and the server share the machine's cores.

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use runa_order_client::{Client, CreateOptions, RetryPolicy};
use runa_order_mock::{Config, MockServer};
use runa_order_types::{
    AccountPaymentType, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts,
};

const ORDERS: usize = 10_000;
const CLIENTS: usize = 64;
const ROUNDS: usize = 3;

fn order() -> NewOrderDetails {
    let item: NewOrderItemDetails = NewOrderItemDetails::builder()
        .face_value(25.0)
        .distribution_method(DistributionMethod::Email {
            email_address: "maria@example.com".to_owned(),
            template_id: None,
        })
        .products(NewOrderItemProducts::Single {
            value: "AMZ-US".parse().expect("a product code"),
            usage_config: None,
        })
        .try_into()
        .expect("a valid item");
    NewOrderDetails::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency(
                    "USD"
                        .parse::<runa_order_types::Currency>()
                        .expect("a currency"),
                ),
        )
        .items(vec![item])
        .try_into()
        .expect("a valid order")
}

/// One round: the elapsed time of `ORDERS` creates from `CLIENTS` concurrent clients.
async fn round() -> Duration {
    let mock = MockServer::start(Config::default())
        .await
        .expect("the mock starts");
    let body = order();
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| {
            Client::builder()
                .base_url(mock.base_url())
                .api_key("XXbench.key")
                .retry(RetryPolicy::never())
                .build()
                .expect("a valid client")
        })
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, client)| {
            let body = body.clone();
            let count = ORDERS / CLIENTS + usize::from(n < ORDERS % CLIENTS);
            tokio::spawn(async move {
                let mut ids = Vec::with_capacity(count);
                for _ in 0..count {
                    let placed = client
                        .create_order(&body, CreateOptions::default())
                        .await
                        .unwrap_or_else(|err| panic!("a request failed: {err}"));
                    ids.push(placed.created.id().to_string());
                }
                ids
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        for id in task.await.expect("no task panicked") {
            assert!(ids.insert(id), "an order ID came back twice");
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(ids.len(), ORDERS);
    assert_eq!(mock.order_count(), ORDERS, "no order lost or duplicated");
    assert!(mock.spec_violations().is_empty());
    elapsed
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|n| {
            let elapsed = runtime.block_on(round());
            let rate = ORDERS as f64 / elapsed.as_secs_f64();
            println!(
                "round {}: {ORDERS} creates from {CLIENTS} clients in {:.2} s: {rate:.0} requests/s",
                n + 1,
                elapsed.as_secs_f64()
            );
            rate
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "mock throughput (median of {ROUNDS}): {:.0} requests/s, no error, no lost or duplicated order",
        rates[ROUNDS / 2]
    );
}
