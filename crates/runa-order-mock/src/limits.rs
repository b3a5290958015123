//! The server's bounds at work: the accept-error backoff, the connection registry with its cap, and request bodies read within a size, a time and a shared byte budget.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt as _;
use hyper::body::{Body as _, Incoming};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::config::Limits;

/// The first wait after an accept error.
pub(crate) const ACCEPT_BACKOFF_FIRST: Duration = Duration::from_millis(5);
/// The longest wait after repeated accept errors.
pub(crate) const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// How long the accept loop waits after an error (such as running out of file
/// descriptors): 5 ms after the first, doubling after each further one up to 1 s, and back
/// to nothing after a success. Without it the loop spins on an error that persists.
#[derive(Debug, Default)]
pub(crate) struct AcceptBackoff {
    last: Option<Duration>,
}

impl AcceptBackoff {
    /// The wait after one more error.
    pub(crate) fn after_error(&mut self) -> Duration {
        let next = match self.last {
            None => ACCEPT_BACKOFF_FIRST,
            Some(it) => (it * 2).min(ACCEPT_BACKOFF_MAX),
        };
        self.last = Some(next);
        next
    }

    /// A connection was accepted: the next error waits the shortest time again.
    pub(crate) fn succeeded(&mut self) {
        self.last = None;
    }
}

/// One served connection, as the registry sees it.
#[derive(Debug)]
pub(crate) struct ConnectionState {
    close: Notify,
    busy: AtomicBool,
    idle_since: Mutex<Instant>,
}

impl ConnectionState {
    /// Asks the connection's task to close it at once, without sending anything more.
    pub(crate) fn close(&self) {
        self.close.notify_one();
    }

    /// Resolves when [`ConnectionState::close`] was called.
    pub(crate) async fn closed(&self) {
        self.close.notified().await;
    }

    fn idle_since(&self) -> MutexGuard<'_, Instant> {
        self.idle_since.lock().unwrap_or_else(|it| it.into_inner())
    }
}

/// Marks a connection busy while a request is in progress on it; idle again when dropped.
#[derive(Debug)]
pub(crate) struct Busy(Arc<ConnectionState>);

impl Busy {
    pub(crate) fn new(connection: &Arc<ConnectionState>) -> Busy {
        connection.busy.store(true, Ordering::SeqCst);
        Busy(Arc::clone(connection))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *self.0.idle_since() = Instant::now();
        self.0.busy.store(false, Ordering::SeqCst);
    }
}

/// The connections being served, at most `max`.
#[derive(Debug)]
pub(crate) struct Connections {
    max: usize,
    inner: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, Arc<ConnectionState>>,
}

/// A connection's place in the registry, given up when dropped.
#[derive(Debug)]
pub(crate) struct Admitted {
    registry: Arc<Connections>,
    id: u64,
    pub(crate) state: Arc<ConnectionState>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.registry.lock().open.remove(&self.id);
    }
}

impl Connections {
    pub(crate) fn new(max: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max: max.max(1),
            inner: Mutex::new(Registry::default()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// How many connections are open.
    pub(crate) fn count(&self) -> usize {
        self.lock().open.len()
    }

    /// How many connections have a request in progress.
    pub(crate) fn busy_count(&self) -> usize {
        self.lock()
            .open
            .values()
            .filter(|it| it.busy.load(Ordering::SeqCst))
            .count()
    }

    /// Admits a new connection. At the limit, the connection idle the longest is closed to
    /// make room; when none is idle, the new one is refused (`None`). The search is linear
    /// in the number of connections, which the limit bounds.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let mut registry = self.lock();
        if registry.open.len() >= self.max {
            let oldest_idle = registry
                .open
                .iter()
                .filter(|(_, it)| !it.busy.load(Ordering::SeqCst))
                .min_by_key(|(id, it)| (*it.idle_since(), **id))
                .map(|(id, _)| *id)?;
            if let Some(evicted) = registry.open.remove(&oldest_idle) {
                evicted.close();
            }
        }
        registry.next += 1;
        let id = registry.next;
        let state = Arc::new(ConnectionState {
            close: Notify::new(),
            busy: AtomicBool::new(false),
            idle_since: Mutex::new(Instant::now()),
        });
        registry.open.insert(id, Arc::clone(&state));
        Some(Admitted {
            registry: Arc::clone(self),
            id,
            state,
        })
    }
}

/// Why a request body was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyRefusal {
    /// Larger than the limit (the smaller of the size limit and the budget), in bytes.
    TooLarge(usize),
    /// Not complete within the body read timeout.
    TimedOut(Duration),
    /// The connection failed while the body was read.
    Broken(String),
}

/// Reads request bodies within the size limit, the time limit and the shared byte budget.
#[derive(Debug)]
pub(crate) struct BodyReader {
    budget: Arc<Semaphore>,
    budget_bytes: usize,
    max_bytes: usize,
    timeout: Duration,
}

/// A body and its share of the byte budget, given back when both are dropped.
#[derive(Debug)]
pub(crate) struct BodyBytes {
    pub(crate) bytes: Bytes,
    pub(crate) share: Option<OwnedSemaphorePermit>,
}

impl BodyReader {
    pub(crate) fn new(limits: &Limits) -> BodyReader {
        // Semaphore permits are counted in u32 per acquisition and usize overall.
        let budget_bytes = limits
            .max_body_bytes_in_flight
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        BodyReader {
            budget: Arc::new(Semaphore::new(budget_bytes)),
            budget_bytes,
            max_bytes: limits.max_body_bytes.min(budget_bytes),
            timeout: limits.body_read_timeout,
        }
    }

    /// Body bytes held right now by requests being read or processed.
    pub(crate) fn in_flight(&self) -> usize {
        self.budget_bytes - self.budget.available_permits()
    }

    /// Reads the whole body. A `Content-Length` over the limit is refused before anything
    /// is read; otherwise each chunk takes its share of the budget as it arrives (waiting
    /// for other requests to give theirs back), never the length a client announced, so a
    /// client that announces a large body and sends nothing holds nothing; the whole read
    /// must end within the timeout.
    pub(crate) async fn read(&self, mut body: Incoming) -> Result<BodyBytes, BodyRefusal> {
        let hint = body.size_hint();
        if hint.lower() > self.max_bytes as u64 {
            return Err(BodyRefusal::TooLarge(self.max_bytes));
        }
        if body.is_end_stream() {
            return Ok(BodyBytes {
                bytes: Bytes::new(),
                share: None,
            });
        }
        let reading = async {
            let mut share: Option<OwnedSemaphorePermit> = None;
            let mut bytes = BytesMut::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|err| BodyRefusal::Broken(err.to_string()))?;
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                if bytes.len() + data.len() > self.max_bytes {
                    return Err(BodyRefusal::TooLarge(self.max_bytes));
                }
                self.take(data.len(), &mut share).await?;
                // The buffer grows with what arrived, not with what was announced.
                bytes.extend_from_slice(&data);
            }
            Ok(BodyBytes {
                bytes: bytes.freeze(),
                share,
            })
        };
        tokio::time::timeout(self.timeout, reading)
            .await
            .unwrap_or(Err(BodyRefusal::TimedOut(self.timeout)))
    }

    /// Takes `n` more bytes of the budget into `share`, waiting until they are free.
    async fn take(
        &self,
        n: usize,
        share: &mut Option<OwnedSemaphorePermit>,
    ) -> Result<(), BodyRefusal> {
        // `n` is at most `max_bytes`, which is at most u32::MAX.
        let permit = Arc::clone(&self.budget)
            .acquire_many_owned(u32::try_from(n).unwrap_or(u32::MAX))
            .await
            .map_err(|_| BodyRefusal::Broken("the server is stopping".to_owned()))?;
        match share {
            Some(it) => it.merge(permit),
            None => *share = Some(permit),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_back_off_exponentially_up_to_a_ceiling_and_reset_on_success() {
        let mut backoff = AcceptBackoff::default();
        let waits: Vec<u128> = (0..10).map(|_| backoff.after_error().as_millis()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        // A persistent error (EMFILE) costs at most one accept a second, not a busy loop.
        let total: Duration = (0..1000).map(|_| backoff.after_error()).sum();
        assert_eq!(total, Duration::from_secs(1000));
        backoff.succeeded();
        assert_eq!(backoff.after_error(), ACCEPT_BACKOFF_FIRST);
    }

    #[test]
    fn at_the_limit_the_longest_idle_connection_makes_room() {
        let connections = Connections::new(3);
        let a = connections.admit().unwrap();
        let b = connections.admit().unwrap();
        let c = connections.admit().unwrap();
        // b has a request in progress; a was idle longest, then c.
        let _busy_b = Busy::new(&b.state);
        let busy_a = Busy::new(&a.state);
        drop(busy_a);
        let d = connections.admit().expect("c was idle the longest");
        assert_eq!(connections.count(), 3);
        // c got the close signal.
        let closed = c.state.close.notified();
        let mut closed = std::pin::pin!(closed);
        assert!(
            futures_poll_once(closed.as_mut()),
            "the evicted connection is told to close"
        );
        let e = connections.admit().expect("then a");
        let _busy_d = Busy::new(&d.state);
        let _busy_e = Busy::new(&e.state);
        assert!(connections.admit().is_none(), "all busy: refused");
        drop(d);
        assert!(
            connections.admit().is_some(),
            "a closed connection frees its place"
        );
    }

    /// Polls a future once with a no-op waker; true when it was ready.
    fn futures_poll_once<F: std::future::Future>(future: std::pin::Pin<&mut F>) -> bool {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        future.poll(&mut cx).is_ready()
    }
}
