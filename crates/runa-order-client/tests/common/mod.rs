//! Helpers shared by the client's tests: orders to place, a mock server and a client pointed at it.

#![allow(dead_code)]

use std::{sync::Arc, time::Duration};

use runa_order_client::{Client, ClientBuilder, ManualTime, RetryPolicy};
use runa_order_mock::{Config, MockServer};
use runa_order_types::{
    AccountPaymentType, Decimal, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts,
};

/// The time limit of every test; nothing below should come near it.
pub const TEST_LIMIT: Duration = Duration::from_secs(120);

/// An item of `face_value` of `product`, e-mailed to `email`.
pub fn item(product: &str, face_value: impl Into<Decimal>, email: &str) -> NewOrderItemDetails {
    NewOrderItemDetails::builder()
        .face_value(face_value.into())
        .distribution_method(DistributionMethod::Email {
            email_address: email.to_owned(),
            template_id: None,
        })
        .products(NewOrderItemProducts::Single {
            value: product.parse().expect("a product code"),
            usage_config: None,
        })
        .try_into()
        .expect("a valid item")
}

/// An order paid in `currency` with these items.
pub fn order_of(currency: &str, items: Vec<NewOrderItemDetails>) -> NewOrderDetails {
    NewOrderDetails::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency(
                    currency
                        .parse::<runa_order_types::Currency>()
                        .expect("a currency"),
                ),
        )
        .items(items)
        .try_into()
        .expect("a valid order")
}

/// A one-item order of 25 USD of `AMZ-US`.
pub fn order() -> NewOrderDetails {
    order_of("USD", vec![item("AMZ-US", 25, "maria@example.com")])
}

/// A mock with a short async delay.
pub async fn mock() -> MockServer {
    mock_with(Config {
        async_delay: Duration::from_millis(200),
        ..Config::default()
    })
    .await
}

pub async fn mock_with(config: Config) -> MockServer {
    MockServer::start(config).await.expect("the mock starts")
}

/// A client of `mock` whose waits are instant (recorded in `time`), with a generous attempt
/// budget and short attempt timeouts.
pub fn builder(mock: &MockServer, time: &ManualTime) -> ClientBuilder {
    Client::builder()
        .base_url(mock.base_url())
        .api_key("XXtest.secret-key-123")
        .clock(Arc::new(time.clone()))
        .sleeper(Arc::new(time.clone()))
        .jitter_seed(7)
        .timeout(Duration::from_secs(10))
        .deadline(Duration::from_secs(3600))
        .retry(RetryPolicy {
            max_attempts: 8,
            ..RetryPolicy::default()
        })
}

pub fn client(mock: &MockServer) -> Client {
    builder(mock, &ManualTime::new())
        .build()
        .expect("a valid client")
}

/// Runs `future` with the test time limit.
pub async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(TEST_LIMIT, future)
        .await
        .expect("the test finished in time")
}

/// Reads one HTTP/1.1 request (its head and its `Content-Length` body) from `stream`, for the
/// hand-made loopback servers of the tests; false when the connection ends first.
pub async fn read_request(stream: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
        let Some(end) = request.windows(4).position(|it| it == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|it| it.strip_prefix("content-length:"))
            .and_then(|it| it.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if request.len() >= end + 4 + length {
            return true;
        }
    }
}
