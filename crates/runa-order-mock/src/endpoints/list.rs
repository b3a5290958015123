//! `GET /order`: a page of orders, newest first, with the generated query parser's bounds and default and opaque cursors.

use std::{sync::Arc, time::Instant};

use runa_order_client::{
    ApiErrorType,
    operations::{
        Operation,
        get_list_of_orders::{self, Query},
    },
};
use runa_order_types::{OrderList, Page, PageCursors, PageableMeta};

use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    ids::{cursor, parse_cursor},
    views::list_view,
};

/// `GET /order`.
#[derive(Debug)]
pub(crate) struct List;

impl Endpoint for List {
    const OPERATION: &'static Operation = &get_list_of_orders::OPERATION;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        app.delay().await;
        match page(app, call.parts.uri.query().unwrap_or_default()) {
            Ok(page) => Answer::new(200, &page),
            Err(refused) => refused,
        }
    }
}

fn pagination_error(message: String) -> Answer {
    Answer::api_error(&ApiErrorType::PaginationError, Some(message))
}

/// The page the query asks for. A `limit` outside its documented bounds or not a number, a
/// cursor the mock did not make, or both cursors are `400 pagination_error`.
fn page(app: &App, query: &str) -> Result<OrderList, Answer> {
    let query = Query::parse(query).map_err(|err| pagination_error(format!("{err}.")))?;
    let limit = query.limit.unwrap_or(Query::DEFAULT_LIMIT);
    let cursor_of = |name: &str, text: &Option<String>| match text {
        None => Ok(None),
        Some(text) => parse_cursor(text)
            .map(Some)
            .ok_or_else(|| pagination_error(format!("The {name} cursor is invalid."))),
    };
    let after = cursor_of("after", &query.after)?;
    let before = cursor_of("before", &query.before)?;
    if after.is_some() && before.is_some() {
        return Err(pagination_error(
            "Use either before or after, not both.".to_owned(),
        ));
    }
    let size = usize::try_from(limit)
        .map_err(|_| pagination_error(format!("The limit {limit} is not a page size.")))?;
    let orders = app.store.page(size, after, before);
    let now = Instant::now();
    Ok(OrderList {
        items: orders.iter().map(|it| list_view(it, now)).collect(),
        pagination: PageableMeta {
            cursors: PageCursors {
                after: orders.last().map(|it| cursor(it.seq)),
                before: orders.first().map(|it| cursor(it.seq)),
            },
            page: Page {
                limit: Some(limit.into()),
            },
        },
    })
}
