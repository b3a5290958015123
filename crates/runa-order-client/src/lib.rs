//! An async client for the Runa order API (version 2024-02-05) that places every order exactly once.
//!
#![doc = include_str!("../README.md")]
//!
//! # In detail
//!
//! * [`Client::create_order`] sends an idempotency key (given, or a new v4 UUID) and sends the
//!   same key and the same body on every retry, so a timeout or a dropped connection never
//!   places an order twice. The key comes back with the result and with every error
//!   ([`CreateResponse`], [`CreateError`]) so that a caller can store it and retry after a crash.
//! * Retries follow a [`RetryPolicy`]: connection errors, timeouts, `5xx`, `429` and
//!   `idempotency_in_progress` are retried with exponential backoff and full jitter, a cap per
//!   wait, a maximum number of attempts and a deadline per call; `Retry-After` is honoured.
//!   Other `4xx` answers are never retried. The [`Clock`], the [`Sleeper`] and the
//!   [`KeySource`] can be replaced, so tests run instantly ([`ManualTime`]).
//! * Errors are typed ([`Error`]): API errors carry the documented [`ApiErrorType`], a `422`
//!   its details, a `429` its wait, and an answer that does not match the spec its status, a
//!   short excerpt and the serde path of the mismatch. A bad answer never panics.
//! * **A failed `create_order` may still have placed the order.** While
//!   [`CreateError::order_may_exist`] is true (a timeout, a dropped connection, a `5xx`,
//!   `idempotency_in_progress`, a `2xx` whose body did not decode…), never place the order
//!   again under a new key: retry with the same key and body, or look the order up
//!   ([`CreateError::order_id`] gives its ID whenever an answer carried one).
//!   [`CreateError::is_retryable`] answers another question (may the same request get another
//!   answer?) and is false for a `2xx` that did not decode.
//! * To know whether an order is finished, ask its status:
//!   [`GetSingleOrderResponse::is_final`](runa_order_types::GetSingleOrderResponse::is_final)
//!   (`COMPLETED` or `FAILED`), never the shape of the body.
//! * Limits: each attempt has one time limit for sending, reading, decoding and checking the
//!   answer (decoding runs on tokio's blocking threads, off the runtime), and bodies are capped
//!   while they stream in ([`ClientBuilder::max_response_bytes`], 8 MiB by default).
//! * Checks before sending: `sync` with more than one item, an empty idempotency key, bounds
//!   of query parameters, and (with `validate_requests`, on by default) the body against the
//!   spec. So by default a bad body is an [`Error::Refused`] typed `validation_error`, and
//!   never the API's `422` ([`Error::Validation`]); [`Client::with_validate_requests`]`(false)`
//!   sends it as it is, to see the API's answer.
//! * [`Client::list_all_orders`] returns [`AllOrders`], an `Unpin` stream: `.next().await`
//!   works on it without pinning. A server whose cursors loop, or a list longer than
//!   [`ClientBuilder::max_list_pages`], ends it with [`Error::Pagination`].
//! * The API key and the credentials of a URL never appear in `Debug` output, errors or
//!   messages; text from an answer reaches an error message with its control characters
//!   escaped and its e-mail addresses redacted.
//! * Redirects are never followed: a `3xx` answer is an [`Error::Redirected`] (for
//!   `create_order`, one after which the order may exist), because a redirected `POST` can
//!   go out again as a `GET`, and the API key would go along to the new URL.
//!
//! The operation-specific code (header names, the API version, each operation's request
//! builder and status-to-body mapping, [`ApiErrorType`]) is generated from `spec/` into
//! `generated.rs` by `cargo xtask codegen`; the runtime around it is hand-written.
#![deny(missing_docs)]

mod client;
// `decode`, `query` and `transport` are public but hidden only so that the codegen tests
// (`codegen-compiled`, `tests/compiled`) can compile the client generated for each of their fixtures
// against this runtime; they are not part of the API.
#[doc(hidden)]
pub mod decode;
mod error;
// The lints the generated code allows on purpose are allowed at its top (see ARCHITECTURE.md,
// "Lints the generated code allows").
#[rustfmt::skip]
mod generated;
mod operation;
mod pagination;
#[doc(hidden)]
pub mod query;
mod redact;
mod retry;
#[doc(hidden)]
pub mod transport;
mod validation;

pub use client::{
    ApiKey, BuildError, Client, ClientBuilder, CreateOptions, CreateResponse, Created,
    DECODE_OFF_THREAD_BYTES, DEFAULT_MAX_RESPONSE_BYTES,
};
pub use error::{
    ApiError, CreateError, Error, RateLimited, Redirected, Refusal, ResponseTooLarge,
    RuleViolation, SpecMismatch, TransportError, UnexpectedResponse, ValidationDetail,
    ValidationFailure,
};
pub use generated::{
    API_VERSION, ApiErrorType, ExecutionMode, REMOVED_API_VERSIONS, headers, servers,
};
pub use pagination::{AllOrders, DEFAULT_MAX_LIST_PAGES, PaginationError};
pub use query::QueryError;
pub use retry::{
    Clock, KeySource, ManualTime, RetryPolicy, Sleeper, SystemClock, Timeouts, TokioSleeper,
    UuidKeys,
};

/// The generated description of each operation: method, path, documented statuses and the
/// schema of each status's body (together as its `OPERATION`), the request body's type,
/// the query parameters with their defaults and a parser, and `check_rules` for the rules
/// the schema cannot say (the mock server uses these).
pub mod operations {
    pub use crate::generated::{
        ALL, create_order, estimate_order_price, get_list_of_orders, get_single_order,
    };
    pub use crate::operation::Operation;
}

/// The query parameters of [`Client::list_orders`]: `limit` (1 to 500), `before`, `after`.
pub type ListOrdersParams = operations::get_list_of_orders::Query;

/// The body types of the API, re-exported from `runa-order-types`.
pub use runa_order_types as types;

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    /// The `.rs` files below `dir`, with their text.
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|it| it == "rs") {
                out.push((
                    path.display().to_string(),
                    fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }

    /// The crates link bodies by type: neither the client nor the mock turns a `$defs` name
    /// back into a schema, so a name that the spec no longer has cannot fail at run time.
    #[test]
    fn no_source_of_the_client_or_the_mock_looks_a_schema_up_by_name() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../runa-order-mock/src"), &mut files);
        assert!(files.len() > 20, "{}", files.len());
        let lookup = ["Kind::", "from_name"].concat();
        for (path, text) in &files {
            assert!(!text.contains(&lookup), "{path} calls {lookup}");
        }
    }
}
