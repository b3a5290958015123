//! Retries: the policy, exponential backoff with full jitter, and the injectable clock, sleep and key source.

use std::{
    fmt,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::future::BoxFuture;

/// How the client retries a request that failed in a way that may pass.
///
/// Retried: connection errors, timeouts, `5xx`, `429` and `idempotency_in_progress`; nothing
/// else. The wait before retry `n` (1-based) is a random duration between zero and
/// `min(max_delay, base_delay × 2ⁿ⁻¹)` ("full jitter"), and at least the `Retry-After` the
/// API asked for (or [`RetryPolicy::rate_limit_delay`] after a `429` without one). A retry
/// that could not start before the call's deadline is not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most requests one call sends, the first included. `1` disables retries.
    pub max_attempts: u32,
    /// The ceiling of the first wait; it doubles with every retry.
    pub base_delay: Duration,
    /// The cap of the computed wait (a longer `Retry-After` is still honoured).
    pub max_delay: Duration,
    /// The wait after a `429` that carries no `Retry-After`; the docs ask for at least 5 seconds.
    pub rate_limit_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            rate_limit_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request once.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), for a uniformly random
    /// `fraction` in `[0, 1)` and the wait the API asked for, if any.
    pub fn wait(&self, retry: u32, fraction: f64, asked: Option<Duration>) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let ceiling = self.base_delay.saturating_mul(doubling).min(self.max_delay);
        let jittered = ceiling.mul_f64(fraction.clamp(0.0, 1.0));
        match asked {
            Some(asked) => jittered.max(asked),
            None => jittered,
        }
    }
}

/// Per-request time limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The longest one attempt may take, from sending to the end of the answer's body.
    pub attempt: Duration,
    /// The longest a whole call may take, retries and waits included. The last attempt is cut
    /// short so that the call ends by then.
    pub deadline: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            attempt: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
        }
    }
}

/// The time source the client measures deadlines with.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// How the client waits between attempts.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Where idempotency keys come from when the caller gives none.
pub trait KeySource: Send + Sync + fmt::Debug {
    /// A new key, unique for every call.
    fn new_key(&self) -> String;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// Real waits, on tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Random v4 UUIDs, as the API documentation suggests.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidKeys;

impl KeySource for UuidKeys {
    fn new_key(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// A clock that only moves when something sleeps on it, for tests: waits return at once, the
/// clock advances by the wait, and every wait is recorded.
///
/// Use the same value as the client's [`Clock`] and [`Sleeper`]. The time limit of each
/// attempt is still measured on the real clock (tokio's timer).
#[derive(Debug, Clone)]
pub struct ManualTime {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: Instant,
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl ManualTime {
    /// A clock at an arbitrary start, with no waits recorded.
    pub fn new() -> ManualTime {
        ManualTime {
            inner: Arc::new(Mutex::new(ManualState {
                start: Instant::now(),
                elapsed: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Every wait so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// How far the clock has moved.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    /// Moves the clock forward without recording a wait.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.elapsed = state.elapsed.saturating_add(by);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        // A panic while holding this lock cannot leave the state inconsistent.
        self.inner.lock().unwrap_or_else(|it| it.into_inner())
    }
}

impl Default for ManualTime {
    fn default() -> ManualTime {
        ManualTime::new()
    }
}

impl Clock for ManualTime {
    fn now(&self) -> Instant {
        let state = self.lock();
        // A clock moved past what `Instant` holds stays at the latest instant it can show.
        let mut elapsed = state.elapsed;
        loop {
            if let Some(it) = state.start.checked_add(elapsed) {
                return it;
            }
            elapsed /= 2;
        }
    }
}

impl Sleeper for ManualTime {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.lock();
        state.elapsed = state.elapsed.saturating_add(duration);
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_and_are_jittered() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            rate_limit_delay: Duration::from_secs(5),
        };
        let full = |retry| policy.wait(retry, 1.0, None);
        assert_eq!(full(1), Duration::from_millis(100));
        assert_eq!(full(2), Duration::from_millis(200));
        assert_eq!(full(4), Duration::from_millis(800));
        assert_eq!(full(5), Duration::from_millis(1000));
        assert_eq!(full(60), Duration::from_millis(1000));
        assert_eq!(policy.wait(3, 0.5, None), Duration::from_millis(200));
        assert_eq!(policy.wait(3, 0.0, None), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_a_lower_bound_even_above_the_cap() {
        let policy = RetryPolicy::default();
        let asked = Duration::from_secs(30);
        assert_eq!(policy.wait(1, 0.9, Some(asked)), asked);
        assert_eq!(
            policy.wait(1, 1.0, Some(Duration::ZERO)),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn manual_time_moves_only_when_slept() {
        let time = ManualTime::new();
        let start = time.now();
        futures::executor::block_on(time.sleep(Duration::from_secs(3)));
        assert_eq!(time.now() - start, Duration::from_secs(3));
        assert_eq!(time.sleeps(), vec![Duration::from_secs(3)]);
    }
}
