//! The in-memory state: orders in creation order, idempotency records and the bounded request log, behind one lock.
//!
//! Every change that must be atomic happens in one critical section: a new order is stored
//! and the answer for its idempotency key recorded together, so an order is never stored
//! without its key being known, nor twice for one key.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
    time::Instant,
};

use runa_order_types::CompletedOrderWithFullDetails;
use sha2::{Digest, Sha256};

use crate::answers::Answer;

/// A recorded path longer than this is cut (at a character boundary) and ends with `…`.
pub(crate) const MAX_LOGGED_PATH_BYTES: usize = 256;

/// At most this many spec violations are kept; later ones are counted only.
const MAX_SPEC_VIOLATIONS: usize = 1_000;

/// The SHA-256 of a request body in a canonical form: what the idempotency layer compares.
pub(crate) type Fingerprint = [u8; 32];

/// The fingerprint of `bytes`.
pub(crate) fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Sha256::digest(bytes).into()
}

/// A new order to store, with the idempotency key it was created with and the time it
/// completes.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub(crate) idempotency_key: String,
    pub(crate) completes_at: Instant,
    pub(crate) order: CompletedOrderWithFullDetails,
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

impl RecordedRequest {
    /// A record, with the path cut at [`MAX_LOGGED_PATH_BYTES`].
    pub(crate) fn new(method: &str, path: &str, idempotency_key: Option<String>) -> Self {
        let path = if path.len() > MAX_LOGGED_PATH_BYTES {
            let mut end = MAX_LOGGED_PATH_BYTES;
            while !path.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &path[..end])
        } else {
            path.to_owned()
        };
        RecordedRequest {
            method: method.to_owned(),
            path,
            idempotency_key,
        }
    }

    fn bytes(&self) -> usize {
        self.method.len() + self.path.len() + self.idempotency_key.as_ref().map_or(0, String::len)
    }
}

/// What the state holds, in counts and bytes: what a test checks to see that refused
/// requests left nothing behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StateSize {
    /// Stored orders.
    pub orders: usize,
    /// Idempotency keys recorded or in progress.
    pub idempotency_keys: usize,
    /// Bytes of the recorded answers, keys and API keys of the idempotency records.
    pub idempotency_bytes: usize,
    /// Entries in the request log.
    pub logged_requests: usize,
    /// Bytes of the strings in the request log.
    pub logged_request_bytes: usize,
    /// Spec violations kept.
    pub spec_violations: usize,
    /// Open connections.
    pub connections: usize,
    /// Open connections with a request in progress.
    pub busy_connections: usize,
    /// Request body bytes held by requests being read or processed.
    pub body_bytes_in_flight: usize,
}

enum Entry {
    InProgress {
        fingerprint: Fingerprint,
        ticket: u64,
    },
    Done {
        fingerprint: Fingerprint,
        answer: Answer,
    },
}

impl Entry {
    fn bytes(&self) -> usize {
        match self {
            Entry::InProgress { .. } => 0,
            Entry::Done { answer, .. } => answer.body.len(),
        }
    }
}

/// Where an idempotency key counts: keys of different API keys never collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Scope {
    api_key: String,
    key: String,
}

impl Scope {
    fn bytes(&self) -> usize {
        self.api_key.len() + self.key.len()
    }
}

#[derive(Default)]
struct Inner {
    orders: Vec<StoredOrder>,
    by_id: HashMap<String, usize>,
    idempotency: HashMap<Scope, Entry>,
    /// The recorded answers' bytes plus the keys' bytes, kept up to date.
    idempotency_bytes: usize,
    /// The newest requests, at most `log_capacity`.
    requests: VecDeque<RecordedRequest>,
    logged_bytes: usize,
    next_ticket: u64,
    spec_violations: Vec<String>,
}

/// The state of one server.
pub(crate) struct Store {
    inner: Mutex<Inner>,
    log_capacity: usize,
}

impl Default for Store {
    fn default() -> Store {
        Store::new(crate::Limits::default().request_log_capacity)
    }
}

/// What the idempotency layer decided for a `POST /order`.
pub(crate) enum Begin {
    /// A new key: process the request, then [`Ticket::finish`].
    New(Ticket),
    /// The same key and body were answered before: send this again.
    Replay(Answer),
    /// The same key is being processed right now.
    InProgress,
    /// The same key came with another body.
    Mismatch,
}

/// The right to process a new idempotency key. Dropped unfinished (the client went away
/// while the request was processed), it frees the key, so that a retry is processed.
pub(crate) struct Ticket {
    store: Arc<Store>,
    scope: Scope,
    ticket: u64,
    fingerprint: Fingerprint,
    finished: bool,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves the state consistent, even if a panic interrupts it.
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// A store whose request log keeps the newest `log_capacity` requests.
    pub(crate) fn new(log_capacity: usize) -> Store {
        Store {
            inner: Mutex::new(Inner::default()),
            log_capacity,
        }
    }

    /// Logs a request; the oldest entry goes when the log is full.
    pub(crate) fn record_request(&self, request: RecordedRequest) {
        if self.log_capacity == 0 {
            return;
        }
        let mut inner = self.lock();
        while inner.requests.len() >= self.log_capacity {
            if let Some(old) = inner.requests.pop_front() {
                inner.logged_bytes -= old.bytes();
            }
        }
        inner.logged_bytes += request.bytes();
        inner.requests.push_back(request);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    pub(crate) fn record_spec_violation(&self, message: String) {
        let mut inner = self.lock();
        if inner.spec_violations.len() < MAX_SPEC_VIOLATIONS {
            inner.spec_violations.push(message);
        }
    }

    pub(crate) fn size(&self) -> StateSize {
        let inner = self.lock();
        StateSize {
            orders: inner.orders.len(),
            idempotency_keys: inner.idempotency.len(),
            idempotency_bytes: inner.idempotency_bytes,
            logged_requests: inner.requests.len(),
            logged_request_bytes: inner.logged_bytes,
            spec_violations: inner.spec_violations.len(),
            connections: 0,
            busy_connections: 0,
            body_bytes_in_flight: 0,
        }
    }

    pub(crate) fn spec_violations(&self) -> Vec<String> {
        self.lock().spec_violations.clone()
    }

    /// Looks the key up and, for a new key, marks it in progress.
    pub(crate) fn begin(
        self: &Arc<Self>,
        api_key: &str,
        key: &str,
        fingerprint: Fingerprint,
    ) -> Begin {
        let scope = Scope {
            api_key: api_key.to_owned(),
            key: key.to_owned(),
        };
        let mut inner = self.lock();
        match inner.idempotency.get(&scope) {
            Some(Entry::Done {
                fingerprint: stored,
                answer,
            }) => {
                if *stored == fingerprint {
                    Begin::Replay(answer.clone())
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
                inner.idempotency_bytes += scope.bytes();
                inner.idempotency.insert(
                    scope.clone(),
                    Entry::InProgress {
                        fingerprint,
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
    pub(crate) fn finish(mut self, answer: Answer, placed: Option<Placed>) -> Answer {
        let mut inner = self.store.lock();
        if let Some(placed) = placed {
            let index = inner.orders.len();
            inner.by_id.insert(placed.order.id.to_string(), index);
            inner.orders.push(StoredOrder {
                seq: index as u64 + 1,
                idempotency_key: placed.idempotency_key,
                completes_at: placed.completes_at,
                order: placed.order,
            });
        }
        let entry = Entry::Done {
            fingerprint: self.fingerprint,
            answer: answer.clone(),
        };
        inner.idempotency_bytes += entry.bytes();
        if let Some(old) = inner.idempotency.insert(self.scope.clone(), entry) {
            inner.idempotency_bytes -= old.bytes();
        }
        self.finished = true;
        answer
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
        ) && let Some(old) = inner.idempotency.remove(&self.scope)
        {
            inner.idempotency_bytes -= old.bytes() + self.scope.bytes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_in_progress_until_finished_and_freed_when_abandoned() {
        let store = Arc::new(Store::default());
        let body = fingerprint(b"{}");
        let Begin::New(ticket) = store.begin("k", "a", body) else {
            panic!("a new key")
        };
        assert!(matches!(store.begin("k", "a", body), Begin::InProgress));
        assert!(matches!(store.begin("other", "a", body), Begin::New(_)));
        drop(ticket);
        let Begin::New(ticket) = store.begin("k", "a", body) else {
            panic!("an abandoned key is free again")
        };
        ticket.finish(
            Answer::api_error(&runa_order_client::ApiErrorType::Timeout, None),
            None,
        );
        assert!(matches!(store.begin("k", "a", body), Begin::Replay(it) if it.status == 504));
        assert!(matches!(
            store.begin("k", "a", fingerprint(b"[]")),
            Begin::Mismatch
        ));
    }
}
