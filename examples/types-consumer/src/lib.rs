//! An example consumer of `runa-order-types` and `runa-order-validator`: builds order requests with the generated builders and does exact money arithmetic on request and response amounts.
//!
//! It depends on the two crates by path and only through their public API, as another team's
//! crate would (`tests/` reads bodies and checks them with the validator).

use runa_order_types::{
    AccountPaymentType, CompletedOrderWithFullDetails, Currency, Decimal, DistributionMethod,
    NewAccountPayment, NewOrderDetails, NewOrderItemDetails, NewOrderItemProducts,
    OrderDescription, OrderMetadata,
};

/// A reward to send: who gets it, which product, how much.
#[derive(Debug, Clone)]
pub struct Reward<'a> {
    pub email: &'a str,
    pub product_code: &'a str,
    pub amount: Decimal,
}

/// The sum of the face values of a new order, exactly (`0.1 + 0.2` is `0.3`).
pub fn order_total(order: &NewOrderDetails) -> Decimal {
    order.items.iter().map(|it| it.face_value).sum()
}

/// What the API's answer says was saved on a completed order: the items' face values minus
/// their prices, exactly, and whether it equals the order's `total_discount`.
pub fn discount_checks_out(order: &CompletedOrderWithFullDetails) -> (Decimal, bool) {
    let saved: Decimal = order.items.iter().map(|it| it.face_value - it.price).sum();
    (saved, saved == order.total_discount)
}

/// Builds a `POST /order` body that e-mails one payout link per reward, paid from the
/// `currency` balance. Every constrained value is checked while building; the error says which.
pub fn reward_order(
    currency: &str,
    rewards: &[Reward<'_>],
    reference: &str,
) -> Result<NewOrderDetails, String> {
    let currency: Currency = currency
        .parse()
        .map_err(|err| format!("currency {currency:?}: {err}"))?;
    let items = rewards
        .iter()
        .map(|reward| {
            let value = reward
                .product_code
                .parse()
                .map_err(|err| format!("product {:?}: {err}", reward.product_code))?;
            NewOrderItemDetails::builder()
                .face_value(reward.amount)
                .distribution_method(DistributionMethod::Email {
                    email_address: reward.email.to_owned(),
                    template_id: None,
                })
                .products(NewOrderItemProducts::Single {
                    value,
                    usage_config: None,
                })
                .try_into()
                .map_err(|err| format!("item for {}: {err}", reward.email))
        })
        .collect::<Result<Vec<NewOrderItemDetails>, String>>()?;
    let description: OrderDescription = reference
        .parse()
        .map_err(|err| format!("description: {err}"))?;
    let metadata: OrderMetadata =
        serde_json::from_value(serde_json::json!({ "source": "types-consumer" }))
            .map_err(|err| format!("metadata: {err}"))?;
    NewOrderDetails::builder()
        .payment_method(
            NewAccountPayment::builder()
                .type_(AccountPaymentType::AccountBalance)
                .currency(currency),
        )
        .items(items)
        .description(Some(description))
        .metadata(Some(metadata))
        .try_into()
        .map_err(|err| format!("order: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn builds_a_valid_order_body() {
        let rewards = [
            Reward {
                email: "maria@example.com",
                product_code: "AMZ-US",
                amount: amount("25.00"),
            },
            Reward {
                email: "sam@example.com",
                product_code: "AIRBNB-US",
                amount: Decimal::from(50),
            },
        ];
        let order = reward_order("USD", &rewards, "June referrals").unwrap();
        // Amounts go out as JSON numbers with their digits.
        assert_eq!(
            serde_json::to_string(&order).unwrap(),
            concat!(
                r#"{"description":"June referrals","items":["#,
                r#"{"distribution_method":{"type":"EMAIL","email_address":"maria@example.com"},"#,
                r#""face_value":25.00,"products":{"type":"SINGLE","value":"AMZ-US"}},"#,
                r#"{"distribution_method":{"type":"EMAIL","email_address":"sam@example.com"},"#,
                r#""face_value":50,"products":{"type":"SINGLE","value":"AIRBNB-US"}}],"#,
                r#""metadata":{"source":"types-consumer"},"#,
                r#""payment_method":{"currency":"USD","type":"ACCOUNT_BALANCE"}}"#,
            )
        );
    }

    #[test]
    fn request_amounts_add_up_exactly() {
        let reward = |value: &str| Reward {
            email: "a@example.com",
            product_code: "AMZ-US",
            amount: amount(value),
        };
        let order = reward_order("USD", &[reward("0.1"), reward("0.2")], "x").unwrap();
        assert_eq!(order_total(&order), amount("0.3"));
        let text = serde_json::to_string(&order).unwrap();
        assert!(text.contains(r#""face_value":0.1,"#), "{text}");
        assert!(text.contains(r#""face_value":0.2,"#), "{text}");
        // Read back, the amounts are the same decimals, and still add up.
        let again: NewOrderDetails = serde_json::from_str(&text).unwrap();
        assert_eq!(order_total(&again), amount("0.3"));
        assert_ne!(0.1_f64 + 0.2_f64, 0.3_f64, "the f64 sum this replaces");
    }

    #[test]
    fn bad_values_are_refused_while_building() {
        let reward = Reward {
            email: "a@example.com",
            product_code: "AMZ-US",
            amount: Decimal::from(5),
        };
        let err = reward_order("usd", std::slice::from_ref(&reward), "x").unwrap_err();
        assert!(
            err.starts_with("currency \"usd\": doesn't match pattern"),
            "{err}"
        );
        let empty = Reward {
            product_code: "",
            ..reward.clone()
        };
        let err = reward_order("USD", &[empty], "x").unwrap_err();
        assert!(
            err.starts_with("product \"\": shorter than 1 character"),
            "{err}"
        );
        let err = reward_order("USD", &[reward], &"x".repeat(129)).unwrap_err();
        assert!(
            err.starts_with("description: longer than 128 characters"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        let err: Result<NewOrderDetails, _> =
            NewOrderDetails::builder().items(Vec::new()).try_into();
        assert_eq!(
            err.unwrap_err().to_string(),
            "no value supplied for payment_method"
        );
    }
}
