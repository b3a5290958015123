//! A stream of every order, page after page, following `pagination.cursors.after`.

use std::{
    collections::VecDeque,
    fmt,
    pin::Pin,
    task::{Context, Poll},
};

use futures::Stream;
use runa_order_types::{OrderList, OrderListItem};
use runa_order_validator::Validate;

use crate::{Client, Error, ListOrdersParams, error::UnexpectedResponse};

/// The stream of [`Client::list_all_orders`]: every order, page after page.
///
/// It is [`Unpin`], so `.next().await` (from [`futures::StreamExt`] or `tokio_stream`) works
/// on it as it is, without `pin!` or `Box::pin`; it is also `Send` and `'static`, so it can
/// move into a spawned task or be kept in a struct.
#[must_use = "a stream does nothing unless polled"]
pub struct AllOrders {
    inner: Pin<Box<dyn Stream<Item = Result<OrderListItem, Error>> + Send + 'static>>,
}

impl Stream for AllOrders {
    type Item = Result<OrderListItem, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for AllOrders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllOrders").finish_non_exhaustive()
    }
}

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
    ///
    /// The stream is [`Unpin`]: call `.next().await` on it directly, no pinning needed.
    ///
    /// ```no_run
    /// use futures::StreamExt as _;
    /// use runa_order_client::{Client, ListOrdersParams};
    ///
    /// # async fn run(client: Client) -> Result<(), runa_order_client::Error> {
    /// let mut orders = client.list_all_orders(ListOrdersParams::default());
    /// while let Some(order) = orders.next().await {
    ///     let order = order?;
    ///     println!("{} is {}", order.id(), order.status());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list_all_orders(&self, params: ListOrdersParams) -> AllOrders {
        let state = State {
            client: self.clone(),
            params,
            buffer: VecDeque::new(),
            done: false,
        };
        let stream = futures::stream::unfold(state, |mut state| async move {
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
        });
        AllOrders {
            inner: Box::pin(stream),
        }
    }
}

fn stuck_cursor(after: &str) -> Error {
    Error::UnexpectedResponse(UnexpectedResponse {
        status: 200,
        expected: Some(<OrderList as Validate>::KIND.name()),
        path: Some("pagination.cursors.after".to_owned()),
        message: format!("the `after` cursor did not move ({after:?}); stopping so as not to loop"),
        excerpt: String::new(),
    })
}
