//! An example consumer of `runa-order-types`: builds order requests with the generated builders.
//!
//! It depends on the types crate only through its public API, as another team's crate would.

use runa_order_types::{
    AccountPaymentType, Currency, DistributionMethod, NewAccountPayment, NewOrderDetails,
    NewOrderItemDetails, NewOrderItemProducts, OrderDescription, OrderMetadata,
};

/// A reward to send: who gets it, which product, how much.
#[derive(Debug, Clone)]
pub struct Reward<'a> {
    pub email: &'a str,
    pub product_code: &'a str,
    pub amount: f64,
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

    #[test]
    fn builds_a_valid_order_body() {
        let rewards = [
            Reward {
                email: "maria@example.com",
                product_code: "AMZ-US",
                amount: 25.0,
            },
            Reward {
                email: "sam@example.com",
                product_code: "AIRBNB-US",
                amount: 50.0,
            },
        ];
        let order = reward_order("USD", &rewards, "June referrals").unwrap();
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            serde_json::json!({
                "payment_method": { "type": "ACCOUNT_BALANCE", "currency": "USD" },
                "items": [
                    {
                        "face_value": 25.0,
                        "distribution_method": { "type": "EMAIL", "email_address": "maria@example.com" },
                        "products": { "type": "SINGLE", "value": "AMZ-US" }
                    },
                    {
                        "face_value": 50.0,
                        "distribution_method": { "type": "EMAIL", "email_address": "sam@example.com" },
                        "products": { "type": "SINGLE", "value": "AIRBNB-US" }
                    }
                ],
                "description": "June referrals",
                "metadata": { "source": "types-consumer" }
            })
        );
    }

    #[test]
    fn bad_values_are_refused_while_building() {
        let reward = Reward {
            email: "a@example.com",
            product_code: "AMZ-US",
            amount: 5.0,
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
