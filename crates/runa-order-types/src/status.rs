//! Whether an order is finished, decided by its `status` (hand-written; the types are generated).
//!
//! The API's `GET /order/{id}` answer is a completed order or an incomplete one, told apart by
//! the fields present, but a full body may still say `PROCESSING` (the official example does).
//! The documentation says to branch on `status`, so these methods read `status`, never the shape.

use crate::{
    CompletedOrderWithFullDetails, GetSingleOrderResponse, OrderId, OrderListItem, OrderStatus,
};

impl OrderStatus {
    /// True for the statuses after which an order does not change: `COMPLETED` and `FAILED`.
    /// `PROCESSING` orders are accepted but not finished.
    pub fn is_final(self) -> bool {
        match self {
            OrderStatus::Completed | OrderStatus::Failed => true,
            OrderStatus::Processing => false,
        }
    }
}

impl GetSingleOrderResponse {
    /// The order's ID.
    pub fn id(&self) -> &OrderId {
        match self {
            GetSingleOrderResponse::CompletedOrderWithFullDetails(it) => &it.id,
            GetSingleOrderResponse::IncompleteOrder(it) => &it.id,
        }
    }

    /// The order's `status`, whatever the shape of the body.
    pub fn status(&self) -> OrderStatus {
        match self {
            GetSingleOrderResponse::CompletedOrderWithFullDetails(it) => it.status,
            GetSingleOrderResponse::IncompleteOrder(it) => it.status,
        }
    }

    /// True when the order is finished (`COMPLETED` or `FAILED`), so polling can stop. Decided
    /// by `status`: a full body that says `PROCESSING` is not finished.
    pub fn is_final(&self) -> bool {
        self.status().is_final()
    }

    /// The full order (items and payout links), when the body has it.
    pub fn full_details(&self) -> Option<&CompletedOrderWithFullDetails> {
        match self {
            GetSingleOrderResponse::CompletedOrderWithFullDetails(it) => Some(it),
            GetSingleOrderResponse::IncompleteOrder(_) => None,
        }
    }
}

impl OrderListItem {
    /// The order's ID.
    pub fn id(&self) -> &OrderId {
        match self {
            OrderListItem::CompletedOrderWithBasicDetails(it) => &it.id,
            OrderListItem::IncompleteOrder(it) => &it.id,
        }
    }

    /// The order's `status`, whatever the shape of the item.
    pub fn status(&self) -> OrderStatus {
        match self {
            OrderListItem::CompletedOrderWithBasicDetails(it) => it.status,
            OrderListItem::IncompleteOrder(it) => it.status,
        }
    }

    /// True when the order is finished (`COMPLETED` or `FAILED`), decided by `status`.
    pub fn is_final(&self) -> bool {
        self.status().is_final()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The official example of `GET /order/{id}`: a full body whose status is `PROCESSING`.
    const FULL_BODY_STILL_PROCESSING: &str = r#"{
      "id": "O-01H5WQGHKCBB85MQFM68S9KJ5Q", "status": "PROCESSING",
      "created_at": "2023-11-07T05:31:56Z", "payment_method": {"type": "ACCOUNT_BALANCE"},
      "currency": "USD", "total_price": "24.25", "total_discount": "0.75",
      "items": [{"id": "E-1", "distribution_method": {"type": "PAYOUT_LINK"},
        "products": {"type": "SINGLE", "value": "AMZ-US"}, "face_value": "25.00",
        "price": "24.25", "payout": {"status": "ACTIVE",
        "status_updated_at": "2023-11-07T05:31:56Z", "url": "https://spend.runa.io/x"}}]}"#;

    fn read(body: &str) -> GetSingleOrderResponse {
        serde_json::from_str(body).expect("a GetSingleOrderResponse")
    }

    #[test]
    fn a_full_body_that_says_processing_is_not_final() {
        let order = read(FULL_BODY_STILL_PROCESSING);
        assert!(order.full_details().is_some(), "the shape is the full one");
        assert_eq!(order.status(), OrderStatus::Processing);
        assert!(!order.is_final());
    }

    #[test]
    fn completed_and_failed_are_final_whatever_the_shape() {
        for (status, is_final) in [("COMPLETED", true), ("FAILED", true), ("PROCESSING", false)] {
            let full = read(&FULL_BODY_STILL_PROCESSING.replace("PROCESSING", status));
            assert_eq!(full.is_final(), is_final, "{status}");
            let short = read(&format!(
                r#"{{"id": "O-1", "status": "{status}", "message": "m"}}"#
            ));
            assert!(short.full_details().is_none());
            assert_eq!((short.id().as_str(), short.is_final()), ("O-1", is_final));
            let item: OrderListItem = serde_json::from_str(&format!(
                r#"{{"id": "O-2", "status": "{status}", "message": "m"}}"#
            ))
            .unwrap();
            assert_eq!((item.id().as_str(), item.is_final()), ("O-2", is_final));
        }
    }
}
