//! CPU-heavy request work (checking and pricing bodies) on tokio's blocking pool, a bounded number at a time, so that it never holds up the async workers that serve every other connection.

use std::{sync::Arc, time::Duration};

use tokio::sync::Semaphore;

/// Why a job gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotDone {
    /// No place was free within the wait.
    Busy,
    /// The job panicked (a bug of the mock).
    Failed,
}

/// Runs jobs on the blocking pool, at most `max` at once.
#[derive(Debug)]
pub(crate) struct Work {
    permits: Arc<Semaphore>,
    wait: Duration,
    #[cfg(test)]
    pub(crate) hold: Option<Arc<tests::Hold>>,
}

impl Work {
    /// At most `max` jobs at once; a job waits at most `wait` for its place.
    pub(crate) fn new(max: usize, wait: Duration) -> Work {
        Work {
            permits: Arc::new(Semaphore::new(max.max(1))),
            wait,
            #[cfg(test)]
            hold: None,
        }
    }

    /// Runs `job` on a blocking thread once one of the `max` places is free, and gives its
    /// result. A job keeps its place until it ends, even when the request that started it
    /// is abandoned, so the bound holds for every job running.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, NotDone>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(self.wait, Arc::clone(&self.permits).acquire_owned())
            .await
            .map_err(|_| NotDone::Busy)?
            .map_err(|_| NotDone::Failed)?;
        #[cfg(test)]
        let hold = self.hold.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            #[cfg(test)]
            if let Some(hold) = hold {
                hold.enter_and_wait();
            }
            job()
        })
        .await
        .map_err(|_| NotDone::Failed)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::{
        sync::{Arc, Condvar, Mutex},
        time::Duration,
    };

    use crate::{Config, Limits, MockServer};

    /// A test's stand-in for a CPU-heavy job: holds its blocking thread, as a long
    /// computation would, until the test releases it, and counts the jobs holding one.
    #[derive(Debug, Default)]
    pub(crate) struct Hold {
        state: Mutex<HoldState>,
        changed: Condvar,
    }

    #[derive(Debug, Default)]
    struct HoldState {
        /// Jobs being held.
        holding: usize,
        /// Set once the test lets every job go.
        released: bool,
    }

    impl Hold {
        pub(crate) fn enter_and_wait(&self) {
            let mut state = self.state.lock().unwrap();
            state.holding += 1;
            self.changed.notify_all();
            while !state.released {
                state = self.changed.wait(state).unwrap();
            }
            state.holding -= 1;
            self.changed.notify_all();
        }

        /// How many jobs are being held right now.
        pub(crate) fn holding(&self) -> usize {
            self.state.lock().unwrap().holding
        }

        /// Blocks until `n` jobs are held, at most `patience`; whether they are.
        pub(crate) fn wait_for(&self, n: usize, patience: Duration) -> bool {
            let state = self.state.lock().unwrap();
            let (state, _) = self
                .changed
                .wait_timeout_while(state, patience, |it| it.holding < n)
                .unwrap();
            state.holding >= n
        }

        /// Lets every job go on, now and later.
        pub(crate) fn release(&self) {
            self.state.lock().unwrap().released = true;
            self.changed.notify_all();
        }
    }

    const PATIENCE: Duration = Duration::from_secs(60);

    /// A mock whose body checks are held, on a runtime of its own with two async worker
    /// threads, and a single-threaded runtime for the test's requests. Dropped (even when an
    /// assertion fails), it lets the held checks go, so that both runtimes can stop.
    struct Held {
        hold: Arc<Hold>,
        mock: MockServer,
        server: Option<tokio::runtime::Runtime>,
        client: tokio::runtime::Runtime,
        http: reqwest::Client,
    }

    impl Held {
        fn start(limits: Limits) -> Held {
            Held::start_at(limits, false)
        }

        /// A mock whose pages of lists (instead of its body checks) are held.
        fn start_at(limits: Limits, pages: bool) -> Held {
            let hold = Arc::new(Hold::default());
            let server = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            let config = Config {
                limits,
                async_delay: Duration::ZERO,
                ..Config::default()
            };
            let mock = server
                .block_on(MockServer::start_held(config, Arc::clone(&hold), pages))
                .unwrap();
            let client = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let http = reqwest::Client::builder()
                .timeout(PATIENCE)
                .build()
                .unwrap();
            Held {
                hold,
                mock,
                server: Some(server),
                client,
                http,
            }
        }

        /// A `POST /order` of one item with this idempotency key.
        fn post(&self, key: &str) -> reqwest::RequestBuilder {
            let body = serde_json::json!({
                "payment_method": {"type": "ACCOUNT_BALANCE", "currency": "USD"},
                "items": [{
                    "face_value": 10,
                    "distribution_method": {"type": "EMAIL", "email_address": "fred@example.com"},
                    "products": {"type": "SINGLE", "value": "AMZ-US"}
                }]
            });
            self.http
                .post(format!("{}/order", self.mock.base_url()))
                .header("X-Api-Key", "XXtest.key")
                .header("X-Idempotency-Key", key)
                .body(body.to_string())
        }

        /// Waits until `n` checks are held.
        async fn wait_for(&self, n: usize) {
            let waiting = tokio::task::spawn_blocking({
                let hold = Arc::clone(&self.hold);
                move || hold.wait_for(n, PATIENCE)
            });
            assert!(waiting.await.unwrap(), "the held jobs start");
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            self.hold.release();
            if let Some(server) = self.server.take() {
                server.shutdown_background();
            }
        }
    }

    /// Issue 18, item 7: a single-order `GET` is not held up behind lists of `limit=500`.
    /// Four lists are in flight, each held while its page is written; twenty `GET`s of one
    /// order are answered, one after the other, before any list is. A page written under
    /// the store's lock would hold every `GET` up (they need the lock to find the order), and
    /// one written on the async threads would hold both of the server's two; the verdict is
    /// the order of events, not a duration.
    #[test]
    fn single_gets_are_answered_while_long_lists_are_written() {
        let held = Held::start_at(Limits::default(), true);
        held.client.block_on(async {
            let mut ids = Vec::new();
            for n in 0..20 {
                let response = held.post(&format!("order-{n}")).send().await.unwrap();
                assert_eq!(response.status(), 202);
                let placed: serde_json::Value = response.json().await.unwrap();
                ids.push(placed["id"].as_str().unwrap().to_owned());
            }
            let get = |path: String| {
                held.http
                    .get(format!("{}{path}", held.mock.base_url()))
                    .header("X-Api-Key", "XXtest.key")
                    .send()
            };
            let lists: Vec<_> = (0..4)
                .map(|_| tokio::spawn(get("/order?limit=500".to_owned())))
                .collect();
            held.wait_for(4).await;
            for id in &ids {
                let answered = tokio::time::timeout(PATIENCE, get(format!("/order/{id}"))).await;
                let response = answered
                    .expect("a GET is answered while the lists are written")
                    .unwrap();
                assert_eq!(response.status(), 200);
                let order: serde_json::Value = response.json().await.unwrap();
                assert_eq!(order["id"].as_str(), Some(id.as_str()));
            }
            assert_eq!(held.hold.holding(), 4, "every list is still being written");
            assert!(
                lists.iter().all(|it| !it.is_finished()),
                "no list was answered"
            );
            held.hold.release();
            for list in lists {
                let response = list.await.unwrap().unwrap();
                assert_eq!(response.status(), 200);
                let page: serde_json::Value = response.json().await.unwrap();
                assert_eq!(page["items"].as_array().unwrap().len(), 20);
            }
        });
        assert!(held.mock.spec_violations().is_empty());
    }

    /// Item 13: while body checks hold every place of the bound (and more requests wait for
    /// one), a cheap `GET` is answered. The server runs on two async worker threads, fewer
    /// than the held checks, so a check that ran on a worker would stall the `GET` until the
    /// hold is released; the verdict is the order of events, not a duration.
    #[test]
    fn a_cheap_request_is_answered_while_heavy_checks_run() {
        let held = Held::start(Limits {
            max_concurrent_body_checks: 2,
            ..Limits::default()
        });
        held.client.block_on(async {
            let posts: Vec<_> = (0..3)
                .map(|n| {
                    let request = held.post(&format!("heavy-{n}"));
                    tokio::spawn(async move { request.send().await.map(|it| it.status()) })
                })
                .collect();
            held.wait_for(2).await;
            let get = held
                .http
                .get(format!("{}/order", held.mock.base_url()))
                .header("X-Api-Key", "XXtest.key")
                .send();
            let answered = tokio::time::timeout(PATIENCE, get).await;
            let status = answered
                .expect("the GET is answered while the checks hold their threads")
                .unwrap()
                .status();
            assert_eq!(status, 200);
            assert_eq!(held.hold.holding(), 2, "the third check waits for a place");
            assert!(
                posts.iter().all(|it| !it.is_finished()),
                "no POST was answered yet"
            );
            held.hold.release();
            for post in posts {
                assert_eq!(post.await.unwrap().unwrap(), 202);
            }
        });
        assert!(held.mock.spec_violations().is_empty());
    }

    /// A request that waits longer than `body_check_wait` for a place gets `504 timeout`,
    /// and nothing is recorded for its key: the retry with the same key is processed.
    #[test]
    fn a_body_check_that_waits_too_long_gets_504_and_records_nothing() {
        let held = Held::start(Limits {
            max_concurrent_body_checks: 1,
            body_check_wait: Duration::from_millis(300),
            ..Limits::default()
        });
        held.client.block_on(async {
            let first = tokio::spawn(held.post("first").send());
            held.wait_for(1).await;
            let second = held.post("second").send().await.unwrap();
            assert_eq!(second.status(), 504);
            let body: serde_json::Value = second.json().await.unwrap();
            assert_eq!(body["type"], "timeout");
            assert_eq!(held.hold.holding(), 1, "the first check was still running");
            assert_eq!(held.mock.state_size().idempotency_keys, 0);
            held.hold.release();
            assert_eq!(first.await.unwrap().unwrap().status(), 202);
            assert_eq!(
                held.post("second").send().await.unwrap().status(),
                202,
                "the retry is processed"
            );
        });
        assert_eq!(held.mock.order_count(), 2);
        assert!(held.mock.spec_violations().is_empty());
    }
}
