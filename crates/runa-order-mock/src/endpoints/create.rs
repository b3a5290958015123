//! `POST /order`: the body check, the idempotency layer, the operation's rules, the playground's triggers, pricing, and the order stored with its answer.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use runa_order_client::{
    ApiErrorType, ExecutionMode, headers,
    operations::{Operation, create_order},
};
use runa_order_types::{
    APIErrorResponse, AccountPayment, AccountPaymentType, AsyncAcceptedOrder, CompletedOrderItem,
    CompletedOrderItemProducts, CompletedOrderWithFullDetails, Currency, NewOrderDetails, OrderId,
    OrderStatus, PayoutDetails, PayoutStatus, Timestamp, TransactionDetail, TransactionDetailEntry,
    ValidationErrorItem,
};
use runa_order_validator::Validate;
use rust_decimal::Decimal;

use super::{Checked, check_body};
use crate::{
    answers::{Answer, to_json},
    app::{App, Call, Endpoint},
    ids::OrderIds,
    limits::ConnectionState,
    money,
    pricing::{self, Item, Totals},
    state::{Begin, Fingerprint, Placed},
    views::sync_view,
};

/// The playground header that simulates errors.
pub const TRIGGER_ERROR_HEADER: &str = "X-Trigger-Error";

/// `POST /order`.
#[derive(Debug)]
pub(crate) struct Create;

impl Endpoint for Create {
    const OPERATION: &'static Operation = &create_order::OPERATION;
    const LIMITED: bool = true;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        let Some(key) = call.idempotency_key.clone() else {
            return Answer::internal("The operation has no idempotency key.".to_owned());
        };
        // A header value outside its enum is refused before the idempotency layer, as a bad
        // version is: such a request is not an order, so it neither replays a recorded answer
        // for its key nor records one (schemathesis found a replayed `202` for `AAA`).
        let mode = match call.header(headers::EXECUTION_MODE) {
            None => ExecutionMode::default(),
            Some(value) => match ExecutionMode::from_wire(value) {
                Some(mode) => mode,
                None => return Answer::api_error(&ApiErrorType::InvalidExecutionMode, None),
            },
        };
        // The checks of the body and its fingerprint run on the blocking pool.
        let max_details = app.limits.max_validation_details;
        let job = {
            let body = call.body.clone();
            move || {
                let checked = check_body::<create_order::RequestBody>(&body, max_details);
                let is_json = !matches!(&checked, Err(answer) if answer.status == 400);
                Body {
                    fingerprint: body_fingerprint(&body, is_json),
                    checked,
                }
            }
        };
        let Body {
            fingerprint,
            checked,
        } = match app.work.run(job).await {
            Ok(it) => it,
            Err(why) => return Answer::not_done(why),
        };
        let ticket = match app.store.begin(&call.api_key, &key, fingerprint) {
            Begin::New(ticket) => ticket,
            Begin::Replay(answer) => return answer,
            Begin::InProgress => {
                return Answer::api_error(&ApiErrorType::IdempotencyInProgress, None);
            }
            Begin::Mismatch => {
                return Answer::api_error(&ApiErrorType::IdempotencyValidationError, None);
            }
        };
        app.delay().await;

        let (answer, placed) = match place_order(app, &call, mode, checked, &key) {
            Ok(accepted) => (accepted.answer, Some(accepted.placed)),
            Err(refused) => (refused, None),
        };
        let stored_order = placed.is_some();
        let answer = ticket.finish(answer, placed);
        // The faults' lock is let go before the connection is dropped.
        let drop_connection = stored_order && app.faults().drop_after_store();
        if drop_connection
            && let Some(connection) = call.parts.extensions.get::<Arc<ConnectionState>>()
        {
            connection.close();
            // The connection is being closed; never answer on it.
            std::future::pending::<()>().await;
        }
        answer
    }
}

/// What the blocking pool gives back about a body.
struct Body {
    fingerprint: Fingerprint,
    checked: Result<Checked<NewOrderDetails>, Answer>,
}

/// The fingerprint the idempotency layer compares: of the body's JSON in a canonical form
/// (members sorted, no spacing), so that layout does not matter; of the raw bytes for text
/// that is not JSON. CPU-heavy: called on the blocking pool.
fn body_fingerprint(body: &[u8], is_json: bool) -> Fingerprint {
    match is_json
        .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
        .flatten()
    {
        Some(value) => crate::state::fingerprint(&to_json(&value)),
        None => crate::state::fingerprint(body),
    }
}

/// A new order, and the answer that says so.
struct Accepted {
    answer: Answer,
    placed: Placed,
}

/// Processes a new order in `mode` (read before the idempotency layer): the body's checks (done before), the operation's rules, the
/// playground's triggers and the catalogue. Gives the answer and the order to store, or the
/// error answer. Amounts are exact (see `money`).
fn place_order(
    app: &App,
    call: &Call,
    mode: ExecutionMode,
    checked: Result<Checked<NewOrderDetails>, Answer>,
    key: &str,
) -> Result<Accepted, Answer> {
    let Checked {
        value: order,
        face_values,
    } = checked?;
    create_order::check_rules(&order, mode)
        .map_err(|it| Answer::api_error(&it.error_type, Some(it.message)))?;
    let currency = order.payment_method.currency.clone();
    if let Some(value) = call.header(TRIGGER_ERROR_HEADER) {
        return Err(triggered(value, &currency));
    }
    let ids = app.orders.next_order();
    let delay = match mode {
        ExecutionMode::Sync => Duration::ZERO,
        ExecutionMode::Async => app.async_delay,
    };
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let completed_at = Timestamp::from(now + chrono::Duration::from_std(delay).unwrap_or_default());
    let priced = price_items(app, &order, face_values, ids, &completed_at)?;
    let full = CompletedOrderWithFullDetails {
        completed_at: Some(completed_at),
        created_at: Timestamp::from(now),
        currency: currency.clone(),
        description: order.description.clone(),
        id: OrderId::from(ids.order()),
        items: priced.items,
        metadata: order.metadata.clone(),
        payment_method: AccountPayment {
            currency: Some(currency),
            type_: AccountPaymentType::AccountBalance,
        },
        status: OrderStatus::Completed,
        total_discount: money::cents(priced.totals.discount()),
        total_price: money::cents(priced.totals.price),
        transaction_detail: Some(priced.transaction_detail),
    };
    let answer = match mode {
        ExecutionMode::Sync => Answer::new(200, &sync_view(&full)),
        ExecutionMode::Async => Answer::new(
            202,
            &AsyncAcceptedOrder {
                id: full.id.clone(),
                status: OrderStatus::Processing,
            },
        ),
    };
    Ok(Accepted {
        answer,
        placed: Placed {
            idempotency_key: key.to_owned(),
            completes_at: Instant::now() + delay,
            order: full,
        },
    })
}

/// The priced items of an order, their totals, and the face values by currency.
struct PricedItems {
    items: Vec<CompletedOrderItem>,
    totals: Totals,
    transaction_detail: TransactionDetail,
}

fn price_items(
    app: &App,
    order: &NewOrderDetails,
    face_values: Vec<Decimal>,
    ids: OrderIds,
    completed_at: &Timestamp,
) -> Result<PricedItems, Answer> {
    let payment = &order.payment_method.currency;
    let mut items = Vec::with_capacity(order.items.len());
    let mut totals = Totals::default();
    let mut by_currency = BTreeMap::<String, Decimal>::new();
    for (index, (item, face_value)) in order.items.iter().zip(face_values).enumerate() {
        let priced = pricing::price(
            &app.catalogue,
            Item {
                selection: (&item.products).into(),
                face_value,
                payment,
                index,
            },
        )?;
        totals.add(face_value, priced.price);
        *by_currency.entry(priced.currency.to_string()).or_default() += face_value;
        let products: CompletedOrderItemProducts = serde_json::to_value(&item.products)
            .and_then(serde_json::from_value)
            .map_err(|err| {
                Answer::internal(format!(
                    "The mock cannot copy the products of item {index}: {err}"
                ))
            })?;
        items.push(CompletedOrderItem {
            currency: Some(priced.currency),
            distribution_method: item.distribution_method.clone(),
            face_value: money::cents(face_value),
            id: ids.item(index),
            payout: PayoutDetails {
                expiry_date: None,
                status: PayoutStatus::Active,
                status_updated_at: completed_at.clone(),
                url: ids.payout_url(index),
            },
            price: money::cents(priced.price),
            products,
        });
    }
    let transaction_detail = by_currency
        .into_iter()
        .map(|(currency, value)| {
            let entry = TransactionDetailEntry {
                fx: None,
                value: money::cents(value),
            };
            (currency, entry)
        })
        .collect();
    Ok(PricedItems {
        items,
        totals,
        transaction_detail: TransactionDetail(transaction_detail),
    })
}

/// The answer to `X-Trigger-Error: value`. The playground knows `insufficient_funds` and
/// `internal_server_error`; the mock also takes any other documented error type that
/// `POST /order` answers with, with its documented status (`validation_error` gives a 422
/// whose one detail points at the header).
fn triggered(value: &str, currency: &Currency) -> Answer {
    let error_type = ApiErrorType::from_wire(value);
    let triggerable = error_type
        .documented_status()
        .and_then(create_order::response_body)
        == Some(<APIErrorResponse as Validate>::KIND);
    match error_type {
        ApiErrorType::ValidationError => Answer::validation_error(vec![ValidationErrorItem {
            location: vec!["header".to_owned(), TRIGGER_ERROR_HEADER.to_owned()],
            message: "Triggered by the request.".to_owned(),
            type_: "triggered".to_owned(),
        }]),
        ApiErrorType::InsufficientFunds => Answer::api_error(
            &error_type,
            Some(format!(
                "Insufficient funds in {} balance to create order.",
                **currency
            )),
        ),
        _ if triggerable => Answer::api_error(&error_type, None),
        _ => Answer::api_error(
            &ApiErrorType::BadRequest,
            Some(format!("{TRIGGER_ERROR_HEADER} cannot trigger {value:?}.")),
        ),
    }
}
