//! Places an order exactly once, polls it until its status is final, lists every order, and handles a bad body (refused, then the API's 422), insufficient funds, an answer that may hide a placed order, and a crash.
//!
//! `cargo run -p runa-order-client --example place_order` runs it against a local mock server.
//! With `RUNA_API_KEY` set (a playground key), it runs against the playground instead.

use std::{collections::HashMap, error::Error as StdError, time::Duration};

use futures::StreamExt as _;
use runa_order_client::{
    ApiErrorType, Client, CreateError, CreateOptions, Error, ListOrdersParams, servers,
    types::{
        AccountPaymentType, Decimal, DistributionMethod, NewAccountPayment, NewOrderDetails,
        NewOrderItemDetails, NewOrderItemProducts, OrderStatus,
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
fn reward(email: &str, amount: Decimal) -> Result<NewOrderDetails, Box<dyn StdError>> {
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
///
/// The rule: while `order_may_exist()` is true, never place the order again under a new key.
/// Retry with the same key and body (the API replays the first answer), or look the order up.
fn explain(err: &CreateError) -> String {
    if err.order_may_exist() {
        return match err.order_id() {
            // The API answered with the order's ID (even if the rest of the body was bad):
            // the order exists; follow it with `get_order`.
            Some(id) => format!("order {id} was placed; look it up, do not place it again"),
            // A timeout, a dropped connection, a 5xx, or `idempotency_in_progress`: keep the
            // key, and retry later with the same key and the same body.
            None => format!(
                "the order may have been placed: retry later with key {} and the same body, never with a new key ({})",
                err.idempotency_key, err.error
            ),
        };
    }
    // From here on, the API certainly did not store the order.
    match &err.error {
        // 422: the body is wrong; fix it and place the order, with a new key if you like.
        Error::Validation(failure) => {
            let problems: Vec<String> = failure
                .details
                .iter()
                .map(|it| format!("{} ({})", it.location.join("."), it.message))
                .collect();
            format!("fix the order: {}", problems.join(", "))
        }
        // The client refused to send it: a body the spec refuses (with the default
        // `validate_requests`, this comes instead of the API's 422, and names each problem by
        // JSON pointer), or sync with several items.
        Error::Refused(refusal) => format!("fix the order: {}", refusal.reason),
        // Branch on the documented type, never on the message.
        Error::Api(api) if api.error_type == ApiErrorType::InsufficientFunds => {
            "top up the USD balance, then place the order again".to_owned()
        }
        // A 429 or a connection that could not be made: nothing was stored; try again later.
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
    let order = reward("maria@example.com", Decimal::from(25))?;

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

    // 4. Poll the order until its status is final (the playground takes about a second).
    //    Decide by `status`, not by the shape of the body: a full body may still say PROCESSING.
    let id = placed.created.id().to_string();
    let polled = loop {
        let polled = client.get_order(&id).await?;
        if polled.is_final() {
            break polled;
        }
        println!("{}: {}", polled.id(), polled.status());
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    match (polled.status(), polled.full_details()) {
        (OrderStatus::Completed, Some(completed)) => {
            for item in &completed.items {
                println!("COMPLETED {}: payout link {}", item.id, item.payout.url);
            }
        }
        (status, _) => println!("{} is {status}", polled.id()),
    }

    // 5. A body the spec refuses: a face value of 0 (the minimum is 0.01). The client checks
    //    request bodies before sending (`validate_requests`, on by default), so nothing goes
    //    out: the error is `Error::Refused`, typed `validation_error`, not the API's 422.
    let bad = reward("maria@example.com", Decimal::ZERO)?;
    match client.create_order(&bad, CreateOptions::default()).await {
        Ok(it) => println!("unexpectedly placed {}", it.created.id()),
        Err(err) => println!("not sent: {}", explain(&err)),
    }
    //    To see the API's own answer, send it without the client's check: a 422,
    //    `Error::Validation`, whose details locate each problem (["items", "0", "face_value"]).
    let unchecked = client.with_validate_requests(false);
    match unchecked.create_order(&bad, CreateOptions::default()).await {
        Ok(it) => println!("a server without validation accepted {}", it.created.id()),
        Err(err) => println!("the API refused it: {}", explain(&err)),
    }

    // 6. Insufficient funds, as the playground (and the mock) simulate it.
    let options = CreateOptions::default().header("X-Trigger-Error", "insufficient_funds");
    match client.create_order(&order, options).await {
        Ok(it) => println!("unexpectedly placed {}", it.created.id()),
        Err(err) => println!("not placed: {}", explain(&err)),
    }

    // 7. The first orders of the account, page after page. The stream is `Unpin`, so
    //    `.next().await` works on it without `pin!`.
    let mut orders = client.list_all_orders(ListOrdersParams {
        limit: Some(50),
        ..ListOrdersParams::default()
    });
    let mut listed = 0;
    while let Some(order) = orders.next().await {
        let order = order?;
        println!("listed {} ({})", order.id(), order.status());
        listed += 1;
        if listed == 10 {
            break;
        }
    }
    Ok(())
}
