//! A service's use of the published crates, built against their packaged `.crate` files by `.ci/package`: it builds an order with the types, checks it with the validator, and places, reads, lists and prices orders with the client against the mock, all on loopback.

use runa_order_client::{Client, CreateOptions, Created, ListOrdersParams};
use runa_order_types::{
    AccountPaymentType, Currency, Decimal, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts, OrderPriceRequest,
};
use runa_order_validator::Kind;

fn order(amount: Decimal) -> Result<NewOrderDetails, Box<dyn std::error::Error>> {
    let item: NewOrderItemDetails = NewOrderItemDetails::builder()
        .face_value(amount)
        .distribution_method(DistributionMethod::Email {
            email_address: "maria@example.com".to_owned(),
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
                .currency("USD".parse::<Currency>()?),
        )
        .items(vec![item])
        .try_into()?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let order = order("10.10".parse()?)?;
    runa_order_validator::validate(&order).map_err(|it| it.to_string())?;
    let bad = r#"{"payment_method": {"type": "ACCOUNT_BALANCE", "currency": "usd"}, "items": []}"#;
    assert!(Kind::NewOrderDetails.validate_str(bad).is_err());

    let mock = runa_order_mock::MockServer::start(runa_order_mock::Config::default()).await?;
    let client = Client::builder()
        .base_url(mock.base_url())
        .api_key("XXconsumer.key")
        .build()?;
    let placed = client.create_order(&order, CreateOptions::sync()).await?;
    let Created::Completed(completed) = placed.created else {
        return Err("a sync order was not completed".into());
    };
    let read = client.get_order(completed.id.as_str()).await?;
    assert_eq!(read.id().as_str(), completed.id.as_str());
    let listed = client.list_orders(&ListOrdersParams::default()).await?;
    assert_eq!(listed.items.len(), 1);
    let estimate: OrderPriceRequest = serde_json::from_value(serde_json::json!({
        "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
        "items": [{"face_value": 10.10, "products": {"type": "SINGLE", "value": "AMZ-US"}}]
    }))?;
    let priced = client.estimate_order(&estimate).await?;
    assert_eq!(priced.total_price, "10.10".parse::<Decimal>()?);
    assert_eq!(mock.order_count(), 1);
    println!(
        "consumer: placed {} for {} USD, read it back, listed it, priced an estimate",
        completed.id.as_str(),
        completed.total_price
    );
    Ok(())
}
