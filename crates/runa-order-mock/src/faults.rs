//! The injected faults with their counters, and the rate limit's window.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::config::{Faults, RateLimit};

/// The faults a test asked for, and how many requests each has counted.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub(crate) faults: Faults,
    rate_limits: u64,
    server_errors: u64,
    stored: u64,
}

/// A fault injected into a request before it is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Injected {
    /// `429` with this `Retry-After`, in seconds.
    RateLimit { retry_after: u64 },
    /// `500 internal_server_error`.
    ServerError,
}

impl FaultState {
    /// New faults; their counters start again from zero.
    pub(crate) fn set(&mut self, faults: Faults) {
        *self = FaultState {
            faults,
            ..FaultState::default()
        };
    }

    /// Counts a request that faults may hit before it is processed, and says which fault,
    /// if any, hits it (a `429` wins over a `500` that falls on the same request).
    pub(crate) fn before_processing(&mut self) -> Option<Injected> {
        if every(self.faults.rate_limit_every, &mut self.rate_limits) {
            return Some(Injected::RateLimit {
                retry_after: self.faults.retry_after_secs,
            });
        }
        every(self.faults.server_error_every, &mut self.server_errors)
            .then_some(Injected::ServerError)
    }

    /// Counts an order that was stored, and says whether its connection is to be dropped.
    pub(crate) fn drop_after_store(&mut self) -> bool {
        every(self.faults.drop_after_store_every, &mut self.stored)
    }

    /// The wait before processing a request, if one is asked for.
    pub(crate) fn delay(&self) -> Option<Duration> {
        self.faults.delay
    }
}

/// True on every `n`-th call, counting in `counter`.
fn every(n: Option<u32>, counter: &mut u64) -> bool {
    match n {
        Some(n) if n > 0 => {
            *counter += 1;
            (*counter).is_multiple_of(u64::from(n))
        }
        _ => false,
    }
}

/// The requests counted in the current window of the rate limit.
#[derive(Debug)]
struct Window {
    started: Instant,
    requests: u32,
}

/// A fixed-window rate limit; with no [`RateLimit`], nothing is limited.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    window: Mutex<Window>,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            window: Mutex::new(Window {
                started: Instant::now(),
                requests: 0,
            }),
        }
    }

    /// Counts a request; `Some(retry_after)`, in whole seconds, when it is over the limit.
    pub(crate) fn count(&self) -> Option<u64> {
        let limit = self.limit?;
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|it| it.into_inner());
        if now.duration_since(window.started) >= limit.window {
            *window = Window {
                started: now,
                requests: 0,
            };
        }
        window.requests += 1;
        if window.requests > limit.requests {
            let left = limit
                .window
                .saturating_sub(now.duration_since(window.started));
            Some(left.as_secs().max(1))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fall_on_every_nth_request_and_a_429_wins() {
        let mut state = FaultState::default();
        state.set(Faults {
            rate_limit_every: Some(2),
            server_error_every: Some(3),
            retry_after_secs: 7,
            ..Faults::default()
        });
        let seen: Vec<_> = (0..6).map(|_| state.before_processing()).collect();
        let limited = Some(Injected::RateLimit { retry_after: 7 });
        assert_eq!(
            seen,
            [
                None,
                limited,
                None,
                limited,
                Some(Injected::ServerError),
                limited
            ]
        );
        assert!(!state.drop_after_store());
    }

    #[test]
    fn the_rate_limit_counts_within_its_window() {
        let limiter = RateLimiter::new(Some(RateLimit {
            requests: 2,
            window: Duration::from_secs(3600),
        }));
        assert_eq!(limiter.count(), None);
        assert_eq!(limiter.count(), None);
        assert!(limiter.count().is_some_and(|it| it > 3000));
        assert_eq!(RateLimiter::new(None).count(), None);
    }
}
