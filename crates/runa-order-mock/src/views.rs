//! Views of a stored order: the sync answer, the incomplete order while it is processed, and the basic details of a list.

use std::time::Instant;

use runa_order_types::{
    CompletedOrderWithBasicDetails, CompletedOrderWithFullDetails, IncompleteOrder, OrderListItem,
    OrderStatus, SyncCompletedOrder, SyncCompletedOrderStatus,
};

use crate::state::StoredOrder;

/// The message of an order that is still being processed.
const PROCESSING_MESSAGE: &str = "The order is being processed.";

/// The answer to a sync order: the full details, which say `COMPLETED`.
pub(crate) fn sync_view(full: &CompletedOrderWithFullDetails) -> SyncCompletedOrder {
    SyncCompletedOrder {
        completed_at: full.completed_at.clone(),
        created_at: full.created_at.clone(),
        currency: full.currency.clone(),
        description: full.description.clone(),
        id: full.id.clone(),
        items: full.items.clone(),
        metadata: full.metadata.clone(),
        payment_method: full.payment_method.clone(),
        status: SyncCompletedOrderStatus::Completed,
        total_discount: full.total_discount,
        total_price: full.total_price,
        transaction_detail: full.transaction_detail.clone(),
    }
}

/// An order while it is processed: its ID and status only.
pub(crate) fn incomplete_view(order: &StoredOrder) -> IncompleteOrder {
    IncompleteOrder {
        id: order.order.id.clone(),
        message: PROCESSING_MESSAGE.to_owned(),
        status: OrderStatus::Processing,
    }
}

/// An order as a list shows it: complete without its items, or incomplete.
pub(crate) fn list_view(order: &StoredOrder, now: Instant) -> OrderListItem {
    if now < order.completes_at {
        return OrderListItem::IncompleteOrder(incomplete_view(order));
    }
    let full = &order.order;
    OrderListItem::CompletedOrderWithBasicDetails(CompletedOrderWithBasicDetails {
        completed_at: full.completed_at.clone(),
        created_at: full.created_at.clone(),
        currency: full.currency.clone(),
        description: full.description.clone(),
        id: full.id.clone(),
        payment_method: full.payment_method.clone(),
        status: full.status,
        total_discount: full.total_discount,
        total_price: full.total_price,
    })
}
