//! `GET /order/{id}`: one order, complete once its time has come, incomplete until then.

use std::{sync::Arc, time::Instant};

use runa_order_client::{
    ApiErrorType,
    operations::{Operation, get_single_order},
};

use runa_order_types::GetSingleOrderResponse;

use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    views::incomplete_view,
};

/// `GET /order/{id}`.
#[derive(Debug)]
pub(crate) struct GetOne;

impl Endpoint for GetOne {
    const OPERATION: &'static Operation = &get_single_order::OPERATION;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        app.delay().await;
        // The path has one placeholder, the order's ID.
        let order = call.path_values.first().and_then(|id| app.store.order(id));
        let Some(order) = order else {
            return Answer::api_error(&ApiErrorType::NotFound, None);
        };
        let body: GetSingleOrderResponse = if Instant::now() >= order.completes_at {
            order.order.into()
        } else {
            incomplete_view(&order).into()
        };
        Answer::new(200, &body)
    }
}
