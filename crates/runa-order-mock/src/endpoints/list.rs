//! `GET /order`: a page of the caller's orders, newest first, with the generated query parser's bounds and default and opaque cursors; the page is written off the async threads.

use std::{sync::Arc, time::Instant};

use runa_order_client::{
    ApiErrorType,
    operations::{
        Operation,
        get_list_of_orders::{self, Query},
    },
};
use runa_order_types::{Page, PageCursors, PageableMeta};

use crate::{
    answers::Answer,
    app::{App, Call, Endpoint},
    ids::{cursor, parse_cursor},
    state::StoredOrder,
    views,
};

/// `GET /order`.
#[derive(Debug)]
pub(crate) struct List;

impl Endpoint for List {
    const OPERATION: &'static Operation = &get_list_of_orders::OPERATION;

    async fn answer(app: &Arc<App>, call: Call) -> Answer {
        app.delay().await;
        let query = call.parts.uri.query().unwrap_or_default();
        let (orders, pagination) = match page(app, &call.api_key, query) {
            Ok(it) => it,
            Err(refused) => return refused,
        };
        // The store gave references to the orders; the page is written from them on the
        // blocking pool, so that neither the store's lock nor an async thread waits for it.
        #[cfg(test)]
        let hold = app.page_hold.clone();
        let write = move || {
            #[cfg(test)]
            if let Some(hold) = hold {
                hold.enter_and_wait();
            }
            views::page(&orders, Instant::now(), &pagination)
        };
        tokio::task::spawn_blocking(write)
            .await
            .unwrap_or_else(|_| Answer::internal("The page could not be written.".to_owned()))
    }
}

fn pagination_error(message: String) -> Answer {
    Answer::api_error(&ApiErrorType::PaginationError, Some(message))
}

/// The orders of `api_key` on the page the query asks for, and the page's pagination. A
/// `limit` outside its documented bounds or not a number, a cursor the mock did not make, or
/// both cursors are `400 pagination_error`.
fn page(
    app: &App,
    api_key: &str,
    query: &str,
) -> Result<(Vec<Arc<StoredOrder>>, PageableMeta), Answer> {
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
    let orders = app.store.page(api_key, size, after, before);
    let pagination = PageableMeta {
        cursors: PageCursors {
            after: orders.last().map(|it| cursor(it.seq)),
            before: orders.first().map(|it| cursor(it.seq)),
        },
        page: Page {
            limit: Some(limit.into()),
        },
    };
    Ok((orders, pagination))
}
