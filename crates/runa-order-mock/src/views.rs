//! The JSON of a stored order, written once when it is made (the full order, its list row, with the nulls the API sends), and the answers made from it: the create answer, the single order, the incomplete order and a page of a list.

use std::time::Instant;

use bytes::Bytes;
use runa_order_types::{
    AsyncAcceptedOrder, CompletedOrderWithBasicDetails, CompletedOrderWithFullDetails,
    GetSingleOrderResponse, IncompleteOrder, OrderId, OrderList, OrderStatus, PageableMeta,
    SyncCompletedOrder,
};
use runa_order_validator::Validate;
use serde_json::{Map, Value};

use crate::{
    answers::{Answer, to_json},
    state::StoredOrder,
};

/// The message of an order that is still being processed.
const PROCESSING_MESSAGE: &str = "The order is being processed.";

/// The full order and its list row, as the JSON the API sends. The types leave an absent
/// optional member out; the API sends `null` for these, so the mock does too:
///
/// * `description` and `metadata` of an order placed without them (the spec: "`null` when
///   not provided"; `metadata` only in the full order, which has it);
/// * `expiry_date` of every payout: the mock has no link expiry ("set to `null`" when it is
///   not enabled on the account);
/// * `fx` of every subtotal: the mock converts no currency (`null` "when no conversion took
///   place", and in every example of the API).
///
/// CPU work: called off the async threads, once per order.
pub(crate) fn written(full: &CompletedOrderWithFullDetails) -> (Bytes, Bytes) {
    let row = CompletedOrderWithBasicDetails {
        completed_at: full.completed_at.clone(),
        created_at: full.created_at.clone(),
        currency: full.currency.clone(),
        description: full.description.clone(),
        id: full.id.clone(),
        payment_method: full.payment_method.clone(),
        status: full.status,
        total_discount: full.total_discount,
        total_price: full.total_price,
    };
    let mut full = serde_json::to_value(full).unwrap_or_default();
    if let Some(order) = full.as_object_mut() {
        with_nulls(order, &["description", "metadata"]);
        let items = order.get_mut("items").and_then(Value::as_array_mut);
        for item in items.into_iter().flatten() {
            if let Some(payout) = item.get_mut("payout").and_then(Value::as_object_mut) {
                with_nulls(payout, &["expiry_date"]);
            }
        }
        let subtotals = order
            .get_mut("transaction_detail")
            .and_then(Value::as_object_mut);
        for subtotal in subtotals.into_iter().flat_map(Map::values_mut) {
            if let Some(subtotal) = subtotal.as_object_mut() {
                with_nulls(subtotal, &["fx"]);
            }
        }
    }
    let mut row = serde_json::to_value(&row).unwrap_or_default();
    if let Some(row) = row.as_object_mut() {
        with_nulls(row, &["description"]);
    }
    (exact(&full), exact(&row))
}

/// Sets each of `names` that `object` does not have to `null`.
fn with_nulls(object: &mut Map<String, Value>, names: &[&str]) {
    for name in names {
        object.entry(*name).or_insert(Value::Null);
    }
}

/// The JSON text of `value`, in an allocation of its exact size (it is stored).
fn exact(value: &Value) -> Bytes {
    Bytes::from(
        serde_json::to_vec(value)
            .unwrap_or_default()
            .into_boxed_slice(),
    )
}

/// The answer to the request that placed an order (and to its replays): `200` with the full
/// order in sync mode (a `SyncCompletedOrder`: the full order says `COMPLETED`), `202` with
/// its ID otherwise.
pub(crate) fn created(id: &str, sync: bool, full: &Bytes) -> Answer {
    if sync {
        Answer {
            status: 200,
            kind: <SyncCompletedOrder as Validate>::KIND,
            body: full.clone(),
            retry_after: None,
        }
    } else {
        Answer::new(
            202,
            &AsyncAcceptedOrder {
                id: OrderId::from(id.to_owned()),
                status: OrderStatus::Processing,
            },
        )
    }
}

/// An order while it is processed: its ID and status only.
fn incomplete(order: &StoredOrder) -> IncompleteOrder {
    IncompleteOrder {
        id: OrderId::from(order.id.to_string()),
        message: PROCESSING_MESSAGE.to_owned(),
        status: OrderStatus::Processing,
    }
}

/// The answer to `GET /order/{id}`: the full order once it is complete, else the incomplete
/// order.
pub(crate) fn single(order: &StoredOrder, now: Instant) -> Answer {
    if now < order.completes_at {
        return Answer::new(200, &GetSingleOrderResponse::from(incomplete(order)));
    }
    Answer {
        status: 200,
        kind: <GetSingleOrderResponse as Validate>::KIND,
        body: order.full.clone(),
        retry_after: None,
    }
}

/// A page of a list (`OrderList`): each order's stored row once it is complete, else the
/// incomplete order, then the pagination. CPU work in proportion to the page: called off the
/// async threads.
pub(crate) fn page(
    orders: &[std::sync::Arc<StoredOrder>],
    now: Instant,
    pagination: &PageableMeta,
) -> Answer {
    let rows: usize = orders.iter().map(|it| it.row.len() + 1).sum();
    let mut body = Vec::with_capacity(rows + 128);
    body.extend_from_slice(b"{\"items\":[");
    for (n, order) in orders.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        if now < order.completes_at {
            body.extend_from_slice(&to_json(&incomplete(order)));
        } else {
            body.extend_from_slice(&order.row);
        }
    }
    body.extend_from_slice(b"],\"pagination\":");
    body.extend_from_slice(&to_json(pagination));
    body.push(b'}');
    Answer {
        status: 200,
        kind: <OrderList as Validate>::KIND,
        body: Bytes::from(body),
        retry_after: None,
    }
}
