//! The in-memory state, each part within its bound in `Limits`: stored orders (by ID, by API key and oldest first), idempotency records, the request log and spec violations, behind one lock held only to look up, take references and insert.
//!
//! Every change that must be atomic happens in one critical section: a new order is stored
//! and the record of its idempotency key made together, so an order is never stored without
//! its key being known, nor twice for one key. The key's record lives as long as the order:
//! when the order is evicted, its record goes with it.
//!
//! Orders are stored as the JSON of their answers (written once, when the order is made, off
//! the async threads) and shared by `Arc`: a reader takes references under the lock and does
//! its work after letting it go. The maps are sized for their bounds when the server starts
//! (up to [`PRESIZED`] entries), so they never grow, and never rehash everything under the
//! lock, while it runs; the oldest entry goes first once a bound is reached.

use std::{
    borrow::Borrow,
    collections::{HashMap, HashSet, VecDeque},
    hash::{Hash, Hasher},
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use bytes::Bytes;

use crate::{answers::Answer, config::Limits, fingerprint::Fingerprint};

/// A recorded path longer than this is cut (at a character boundary) and ends with `…`.
pub(crate) const MAX_LOGGED_PATH_BYTES: usize = 256;

/// At most this many spec violations are kept; later ones are counted only.
const MAX_SPEC_VIOLATIONS: usize = 1_000;

/// The maps and queues are made with room for their bounds, up to this many entries; a
/// larger bound is reached by growing.
pub(crate) const PRESIZED: usize = 1 << 20;

/// What one stored order costs besides its strings and JSON: the `Arc` and its counts, its
/// places in the ID set and the two queues, and the record of its idempotency key.
const ORDER_OVERHEAD: usize = size_of::<StoredOrder>()
    + 2 * size_of::<usize>()
    + 3 * size_of::<Arc<StoredOrder>>()
    + RECORD_OVERHEAD;

/// What one idempotency record costs besides its key and what it keeps: the entry, its
/// place in the map and in the queue of records.
const RECORD_OVERHEAD: usize =
    size_of::<Entry>() + size_of::<(Arc<str>, Box<Entry>)>() + size_of::<(Arc<str>, u64)>();

// `Limits` and the README give these bounds of the fixed costs; the build checks them.
const _: () = assert!(ORDER_OVERHEAD < 400);
const _: () = assert!(RECORD_OVERHEAD < 200);

/// A new order, made (and written as JSON) off the async threads, to be stored.
#[derive(Debug, Clone)]
pub(crate) struct NewOrder {
    pub(crate) id: String,
    /// Made in sync mode: answered `200` with the full order, else `202`.
    pub(crate) sync: bool,
    /// How long it reads as `PROCESSING`.
    pub(crate) delay: Duration,
    /// `CompletedOrderWithFullDetails`: the answer to `GET /order/{id}` once it completes,
    /// and the sync answer.
    pub(crate) full: Bytes,
    /// `CompletedOrderWithBasicDetails`: its row in a list once it completes.
    pub(crate) row: Bytes,
}

/// An order as stored.
#[derive(Debug)]
pub(crate) struct StoredOrder {
    /// Position in creation order, from 1; the pagination cursors encode it.
    pub(crate) seq: u64,
    /// The API key and the idempotency key, as the idempotency record's key.
    scope: Arc<str>,
    api_key_len: usize,
    pub(crate) id: Box<str>,
    pub(crate) sync: bool,
    pub(crate) completes_at: Instant,
    pub(crate) full: Bytes,
    pub(crate) row: Bytes,
}

impl StoredOrder {
    /// The API key that placed it.
    pub(crate) fn api_key(&self) -> &str {
        &self.scope[..self.api_key_len]
    }

    /// The idempotency key it was placed with.
    pub(crate) fn idempotency_key(&self) -> &str {
        &self.scope[self.api_key_len + 1..]
    }

    /// What it holds, in bytes, its key's record included.
    fn bytes(&self) -> usize {
        ORDER_OVERHEAD + self.scope.len() + self.id.len() + self.full.len() + self.row.len()
    }
}

/// A stored order in the set of orders, found by its ID.
struct ById(Arc<StoredOrder>);

impl Borrow<str> for ById {
    fn borrow(&self) -> &str {
        &self.0.id
    }
}

impl PartialEq for ById {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for ById {}

impl Hash for ById {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, so that a lookup by `&str` finds it.
        (*self.0.id).hash(state);
    }
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
/// requests left nothing behind, and that every store keeps within its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StateSize {
    /// Stored orders.
    pub orders: usize,
    /// Bytes the stored orders hold (their JSON, IDs and keys, and the records of their
    /// idempotency keys); at most [`Limits::max_order_bytes`].
    pub order_bytes: usize,
    /// Idempotency keys recorded or in progress, those of stored orders included.
    pub idempotency_keys: usize,
    /// Bytes of the idempotency records that stored no order (what each keeps to replay
    /// its answer, and its keys) and of the keys in progress.
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

/// What a request's record keeps to replay its answer.
#[derive(Debug, Clone)]
pub(crate) enum Replay {
    /// The order it stored: the answer is made from it again.
    Order(Arc<StoredOrder>),
    /// The answer itself.
    Answer(Answer),
    /// The body it refused, kept instead of an answer larger than it (a `422` with many
    /// details); the answer is the body's check, made again.
    Body(Bytes),
}

impl Replay {
    fn bytes(&self) -> usize {
        match self {
            Replay::Order(_) => 0,
            Replay::Answer(answer) => answer.body.len(),
            Replay::Body(body) => body.len(),
        }
    }
}

/// How a request that processed its key ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// It made this order.
    Created(NewOrder),
    /// Its body was refused with this answer.
    Refused { answer: Answer, body: Bytes },
    /// Any other answer.
    Answered(Answer),
}

struct Entry {
    fingerprint: Fingerprint,
    ticket: u64,
    /// `None` while the request is in progress.
    replay: Option<Replay>,
}

/// The key of an idempotency record: the API key and the key, with a newline between them
/// (an HTTP header value cannot hold one), so that keys of different API keys never collide.
fn scope(api_key: &str, key: &str) -> String {
    format!("{api_key}\n{key}")
}

struct Inner {
    /// Every stored order, oldest first.
    orders: VecDeque<Arc<StoredOrder>>,
    order_bytes: usize,
    by_id: HashSet<ById>,
    /// Each API key's stored orders, oldest first.
    by_api_key: HashMap<Box<str>, VecDeque<Arc<StoredOrder>>>,
    next_seq: u64,
    /// Idempotency records, by [`scope`].
    records: HashMap<Arc<str>, Box<Entry>>,
    /// The records that stored no order, oldest first, with their tickets.
    answered: VecDeque<(Arc<str>, u64)>,
    /// Bytes of the records that stored no order.
    answered_bytes: usize,
    /// Bytes of the keys in progress.
    pending_bytes: usize,
    next_ticket: u64,
    /// The newest requests, at most `request_log_capacity`.
    requests: VecDeque<RecordedRequest>,
    logged_bytes: usize,
    spec_violations: Vec<String>,
}

/// The state of one server.
pub(crate) struct Store {
    inner: Mutex<Inner>,
    limits: StoreLimits,
}

/// The bounds the store keeps to (see `Limits`).
#[derive(Debug, Clone, Copy)]
struct StoreLimits {
    orders: usize,
    order_bytes: usize,
    records: usize,
    record_bytes: usize,
    log: usize,
}

impl Default for Store {
    fn default() -> Store {
        Store::new(&Limits::default())
    }
}

/// What the idempotency layer decided for a `POST /order`.
pub(crate) enum Begin {
    /// A new key: process the request, then [`Ticket::finish`].
    New(Ticket),
    /// The same key and body were answered before: answer the same again.
    Replay(Replay),
    /// The same key is being processed right now.
    InProgress,
    /// The same key came with another body.
    Mismatch,
}

/// The right to process a new idempotency key. Dropped unfinished (the client went away
/// while the request was processed), it frees the key, so that a retry is processed.
pub(crate) struct Ticket {
    store: Arc<Store>,
    scope: Arc<str>,
    api_key_len: usize,
    ticket: u64,
    finished: bool,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section leaves the state consistent, even if a panic interrupts it.
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// An empty store within `limits`, its maps made with room for the bounds.
    pub(crate) fn new(limits: &Limits) -> Store {
        let limits = StoreLimits {
            orders: limits.max_orders.max(1),
            order_bytes: limits.max_order_bytes,
            records: limits.max_idempotency_records,
            record_bytes: limits.max_idempotency_bytes,
            log: limits.request_log_capacity,
        };
        // One more than the bound: an entry is added before the oldest is evicted.
        let orders = limits.orders.min(PRESIZED) + 1;
        let records = limits.orders.saturating_add(limits.records).min(PRESIZED) + 1;
        Store {
            inner: Mutex::new(Inner {
                orders: VecDeque::with_capacity(orders),
                order_bytes: 0,
                by_id: HashSet::with_capacity(orders),
                // Each API key with a stored order has an entry: at most one per order.
                by_api_key: HashMap::with_capacity(orders),
                next_seq: 0,
                records: HashMap::with_capacity(records),
                answered: VecDeque::with_capacity(limits.records.min(PRESIZED) + 1),
                answered_bytes: 0,
                pending_bytes: 0,
                next_ticket: 0,
                requests: VecDeque::with_capacity(limits.log.min(PRESIZED)),
                logged_bytes: 0,
                spec_violations: Vec::new(),
            }),
            limits,
        }
    }

    /// Logs a request; the oldest entry goes when the log is full.
    pub(crate) fn record_request(&self, request: RecordedRequest) {
        if self.limits.log == 0 {
            return;
        }
        let mut inner = self.lock();
        while inner.requests.len() >= self.limits.log {
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
            order_bytes: inner.order_bytes,
            idempotency_keys: inner.records.len(),
            idempotency_bytes: inner.answered_bytes + inner.pending_bytes,
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
        let scope = scope(api_key, key);
        let mut inner = self.lock();
        if let Some(entry) = inner.records.get(scope.as_str()) {
            return match &entry.replay {
                _ if entry.fingerprint != fingerprint => Begin::Mismatch,
                None => Begin::InProgress,
                Some(replay) => Begin::Replay(replay.clone()),
            };
        }
        inner.next_ticket += 1;
        let ticket = inner.next_ticket;
        inner.pending_bytes += RECORD_OVERHEAD + scope.len();
        let scope: Arc<str> = scope.into();
        inner.records.insert(
            Arc::clone(&scope),
            Box::new(Entry {
                fingerprint,
                ticket,
                replay: None,
            }),
        );
        Begin::New(Ticket {
            store: Arc::clone(self),
            scope,
            api_key_len: api_key.len(),
            ticket,
            finished: false,
        })
    }

    /// The order with this ID, if `api_key` placed it.
    pub(crate) fn order(&self, api_key: &str, id: &str) -> Option<Arc<StoredOrder>> {
        self.lock()
            .by_id
            .get(id)
            .filter(|it| it.0.api_key() == api_key)
            .map(|it| Arc::clone(&it.0))
    }

    pub(crate) fn order_count(&self) -> usize {
        self.lock().orders.len()
    }

    pub(crate) fn order_records(&self) -> Vec<OrderRecord> {
        let orders: Vec<Arc<StoredOrder>> = self.lock().orders.iter().cloned().collect();
        orders
            .iter()
            .map(|it| OrderRecord {
                id: it.id.to_string(),
                idempotency_key: it.idempotency_key().to_owned(),
            })
            .collect()
    }

    /// Up to `limit` of the orders of `api_key`, newest first: older than `after`, or (with
    /// `before`) the ones just newer than `before`. Cursors are sequence numbers. Only the
    /// references are taken under the lock.
    pub(crate) fn page(
        &self,
        api_key: &str,
        limit: usize,
        after: Option<u64>,
        before: Option<u64>,
    ) -> Vec<Arc<StoredOrder>> {
        let inner = self.lock();
        let Some(orders) = inner.by_api_key.get(api_key) else {
            return Vec::new();
        };
        let range = match (after, before) {
            (_, Some(before)) => {
                let start = orders.partition_point(|it| it.seq <= before);
                start..start.saturating_add(limit).min(orders.len())
            }
            (after, None) => {
                let end = after.map_or(orders.len(), |after| {
                    orders.partition_point(|it| it.seq < after)
                });
                end.saturating_sub(limit)..end
            }
        };
        orders.range(range).rev().cloned().collect()
    }
}

impl Inner {
    /// Stores `order` and records it for its key, then evicts the oldest orders while more
    /// than the bounds are stored (the newest order always stays).
    fn store(&mut self, order: Arc<StoredOrder>, limits: &StoreLimits) {
        self.order_bytes += order.bytes();
        self.by_id.insert(ById(Arc::clone(&order)));
        match self.by_api_key.get_mut(order.api_key()) {
            Some(orders) => orders.push_back(Arc::clone(&order)),
            None => {
                let orders = VecDeque::from([Arc::clone(&order)]);
                self.by_api_key.insert(order.api_key().into(), orders);
            }
        }
        self.orders.push_back(order);
        while self.orders.len() > limits.orders
            || (self.order_bytes > limits.order_bytes && self.orders.len() > 1)
        {
            let Some(old) = self.orders.pop_front() else {
                break;
            };
            self.order_bytes -= old.bytes();
            self.by_id.remove(&*old.id);
            if let Some(orders) = self.by_api_key.get_mut(old.api_key()) {
                orders.pop_front();
                if orders.is_empty() {
                    self.by_api_key.remove(old.api_key());
                }
            }
            // The key's record goes with its order.
            if self
                .records
                .get(&*old.scope)
                .and_then(|it| it.replay.as_ref())
                .is_some_and(|it| matches!(it, Replay::Order(it) if Arc::ptr_eq(it, &old)))
            {
                self.records.remove(&*old.scope);
            }
        }
    }

    /// Evicts the oldest records that stored no order while more than the bounds are kept.
    fn evict_answered(&mut self, limits: &StoreLimits) {
        while self.answered.len() > limits.records
            || (self.answered_bytes > limits.record_bytes && !self.answered.is_empty())
        {
            let Some((scope, ticket)) = self.answered.pop_front() else {
                break;
            };
            if self
                .records
                .get(&scope)
                .is_some_and(|it| it.ticket == ticket)
                && let Some(entry) = self.records.remove(&scope)
            {
                self.answered_bytes -=
                    RECORD_OVERHEAD + scope.len() + entry.replay.as_ref().map_or(0, Replay::bytes);
            }
        }
    }
}

impl Ticket {
    /// Records how the request ended for its key and, if it made an order, stores it, in one
    /// critical section. Returns the answer to send.
    pub(crate) fn finish(mut self, outcome: Outcome) -> Answer {
        let limits = self.store.limits;
        let (answer, replay, order) = match outcome {
            Outcome::Created(new) => {
                let answer = crate::views::created(&new.id, new.sync, &new.full);
                (answer, None, Some(new))
            }
            // A refusal keeps the smaller of its answer and its body (a body can make a
            // `422` many times its size), each in an allocation of its exact size.
            Outcome::Refused { answer, body } if body.len() < answer.body.len() => {
                let kept = Replay::Body(Bytes::copy_from_slice(&body));
                (answer, Some(kept), None)
            }
            Outcome::Refused { answer, .. } | Outcome::Answered(answer) => {
                let kept = Replay::Answer(Answer {
                    body: Bytes::copy_from_slice(&answer.body),
                    ..answer.clone()
                });
                (answer, Some(kept), None)
            }
        };
        let order = order.map(|new| StoredOrder {
            seq: 0,
            scope: Arc::clone(&self.scope),
            api_key_len: self.api_key_len,
            id: new.id.into_boxed_str(),
            sync: new.sync,
            completes_at: Instant::now() + new.delay,
            full: new.full,
            row: new.row,
        });
        let mut inner = self.store.lock();
        inner.pending_bytes -= RECORD_OVERHEAD + self.scope.len();
        self.finished = true;
        match order {
            Some(order) => {
                inner.next_seq += 1;
                let order = Arc::new(StoredOrder {
                    seq: inner.next_seq,
                    ..order
                });
                let Some(entry) = inner.records.get_mut(&self.scope) else {
                    // Cannot happen: an unfinished ticket's record is never evicted.
                    return answer;
                };
                entry.replay = Some(Replay::Order(Arc::clone(&order)));
                inner.store(order, &limits);
            }
            None => {
                let replay = replay.expect("an answer to keep");
                let bytes = RECORD_OVERHEAD + self.scope.len() + replay.bytes();
                let Some(entry) = inner.records.get_mut(&self.scope) else {
                    return answer;
                };
                entry.replay = Some(replay);
                inner.answered_bytes += bytes;
                inner
                    .answered
                    .push_back((Arc::clone(&self.scope), self.ticket));
                inner.evict_answered(&limits);
            }
        }
        answer
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut inner = self.store.lock();
        inner.pending_bytes -= RECORD_OVERHEAD + self.scope.len();
        if inner
            .records
            .get(&self.scope)
            .is_some_and(|it| it.ticket == self.ticket && it.replay.is_none())
        {
            inner.records.remove(&self.scope);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::fingerprint;

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
        assert_eq!(store.size().idempotency_bytes, 0);
        let Begin::New(ticket) = store.begin("k", "a", body) else {
            panic!("an abandoned key is free again")
        };
        ticket.finish(Outcome::Answered(Answer::api_error(
            &runa_order_client::ApiErrorType::Timeout,
            None,
        )));
        assert!(matches!(
            store.begin("k", "a", body),
            Begin::Replay(Replay::Answer(it)) if it.status == 504
        ));
        assert!(matches!(
            store.begin("k", "a", fingerprint(b"[]")),
            Begin::Mismatch
        ));
    }
}
