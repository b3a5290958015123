//! A stream of every order, page after page, following `pagination.cursors.after`.

use std::collections::VecDeque;

use futures::Stream;
use runa_order_types::OrderListItem;

use crate::{Client, Error, ListOrdersParams, error::UnexpectedResponse};

struct State {
    client: Client,
    params: ListOrdersParams,
    buffer: VecDeque<OrderListItem>,
    done: bool,
}

impl Client {
    /// Every order from `params` on, one item at a time, fetching pages as needed: each next
    /// page is asked for with the `after` cursor of the previous one. The stream ends after an
    /// empty page (as the API documents) or a page without an `after` cursor, and after the
    /// first error, which it yields. Each page request is retried like any other call.
    pub fn list_all_orders(
        &self,
        params: ListOrdersParams,
    ) -> impl Stream<Item = Result<OrderListItem, Error>> + Send + 'static {
        let state = State {
            client: self.clone(),
            params,
            buffer: VecDeque::new(),
            done: false,
        };
        futures::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if state.done {
                    return None;
                }
                match state.client.list_orders(&state.params).await {
                    Err(err) => {
                        state.done = true;
                        return Some((Err(err), state));
                    }
                    Ok(page) => {
                        if page.items.is_empty() {
                            return None;
                        }
                        match page.pagination.cursors.after {
                            Some(after) if state.params.after.as_ref() == Some(&after) => {
                                state.done = true;
                                return Some((Err(stuck_cursor(&after)), state));
                            }
                            Some(after) => {
                                state.params.after = Some(after);
                                state.params.before = None;
                            }
                            None => state.done = true,
                        }
                        state.buffer.extend(page.items);
                    }
                }
            }
        })
    }
}

fn stuck_cursor(after: &str) -> Error {
    Error::UnexpectedResponse(UnexpectedResponse {
        status: 200,
        expected: Some("OrderList"),
        path: Some("pagination.cursors.after".to_owned()),
        message: format!("the `after` cursor did not move ({after:?}); stopping so as not to loop"),
        excerpt: String::new(),
    })
}
