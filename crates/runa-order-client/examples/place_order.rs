//! Places an order exactly once, polls it to completion, and handles a 422, insufficient funds and a crash.
//!
//! `cargo run -p runa-order-client --example place_order` runs it against a local mock server.
//! With `RUNA_API_KEY` set (a playground key), it runs against the playground instead.

use std::{collections::HashMap, error::Error as StdError, time::Duration};

use runa_order_client::{
    ApiErrorType, Client, CreateError, CreateOptions, Error, servers,
    types::{
        AccountPaymentType, DistributionMethod, GetSingleOrderResponse, NewAccountPayment,
        NewOrderDetails, NewOrderItemDetails, NewOrderItemProducts,
    },
};

/// Stands in for your database: the idempotency key is stored *before* the order is placed,
/// in the same transaction as whatever the order is for.
#[derive(Default)]
struct Outbox {
    keys: HashMap<String, String>,
}

impl Outbox {
    fn save(&mut self, reward: &str, key: &str) {
        self.keys.insert(reward.to_owned(), key.to_owned());
    }

    fn load(&self, reward: &str) -> Option<&str> {
        self.keys.get(reward).map(String::as_str)
    }
}

/// A one-item order of `amount` USD of an Amazon.com gift card, e-mailed to `email`.
fn reward(email: &str, amount: f64) -> Result<NewOrderDetails, Box<dyn StdError>> {
    let item: NewOrderItemDetails = NewOrderItemDetails::builder()
        .face_value(amount)
        .distribution_method(DistributionMethod::Email {
            email_address: email.to_owned(),
            template_id: None,
        })
        .products(NewOrderItemProducts::Single {
            value: "AMZ-US".parse()?,
            usage_config: None,
        })
        .try_into()?;
    Ok(NewOrderDetails::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency("USD".parse::<runa_order_client::types::Currency>()?),
        )
        .items(vec![item])
        .try_into()?)
}

/// What to do about a failed `create_order`.
fn explain(err: &CreateError) -> String {
    match &err.error {
        // 422: the body is wrong; fix it and place the order with a *new* key.
        Error::Validation(failure) => {
            let problems: Vec<String> = failure
                .details
                .iter()
                .map(|it| format!("{} ({})", it.location.join("."), it.message))
                .collect();
            format!("fix the order: {}", problems.join(", "))
        }
        // The client refused to send it (sync with several items, a body the spec refuses).
        Error::Refused(refusal) => format!("fix the order: {}", refusal.reason),
        // Branch on the documented type, never on the message.
        Error::Api(api) if api.error_type == ApiErrorType::InsufficientFunds => {
            "top up the USD balance, then place the order with a new key".to_owned()
        }
        // Transient (5xx, 429, timeouts, dropped connections): the client already retried;
        // keep the key and try again later with the same key and the same body.
        _ if err.is_retryable() => format!(
            "retry later with key {} and the same body: {}",
            err.idempotency_key, err.error
        ),
        other => format!("give up: {other}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn StdError>> {
    // A local mock server unless a playground key is given.
    let (base_url, api_key, _mock) = match std::env::var("RUNA_API_KEY") {
        Ok(key) => (servers::PLAYGROUND.to_owned(), key, None),
        Err(_) => {
            let mock =
                runa_order_mock::MockServer::start(runa_order_mock::Config::default()).await?;
            (
                mock.base_url(),
                "XXlocal.example-key".to_owned(),
                Some(mock),
            )
        }
    };
    let client = Client::builder()
        .base_url(base_url)
        .api_key(api_key)
        .deadline(Duration::from_secs(60))
        .build()?;
    let mut outbox = Outbox::default();
    let order = reward("maria@example.com", 25.0)?;

    // 1. Make the key first and store it, so that a crash cannot lose it.
    let key = client.new_idempotency_key();
    outbox.save("reward-42", &key);

    // 2. Place the order, async (the default): the answer is 202 with the order's ID.
    let placed = client
        .create_order(
            &order,
            CreateOptions::default().idempotency_key(key.as_str()),
        )
        .await
        .map_err(|err| explain(&err))?;
    println!(
        "placed {} with key {}",
        placed.created.id(),
        placed.idempotency_key
    );

    // 3. Say the process crashed before it recorded the order ID. After the restart it finds
    //    the key in the outbox and places the same order with the same key: the API replays
    //    the first answer instead of paying twice.
    let key = outbox.load("reward-42").ok_or("the key was stored")?;
    let again = client
        .create_order(&order, CreateOptions::default().idempotency_key(key))
        .await
        .map_err(|err| explain(&err))?;
    assert_eq!(again.created.id(), placed.created.id());
    println!("after the restart: the same order {}", again.created.id());

    // 4. Poll the order until it is complete (the playground takes about a second).
    let id = placed.created.id().to_string();
    let completed = loop {
        match client.get_order(&id).await? {
            GetSingleOrderResponse::CompletedOrderWithFullDetails(order) => break order,
            GetSingleOrderResponse::IncompleteOrder(order) => {
                println!("{}: {}", order.status, order.message);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    };
    for item in &completed.items {
        println!(
            "{} {}: payout link {}",
            completed.status, item.id, item.payout.url
        );
    }

    // 5. A body the API refuses: a face value of 0 (the minimum is 0.01).
    let bad = reward("maria@example.com", 0.0)?;
    match client.create_order(&bad, CreateOptions::default()).await {
        Ok(it) => println!("a server without validation accepted {}", it.created.id()),
        Err(err) => println!("refused: {}", explain(&err)),
    }

    // 6. Insufficient funds, as the playground (and the mock) simulate it.
    let options = CreateOptions::default().header("X-Trigger-Error", "insufficient_funds");
    match client.create_order(&order, options).await {
        Ok(it) => println!("unexpectedly placed {}", it.created.id()),
        Err(err) => println!("not placed: {}", explain(&err)),
    }
    Ok(())
}
