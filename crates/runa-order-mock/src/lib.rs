//! A local server that behaves like the Runa order API (version 2024-02-05), for contract tests.
//!
#![doc = include_str!("../README.md")]
//!
//! # Behaviour
//!
//! * `X-Api-Key` is required (`401 unauthorized`; a key outside [`Config::api_keys`] is
//!   `401 invalid_api_key`). `X-Api-Version` may be absent or `2024-02-05`; a removed version
//!   is `410 version_removed`, any other `400 invalid_version`. Answers carry `X-Api-Version`.
//! * Request bodies are checked against the spec with the validator's strict reader, so the
//!   mock and `runa-order-validator` refuse the same bodies. A failure is
//!   `422 validation_error` whose `details` give the `location` as path segments
//!   (`["items", "0", "face_value"]`), at most [`Limits::max_validation_details`] of them (the
//!   last one, of type `more_errors`, then says how many more there are). Text that is not
//!   one JSON document (bad syntax, a repeated key, a number beyond `f64`) is
//!   `400 bad_request`, whose message gives the line and column.
//! * Sync orders answer `200` with the completed order; more than one item in sync mode is
//!   `400 invalid_execution_mode` (the rule of `spec/operations.json`). Async orders answer
//!   `202` and read as `PROCESSING` until [`Config::async_delay`] has passed, then `COMPLETED`.
//! * Products come from the [`Catalogue`]: unknown products and face values a product does
//!   not allow are `400 product_validation_error`; a product currency other than the payment
//!   currency is `400 currency_mismatch` (the mock does no Embedded FX). The default catalogue
//!   accepts any well-formed product code at face value, so `AMZ-US` and friends work.
//! * Orders belong to the API key that placed them, as idempotency keys do: `GET /order/{id}`
//!   of another key's order is `404 not_found`, and `GET /order` lists only the caller's own.
//! * `GET /order` lists newest first with opaque cursors; `limit` is 1 to 500 (default 100);
//!   `before` with `after`, a bad cursor or a bad limit is `400 pagination_error`.
//! * The playground's `X-Trigger-Error: insufficient_funds | internal_server_error` on
//!   `POST /order` gives `400 insufficient_funds` or `500 internal_server_error`. The mock also
//!   takes any other documented error type that `POST /order` answers with
//!   (`ordering_restricted`, `timeout`, `validation_error`, …), with its documented status.
//! * Every answer is checked against the spec as it is sent (a large one on the blocking
//!   pool); a mismatch (a bug of the mock) is recorded in [`MockServer::spec_violations`].
//! * State is in memory, each part within a bound of [`Limits`], the oldest going first (see
//!   below): orders are never lost while within the bounds, nor stored twice. One lock guards
//!   it, held only to look up, take references and insert: an order is stored as the JSON of
//!   its answers, written once when it is made, and shared, so reading or listing orders
//!   never copies them under the lock.
//! * Requests refused before they are processed (API key, version, the rate limit, injected
//!   `429`/`500`, a missing or too long idempotency key) leave nothing behind: not even an
//!   entry in the request log ([`MockServer::requests`]), which keeps the newest
//!   [`Limits::request_log_capacity`] requests. [`MockServer::state_size`] tells what the
//!   state holds.
//!
//! # Nulls
//!
//! The types leave an absent optional member out; where the API sends `null` instead, the
//! mock sends `null` too, so that a client tested against it meets the shapes of the API:
//!
//! * `description` and `metadata` of an order placed without them (in the sync answer,
//!   `GET /order/{id}`, and `description` in a list's rows): the spec says "`null` when not
//!   provided";
//! * `expiry_date` of every payout: the mock has no link expiry, and the API sets it to
//!   `null` "if your account does not have expiry of links enabled";
//! * `fx` of every entry of `transaction_detail`: the mock converts no currency, and the API
//!   sends `null` when no conversion took place;
//! * `help` of a `422` answer, as in the API's examples.
//!
//! Other optional members (an `APIErrorResponse`'s `help`, an estimate's
//! `transaction_detail`) are left out, as the API's examples do.
//!
//! # Money
//!
//! Amounts are exact (`rust_decimal`), never `f64`:
//!
//! * A face value is read from the request's JSON text and rounded to cents, half away from
//!   zero (`10.555` is `10.56`); the catalogue check, the price and the totals use the
//!   rounded value.
//! * A face value above [`MAX_AMOUNT`] (just under 10^24) is valid JSON the spec allows, but
//!   the mock cannot represent it: `422 validation_error`, one detail of type `maximum` at its
//!   location.
//! * A price is the face value times `1 - discount`, rounded to cents half away from zero:
//!   never above the face value, never below zero, so no discount is negative. Totals are
//!   exact sums. Money strings have two decimals (`"10.00"`); the estimate's amounts are JSON
//!   numbers with two decimals, written exactly; a discount multiplier has at least two
//!   decimals (`"0.10"`).
//! * The catalogue's amounts ([`Product`], [`FaceValues`]) are `f64` values written in a
//!   test; each is taken as the shortest decimal that reads back as that `f64` (`0.04` is
//!   exactly `0.04`). A discount outside 0 to 1, or a face value that is not a positive amount
//!   up to [`MAX_AMOUNT`], is refused when the server starts.
//!
//! # Limits
//!
//! Every input is bounded; [`Limits`] has the defaults, and the program takes them as flags:
//!
//! * Headers must arrive within [`Limits::header_read_timeout`] (10 s, also the idle time of
//!   a kept-alive connection) and fit in [`Limits::max_header_bytes`] (64 KiB); a body within
//!   [`Limits::body_read_timeout`] (10 s, else `408`) and [`Limits::max_body_bytes`] (1 MiB,
//!   else `413`). All bodies together hold at most [`Limits::max_body_bytes_in_flight`]
//!   (32 MiB). A body is read only for an operation that takes one and a request whose API
//!   key and version the preamble accepts (others are answered without reading it), and it
//!   takes its share of the budget as its bytes arrive, waiting when the budget is spent:
//!   announcing a large `Content-Length` holds nothing, and the budget is all for
//!   authenticated requests.
//! * What the mock stores is bounded, the oldest going first: [`Limits::max_orders`]
//!   (100,000) and [`Limits::max_order_bytes`] (256 MiB) of orders, an evicted order taking
//!   the record of its idempotency key along; [`Limits::max_idempotency_records`] (100,000)
//!   and [`Limits::max_idempotency_bytes`] (64 MiB) of records of requests that stored no
//!   order, each keeping its answer or, when that is larger, the body it refused (so a
//!   refused request costs about its body, whatever its `422`); the newest
//!   [`Limits::request_log_capacity`] (10,000) requests in the log; the first 1,000 spec
//!   violations. The maps are sized for the bounds when the server starts (up to a million
//!   entries), so they never grow, and never pause every request to rehash, while it runs.
//! * At most [`Limits::max_connections`] (512) connections are served; at the limit the one
//!   idle the longest is closed for a new one, and a new one is closed at once when all are
//!   busy. Accept errors (such as running out of file descriptors) back off from 5 ms to 1 s.
//! * Checking and pricing bodies runs on tokio's blocking pool,
//!   [`Limits::max_concurrent_body_checks`] (2) at once, so a heavy body never holds up the
//!   other connections; a request that waits [`Limits::body_check_wait`] (30 s) for its turn
//!   gets `504 timeout`, with nothing recorded for its idempotency key.
//! * Refusals below the operations answer in the API's error shape (`APIErrorResponse`):
//!   `404 not_found`, `405 method_not_allowed`, `408 request_timeout`,
//!   `413 payload_too_large`, `400 bad_request` for a malformed path or text that is not
//!   HTTP/1.1, `431 headers_too_large` and `414 uri_too_long`; after the last three the
//!   connection is closed.
//!
//! # Idempotency, and what is replayed
//!
//! Keys are scoped to the API key. A new key is marked in progress, the request is processed,
//! and the answer is recorded together with the order it created, in one critical section.
//! A repeat with the same key and the same JSON body replays the recorded status and body;
//! with another body it is `400 idempotency_validation_error`; while the first is still being
//! processed it is `400 idempotency_in_progress`.
//!
//! "The same body" is the same JSON value: whitespace, member order and string escapes do
//! not matter, and numbers are compared as exact decimals read from their text, never through
//! `f64`. `100000000000000001.0` after `100000000000000000.0`, or `1.00499999999999999` after
//! `1.005`, is another order (`400 idempotency_validation_error`). `10`, `10.0`, `10.00` and
//! `1e1` are one decimal value, the same amount, so the same request: the API's replay rule
//! is about the same request, and a client that reads its stored body and writes it again
//! may change how a number is written but not its value. Text that is not JSON is compared
//! byte for byte.
//!
//! A key is remembered as long as its record is kept (see the bounds above): the record of a
//! stored order as long as the order, others until [`Limits::max_idempotency_records`] newer
//! ones push them out; a forgotten key is processed anew, as after the API's 30 days. If the client goes away while its request is in progress
//! and the server stops processing it, the key is freed, so the retry is processed.
//!
//! The official docs say every answer, `5xx` included, is replayed for 30 days, and also
//! that `5xx` should be retried with the same key. The mock settles it this way:
//!
//! * Outcomes of processing are recorded and replayed like real ones, including the errors
//!   of the playground's `X-Trigger-Error` (a replayed `500` stays a `500`), validation
//!   errors and catalogue errors.
//! * Faults injected *before* the idempotency layer ([`Faults::rate_limit_every`],
//!   [`Faults::server_error_every`], the [`RateLimit`]) and the authentication and version
//!   checks record nothing, so a retry with the same key is processed normally. This is what
//!   a failure in front of the API (a load balancer, a crashed worker) looks like, and it is
//!   what lets exactly-once retries be tested.
//! * [`Faults::drop_after_store_every`] stores the order and records its answer, then closes
//!   the connection without answering: the retry replays the recorded answer.
#![deny(missing_docs)]

mod answers;
mod app;
mod bare;
mod config;
mod endpoints;
mod faults;
mod fingerprint;
mod ids;
mod limits;
mod money;
mod openapi;
mod pricing;
mod server;
mod state;
mod validation;
mod views;
mod work;

use std::{net::SocketAddr, sync::Arc};

use tokio::{net::TcpListener, task::JoinHandle};

pub use config::{
    Catalogue, Config, FaceValues, Faults, Limits, Product, RateLimit, Template,
    is_well_formed_code,
};
pub use endpoints::TRIGGER_ERROR_HEADER;
pub use money::MAX_AMOUNT;
pub use openapi::{OPENAPI_DOCUMENT, OPENAPI_PATH};
pub use state::{OrderRecord, RecordedRequest, StateSize};

use app::App;
use server::Shared;

/// A running mock server. Dropping it stops the server and closes its connections.
pub struct MockServer {
    address: SocketAddr,
    app: Arc<App>,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on a random port of 127.0.0.1.
    pub async fn start(config: Config) -> std::io::Result<MockServer> {
        MockServer::bind("127.0.0.1:0".parse().expect("a valid address"), config).await
    }

    /// Starts a server on `address` (port 0 picks a free port). A catalogue the mock cannot
    /// use (a discount outside 0 to 1, a face value that is not a positive amount up to
    /// [`MAX_AMOUNT`]) is an `InvalidInput` error naming the product.
    pub async fn bind(address: SocketAddr, config: Config) -> std::io::Result<MockServer> {
        let app = App::new(config)
            .map_err(|problem| std::io::Error::new(std::io::ErrorKind::InvalidInput, problem))?;
        MockServer::bind_app(address, app).await
    }

    async fn bind_app(address: SocketAddr, app: App) -> std::io::Result<MockServer> {
        let app = Arc::new(app);
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let shared = Shared::new(Arc::clone(&app))
            .map_err(|problem| std::io::Error::new(std::io::ErrorKind::InvalidInput, problem))?;
        let task = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(MockServer {
            address,
            app,
            shared,
            task,
        })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`: the server's origin.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// `http://127.0.0.1:PORT/v2`: the base URL to give a client (the path is the one every
    /// server URL of the spec has, [`runa_order_client::servers::BASE_PATH`]).
    pub fn base_url(&self) -> String {
        format!("{}{}", self.url(), runa_order_client::servers::BASE_PATH)
    }

    /// Replaces the injected faults; their counters start again from zero.
    pub fn set_faults(&self, faults: Faults) {
        self.app
            .faults
            .lock()
            .unwrap_or_else(|it| it.into_inner())
            .set(faults);
    }

    /// How many orders are stored.
    pub fn order_count(&self) -> usize {
        self.app.store.order_count()
    }

    /// Every stored order's ID and idempotency key, in creation order: the newest, within
    /// [`Limits::max_orders`] and [`Limits::max_order_bytes`].
    pub fn orders(&self) -> Vec<OrderRecord> {
        self.app.store.order_records()
    }

    /// The requests processed so far, in order of arrival: the newest
    /// [`Limits::request_log_capacity`] of them. A request refused before it is processed
    /// (API key, version, rate limit, injected `429`/`500`, missing or too long idempotency
    /// key, and requests to unknown paths or over the limits) is not recorded.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.store.requests()
    }

    /// What the server holds right now, in counts and bytes.
    pub fn state_size(&self) -> StateSize {
        StateSize {
            connections: self.shared.connections.count(),
            busy_connections: self.shared.connections.busy_count(),
            body_bytes_in_flight: self.shared.bodies.in_flight(),
            ..self.app.store.size()
        }
    }

    /// Answers the server sent that do not match the spec; empty unless the mock has a bug.
    pub fn spec_violations(&self) -> Vec<String> {
        self.app.store.spec_violations()
    }

    /// Stops the server and closes every connection.
    pub fn stop(self) {
        self.task.abort();
    }
}

#[cfg(test)]
impl MockServer {
    /// Starts a server on loopback whose body checks (or, with `pages`, the writing of each
    /// page of a list) each wait on `hold` on their blocking thread, as long computations
    /// would.
    pub(crate) async fn start_held(
        config: Config,
        hold: Arc<work::tests::Hold>,
        pages: bool,
    ) -> std::io::Result<MockServer> {
        let mut app = App::new(config)
            .map_err(|problem| std::io::Error::new(std::io::ErrorKind::InvalidInput, problem))?;
        if pages {
            app.page_hold = Some(hold);
        } else {
            app.work.hold = Some(hold);
        }
        MockServer::bind_app("127.0.0.1:0".parse().expect("a valid address"), app).await
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
