//! `GET /order/{id}`: one order of the caller's API key, complete once its time has come, incomplete until then.

use std::{sync::Arc, time::Instant};

use runa_order_client::{
    ApiErrorType,
    operations::{Operation, get_single_order},
};

use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    views,
};

/// `GET /order/{id}`.
#[derive(Debug)]
pub(crate) struct GetOne;

impl Endpoint for GetOne {
    const OPERATION: &'static Operation = &get_single_order::OPERATION;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        app.delay().await;
        // The path has one placeholder, the order's ID. Another API key's order is not found.
        let order = call
            .path_values
            .first()
            .and_then(|id| app.store.order(&call.api_key, id));
        match order {
            Some(order) => views::single(&order, Instant::now()),
            None => Answer::api_error(&ApiErrorType::NotFound, None),
        }
    }
}
