//! The in-memory state: orders in creation order, idempotency records and the request log, behind one lock.
//!
//! Every change that must be atomic happens in one critical section: a new order is stored
//! and the answer for its idempotency key recorded together, so an order is never stored
//! without its key being known, nor twice for one key.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Instant,
};

use bytes::Bytes;
use runa_order_types::CompletedOrderWithFullDetails;

/// A recorded answer, replayed for a repeat with the same idempotency key and body.
#[derive(Debug, Clone)]
pub(crate) struct StoredResponse {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

/// An order as stored: its full details as they will be once it completes.
#[derive(Debug, Clone)]
pub(crate) struct StoredOrder {
    /// Position in creation order, from 1; the pagination cursors encode it.
    pub(crate) seq: u64,
    pub(crate) idempotency_key: String,
    pub(crate) completes_at: Instant,
    pub(crate) order: CompletedOrderWithFullDetails,
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `X-Idempotency-Key` header, if present.
    pub idempotency_key: Option<String>,
}

/// A stored order, as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// The order ID.
    pub id: String,
    /// The idempotency key it was created with.
    pub idempotency_key: String,
}

enum Entry {
    InProgress {
        fingerprint: Bytes,
        ticket: u64,
    },
    Done {
        fingerprint: Bytes,
        response: StoredResponse,
    },
}

#[derive(Default)]
struct Inner {
    orders: Vec<StoredOrder>,
    by_id: HashMap<String, usize>,
    /// Keyed by API key and idempotency key: keys of different API keys never collide.
    idempotency: HashMap<(String, String), Entry>,
    requests: Vec<RecordedRequest>,
    next_ticket: u64,
    spec_violations: Vec<String>,
}

/// The state of one server.
#[derive(Default)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
}

/// What the idempotency layer decided for a `POST /order`.
pub(crate) enum Begin {
    /// A new key: process the request, then [`Ticket::finish`].
    New(Ticket),
    /// The same key and body were answered before: send this again.
    Replay(StoredResponse),
    /// The same key is being processed right now.
    InProgress,
    /// The same key came with another body.
    Mismatch,
}

/// The right to process a new idempotency key. Dropped unfinished (the client went away
/// while the request was processed), it frees the key, so that a retry is processed.
pub(crate) struct Ticket {
    store: Arc<Store>,
    scope: (String, String),
    ticket: u64,
    fingerprint: Bytes,
    finished: bool,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves the state consistent, even if a panic interrupts it.
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    pub(crate) fn record_request(&self, request: RecordedRequest) {
        self.lock().requests.push(request);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    pub(crate) fn record_spec_violation(&self, message: String) {
        self.lock().spec_violations.push(message);
    }

    pub(crate) fn spec_violations(&self) -> Vec<String> {
        self.lock().spec_violations.clone()
    }

    /// Looks the key up and, for a new key, marks it in progress.
    pub(crate) fn begin(self: &Arc<Self>, api_key: &str, key: &str, fingerprint: Bytes) -> Begin {
        let scope = (api_key.to_owned(), key.to_owned());
        let mut inner = self.lock();
        match inner.idempotency.get(&scope) {
            Some(Entry::Done {
                fingerprint: stored,
                response,
            }) => {
                if *stored == fingerprint {
                    Begin::Replay(response.clone())
                } else {
                    Begin::Mismatch
                }
            }
            Some(Entry::InProgress {
                fingerprint: stored,
                ..
            }) => {
                if *stored == fingerprint {
                    Begin::InProgress
                } else {
                    Begin::Mismatch
                }
            }
            None => {
                inner.next_ticket += 1;
                let ticket = inner.next_ticket;
                inner.idempotency.insert(
                    scope.clone(),
                    Entry::InProgress {
                        fingerprint: fingerprint.clone(),
                        ticket,
                    },
                );
                Begin::New(Ticket {
                    store: Arc::clone(self),
                    scope,
                    ticket,
                    fingerprint,
                    finished: false,
                })
            }
        }
    }

    pub(crate) fn order(&self, id: &str) -> Option<StoredOrder> {
        let inner = self.lock();
        inner
            .by_id
            .get(id)
            .map(|&index| inner.orders[index].clone())
    }

    pub(crate) fn order_count(&self) -> usize {
        self.lock().orders.len()
    }

    pub(crate) fn order_records(&self) -> Vec<OrderRecord> {
        self.lock()
            .orders
            .iter()
            .map(|it| OrderRecord {
                id: it.order.id.to_string(),
                idempotency_key: it.idempotency_key.clone(),
            })
            .collect()
    }

    /// Up to `limit` orders, newest first: older than `after`, or (with `before`) the ones just
    /// newer than `before`. Cursors are sequence numbers.
    pub(crate) fn page(
        &self,
        limit: usize,
        after: Option<u64>,
        before: Option<u64>,
    ) -> Vec<StoredOrder> {
        let inner = self.lock();
        let orders = &inner.orders;
        match (after, before) {
            (_, Some(before)) => {
                let start = usize::try_from(before)
                    .unwrap_or(usize::MAX)
                    .min(orders.len());
                let end = start.saturating_add(limit).min(orders.len());
                orders[start..end].iter().rev().cloned().collect()
            }
            (after, None) => {
                let end = after
                    .map(|it| usize::try_from(it.saturating_sub(1)).unwrap_or(usize::MAX))
                    .unwrap_or(orders.len())
                    .min(orders.len());
                orders[end.saturating_sub(limit)..end]
                    .iter()
                    .rev()
                    .cloned()
                    .collect()
            }
        }
    }
}

impl Ticket {
    /// Records the answer for the key and, if the request created an order, stores it, in
    /// one critical section. Returns the answer to send.
    pub(crate) fn finish(
        mut self,
        response: StoredResponse,
        order: Option<(String, Instant, CompletedOrderWithFullDetails)>,
    ) -> StoredResponse {
        let mut inner = self.store.lock();
        if let Some((idempotency_key, completes_at, order)) = order {
            let index = inner.orders.len();
            inner.by_id.insert(order.id.to_string(), index);
            inner.orders.push(StoredOrder {
                seq: index as u64 + 1,
                idempotency_key,
                completes_at,
                order,
            });
        }
        inner.idempotency.insert(
            self.scope.clone(),
            Entry::Done {
                fingerprint: self.fingerprint.clone(),
                response: response.clone(),
            },
        );
        self.finished = true;
        response
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut inner = self.store.lock();
        if matches!(
            inner.idempotency.get(&self.scope),
            Some(Entry::InProgress { ticket, .. }) if *ticket == self.ticket
        ) {
            inner.idempotency.remove(&self.scope);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_in_progress_until_finished_and_freed_when_abandoned() {
        let store = Arc::new(Store::default());
        let body = Bytes::from_static(b"{}");
        let Begin::New(ticket) = store.begin("k", "a", body.clone()) else {
            panic!("a new key")
        };
        assert!(matches!(
            store.begin("k", "a", body.clone()),
            Begin::InProgress
        ));
        assert!(matches!(
            store.begin("other", "a", body.clone()),
            Begin::New(_)
        ));
        drop(ticket);
        let Begin::New(ticket) = store.begin("k", "a", body.clone()) else {
            panic!("an abandoned key is free again")
        };
        ticket.finish(
            StoredResponse {
                status: 202,
                body: Bytes::from_static(b"x"),
            },
            None,
        );
        assert!(matches!(store.begin("k", "a", body), Begin::Replay(it) if it.status == 202));
        assert!(matches!(
            store.begin("k", "a", Bytes::from_static(b"[]")),
            Begin::Mismatch
        ));
    }
}
