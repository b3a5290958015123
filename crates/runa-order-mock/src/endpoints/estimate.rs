//! `POST /order/estimate`: the body check and the price of every item, with exact amounts written as JSON numbers.

use std::sync::Arc;

use runa_order_client::operations::{Operation, estimate_order_price};
use runa_order_types::{
    AccountPayment, AccountPaymentType, Currency, EstimateProducts, OrderPriceResponse,
    ProductDiscountMultiplier,
};
use runa_order_validator::{Kind, Validate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Checked, check_body};
use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    money::Number,
    pricing::{self, Item, Totals},
};

/// `POST /order/estimate`.
#[derive(Debug)]
pub(crate) struct Estimate;

impl Endpoint for Estimate {
    const OPERATION: &'static Operation = &estimate_order_price::OPERATION;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        app.delay().await;
        // Checking and pricing run on the blocking pool.
        let job = {
            let app = Arc::clone(app);
            move || match price(&app, &call.body) {
                Ok(estimate) => Answer::new(200, &estimate),
                Err(refused) => refused,
            }
        };
        app.work.run(job).await.unwrap_or_else(Answer::not_done)
    }
}

/// The body of a `200` answer: an `OrderPriceResponse`, with the amounts written as exact
/// JSON numbers (the types crate holds them as `f64`).
#[derive(Debug, Serialize)]
struct PriceEstimate {
    currency: Currency,
    items: Vec<EstimateItem>,
    payment_method: AccountPayment,
    total_discount: Number,
    total_price: Number,
}

/// The body is an `OrderPriceResponse`, so it is checked against that schema.
impl Validate for PriceEstimate {
    type Kind = Kind;
    const KIND: Kind = <OrderPriceResponse as Validate>::KIND;
}

/// One priced item: an `OrderItemDiscount`, with exact amounts.
#[derive(Debug, Serialize)]
struct EstimateItem {
    currency: Currency,
    discount_multiplier: ProductDiscountMultiplier,
    face_value: Number,
    price: Number,
    products: EstimateProducts,
}

/// A discount as a decimal string with at least two decimals and every digit it has:
/// `"0.10"`, `"0.00"`, `"0.125"`.
fn multiplier_text(discount: Decimal) -> String {
    let mut it = discount.normalize();
    if it.scale() < 2 {
        it.rescale(2);
    }
    it.to_string()
}

/// Checks the body and prices every item. CPU-heavy: called on the blocking pool.
fn price(app: &App, body: &[u8]) -> Result<PriceEstimate, Answer> {
    let Checked {
        value: request,
        face_values,
    } = check_body::<estimate_order_price::RequestBody>(body, app.limits.max_validation_details)?;
    let currency = request.payment_method.currency.clone();
    let mut items = Vec::with_capacity(request.items.len());
    let mut totals = Totals::default();
    for (index, (item, face_value)) in request.items.iter().zip(face_values).enumerate() {
        let priced = pricing::price(
            &app.catalogue,
            Item {
                selection: (&item.products).into(),
                face_value,
                payment: &currency,
                index,
            },
        )?;
        totals.add(face_value, priced.price);
        let discount_multiplier = multiplier_text(priced.discount)
            .parse::<ProductDiscountMultiplier>()
            .map_err(|_| {
                Answer::internal(format!(
                    "The discount {} cannot be written.",
                    priced.discount
                ))
            })?;
        items.push(EstimateItem {
            currency: priced.currency,
            discount_multiplier,
            face_value: Number(face_value),
            price: Number(priced.price),
            products: item.products.clone(),
        });
    }
    Ok(PriceEstimate {
        currency: currency.clone(),
        items,
        payment_method: AccountPayment {
            currency: Some(currency),
            type_: AccountPaymentType::AccountBalance,
        },
        total_discount: Number(totals.discount()),
        total_price: Number(totals.price),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipliers_keep_every_digit_and_at_least_two_decimals() {
        let text = |it: &str| multiplier_text(it.parse().unwrap());
        assert_eq!(text("0.1"), "0.10");
        assert_eq!(text("0"), "0.00");
        assert_eq!(text("0.125"), "0.125");
        assert_eq!(text("1.000"), "1.00");
    }
}
