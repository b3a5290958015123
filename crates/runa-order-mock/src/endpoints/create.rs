//! `POST /order`: the body check, the idempotency layer, the operation's rules, the playground's triggers, pricing, and the order stored with its answer.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use bytes::Bytes;
use runa_order_client::{
    ApiErrorType, ExecutionMode, headers,
    operations::{Operation, create_order},
};
use runa_order_types::{
    APIErrorResponse, AccountPayment, AccountPaymentType, CompletedOrderItem,
    CompletedOrderItemProducts, CompletedOrderWithFullDetails, Currency, NewOrderDetails, OrderId,
    OrderStatus, PayoutDetails, PayoutStatus, Timestamp, TransactionDetail, TransactionDetailEntry,
    ValidationErrorItem,
};
use runa_order_validator::Validate;
use rust_decimal::Decimal;

use super::{Checked, check_body};
use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    fingerprint::{Fingerprint, fingerprint},
    ids::OrderIds,
    limits::ConnectionState,
    money,
    pricing::{self, Item, Totals},
    state::{Begin, NewOrder, Outcome, Replay},
    views::{created, written},
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
        // The body's check, its fingerprint and the new order (priced, and written as the
        // JSON of its answers) are made on the blocking pool, before the idempotency layer
        // decides whether the order is placed.
        let job = {
            let app = Arc::clone(app);
            let body = call.body.clone();
            let trigger = call.header(TRIGGER_ERROR_HEADER).map(str::to_owned);
            move || prepare(&app, body, mode, trigger.as_deref())
        };
        let Prepared {
            fingerprint,
            outcome,
        } = match app.work.run(job).await {
            Ok(it) => it,
            Err(why) => return Answer::not_done(why),
        };
        let ticket = match app.store.begin(&call.api_key, &key, fingerprint) {
            Begin::New(ticket) => ticket,
            Begin::Replay(replay) => return replayed(app, replay, &call.body, outcome).await,
            Begin::InProgress => {
                return Answer::api_error(&ApiErrorType::IdempotencyInProgress, None);
            }
            Begin::Mismatch => {
                return Answer::api_error(&ApiErrorType::IdempotencyValidationError, None);
            }
        };
        app.delay().await;

        let stored_order = matches!(outcome, Outcome::Created(_));
        let answer = ticket.finish(outcome);
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

/// What the blocking pool gives back about a request: the body's fingerprint, and how the
/// request ends if its key is new.
struct Prepared {
    fingerprint: Fingerprint,
    outcome: Outcome,
}

/// Checks the body, fingerprints it (exactly: see `fingerprint`), and processes the order
/// in `mode` (read before the idempotency layer): the operation's rules, the playground's
/// triggers and the catalogue. CPU-heavy: called on the blocking pool.
fn prepare(app: &App, body: Bytes, mode: ExecutionMode, trigger: Option<&str>) -> Prepared {
    let fingerprint = fingerprint(&body);
    let outcome =
        match check_body::<create_order::RequestBody>(&body, app.limits.max_validation_details) {
            Err(answer) => Outcome::Refused { answer, body },
            Ok(checked) => match place_order(app, mode, checked, trigger) {
                Ok(order) => Outcome::Created(order),
                Err(answer) => Outcome::Answered(answer),
            },
        };
    Prepared {
        fingerprint,
        outcome,
    }
}

/// The answer to a repeat of an answered key. A refusal whose answer was larger than its
/// body kept the body: its check is made again, from the kept body (the same bytes give the
/// same answer, so one that came again as it was needs no second check).
async fn replayed(app: &App, replay: Replay, body: &Bytes, outcome: Outcome) -> Answer {
    let kept = match replay {
        Replay::Order(order) => return created(&order.id, order.sync, &order.full),
        Replay::Answer(answer) => return answer,
        Replay::Body(kept) => kept,
    };
    if kept == *body
        && let Outcome::Refused { answer, .. } = outcome
    {
        return answer;
    }
    let max_details = app.limits.max_validation_details;
    let job = move || check_body::<create_order::RequestBody>(&kept, max_details).err();
    match app.work.run(job).await {
        Ok(Some(answer)) => answer,
        Ok(None) => Answer::internal("A refused body passed its check again.".to_owned()),
        Err(why) => Answer::not_done(why),
    }
}

/// Processes a new order in `mode`: the operation's rules, the playground's triggers and the
/// catalogue. Gives the order to store, with its answers written, or the error answer.
/// Amounts are exact (see `money`).
fn place_order(
    app: &App,
    mode: ExecutionMode,
    checked: Checked<NewOrderDetails>,
    trigger: Option<&str>,
) -> Result<NewOrder, Answer> {
    let Checked {
        value: order,
        face_values,
    } = checked;
    create_order::check_rules(&order, mode)
        .map_err(|it| Answer::api_error(&it.error_type, Some(it.message)))?;
    let currency = order.payment_method.currency.clone();
    if let Some(value) = trigger {
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
    let (full_json, row) = written(&full);
    Ok(NewOrder {
        id: full.id.to_string(),
        sync: mode == ExecutionMode::Sync,
        delay,
        full: full_json,
        row,
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
