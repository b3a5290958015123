//! A stream of every order, page after page, following `pagination.cursors.after`.

use std::{
    collections::{HashSet, VecDeque},
    fmt,
    hash::{BuildHasher, RandomState},
    pin::Pin,
    task::{Context, Poll},
};

use futures::Stream;
use runa_order_types::OrderListItem;

use crate::{Client, Error, ListOrdersParams, error::clip, redact::printable};

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

/// The default of [`ClientBuilder::max_list_pages`](crate::ClientBuilder::max_list_pages):
/// 10,000 pages, a million orders at the API's default `limit` of 100 and five million at
/// the largest, 500.
pub const DEFAULT_MAX_LIST_PAGES: u64 = 10_000;

/// Why [`Client::list_all_orders`] stopped before the end of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaginationError {
    /// A page's `after` cursor is one the stream met before (given by an earlier page, or
    /// the one it started from): following it would read the same pages again, without end
    /// (`A`, `B`, `A`, `B`, …). The server's pagination is broken; the items read so far
    /// were yielded.
    RepeatedCursor {
        /// The page that gave the cursor again, counted from 1.
        page: u64,
        /// The cursor, as the answer gave it (at most 200 characters, control characters
        /// escaped).
        cursor: String,
    },
    /// The stream read its limit of pages
    /// ([`ClientBuilder::max_list_pages`](crate::ClientBuilder::max_list_pages)) and the last
    /// one still had an `after` cursor; its items were yielded. To read further, go on with
    /// [`Client::list_orders`] from `after`, or raise the limit.
    TooManyPages {
        /// The limit.
        limit: u64,
        /// The `after` cursor of the last page read, as the answer gave it (not cut).
        after: String,
    },
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationError::RepeatedCursor { page, cursor } => write!(
                f,
                "page {page} of the order list gave an `after` cursor met before ({cursor:?}); list_all_orders stopped so as not to read the same pages again without end"
            ),
            PaginationError::TooManyPages { limit, .. } => write!(
                f,
                "list_all_orders read {limit} pages, its limit (ClientBuilder::max_list_pages), and the last one had an `after` cursor; go on with list_orders from that cursor, or raise the limit"
            ),
        }
    }
}

/// The cursors a stream met, as two 64-bit hashes with random keys each (16 bytes per page,
/// however long a cursor is): a repeat is found in constant time and memory stays bounded by
/// the page limit. Two different cursors are taken for one with a chance below 2^-100 over
/// the default limit of pages.
struct Seen {
    keys: [RandomState; 2],
    cursors: HashSet<(u64, u64)>,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            keys: [RandomState::new(), RandomState::new()],
            cursors: HashSet::new(),
        }
    }

    /// Records `cursor`; false when it was recorded before.
    fn insert(&mut self, cursor: &str) -> bool {
        let [a, b] = &self.keys;
        self.cursors
            .insert((a.hash_one(cursor), b.hash_one(cursor)))
    }
}

struct State {
    client: Client,
    params: ListOrdersParams,
    buffer: VecDeque<OrderListItem>,
    /// Pages read so far.
    pages: u64,
    seen: Seen,
    /// The error to yield once the items of the page before it are out.
    pending: Option<Error>,
    done: bool,
}

impl Client {
    /// Every order from `params` on, one item at a time, fetching pages as needed: each next
    /// page is asked for with the `after` cursor of the previous one. The stream ends after an
    /// empty page (as the API documents) or a page without an `after` cursor, and after the
    /// first error, which it yields. Each page request is retried like any other call.
    ///
    /// Pagination the server gets wrong ends the stream too, with an
    /// [`Error::Pagination`], after the items of the last page read: an `after` cursor the
    /// stream met before (a cycle `A`, `B`, `A`, … would never end), or more pages than the
    /// client's limit ([`ClientBuilder::max_list_pages`](crate::ClientBuilder::max_list_pages),
    /// [`DEFAULT_MAX_LIST_PAGES`] by default). The stream keeps 16 bytes per page read to
    /// find a repeated cursor, whatever the cursors' length.
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
        let mut seen = Seen::new();
        if let Some(after) = &params.after {
            seen.insert(after);
        }
        let state = State {
            client: self.clone(),
            params,
            buffer: VecDeque::new(),
            pages: 0,
            seen,
            pending: None,
            done: false,
        };
        let stream = futures::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                if let Some(err) = state.pending.take() {
                    state.done = true;
                    return Some((Err(err), state));
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
                        state.pages += 1;
                        if page.items.is_empty() {
                            return None;
                        }
                        match page.pagination.cursors.after {
                            None => state.done = true,
                            Some(after) if !state.seen.insert(&after) => {
                                state.pending =
                                    Some(Error::Pagination(PaginationError::RepeatedCursor {
                                        page: state.pages,
                                        cursor: clip(&printable(&after), MAX_CURSOR_CHARS),
                                    }));
                            }
                            Some(after) if state.pages >= state.client.max_list_pages() => {
                                state.pending =
                                    Some(Error::Pagination(PaginationError::TooManyPages {
                                        limit: state.client.max_list_pages(),
                                        after,
                                    }));
                            }
                            Some(after) => {
                                state.params.after = Some(after);
                                state.params.before = None;
                            }
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

/// The most characters of a cursor a [`PaginationError::RepeatedCursor`] keeps.
const MAX_CURSOR_CHARS: usize = 200;
