//! The client's errors: what went wrong, whether retrying can help, and nothing secret or personal.

use std::{fmt, time::Duration};

use crate::{
    ApiErrorType,
    pagination::PaginationError,
    redact::{printable, printable_url},
};

/// Everything a call to the API can fail with.
///
/// [`Error::is_retryable`] says whether the same request may succeed later; the client has
/// already retried those as far as its [`RetryPolicy`](crate::RetryPolicy) allows. Whether an
/// order may have been placed is a different question, answered by
/// [`CreateError::order_may_exist`]. Messages never contain the API key or a URL's
/// credentials; in text that came from a response, e-mail addresses are replaced by
/// `<email>` and control characters are escaped (`\n`, `\u{1b}`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with an error body (`400`, `401`, `403`, `404`, `410`, `5xx`, …).
    #[error("{0}")]
    Api(ApiError),
    /// The API refused the request body (`422`), with every problem it found.
    #[error("{0}")]
    Validation(ValidationFailure),
    /// The API's rate limit was reached (`429`).
    #[error("{0}")]
    RateLimited(RateLimited),
    /// The request could not be sent or its answer could not be read: connection refused or
    /// reset, TLS failure, a connection dropped before the answer was complete.
    #[error("{0}")]
    Transport(TransportError),
    /// No complete and checked answer in time: the attempt's timeout or the call's deadline
    /// passed while the client connected, sent, read the answer, or decoded and checked it.
    #[error("no complete answer within {} ms", after.as_millis())]
    Timeout {
        /// How long the last attempt waited.
        after: Duration,
    },
    /// The answer's body is larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); the
    /// client stopped reading it at the limit.
    #[error("{0}")]
    ResponseTooLarge(ResponseTooLarge),
    /// The answer does not match the spec: an undocumented status, or a body that is not JSON
    /// or not of the documented type.
    #[error("{0}")]
    UnexpectedResponse(UnexpectedResponse),
    /// Response validation is on and the answer's body breaks the spec's schema.
    #[error("{0}")]
    SpecMismatch(SpecMismatch),
    /// The API answered with a redirect (`3xx`). The client follows no redirect: a redirected
    /// `POST` can be sent again as a `GET` (on `301`, `302` and `303`), and the API key would
    /// go along to wherever the redirect points. For `create_order` the order may exist all the
    /// same (a `303` is the usual answer *after* a `POST` was processed).
    #[error("{0}")]
    Redirected(Redirected),
    /// The client refused to send the request, because the API would certainly refuse it.
    #[error("{0}")]
    Refused(Refusal),
    /// [`Client::list_all_orders`](crate::Client::list_all_orders) stopped: the server gave
    /// an `after` cursor met before, or the stream read its limit of pages.
    #[error("{0}")]
    Pagination(PaginationError),
}

impl Error {
    /// True when sending the same request again (with the same idempotency key) may give
    /// another answer: connection errors, timeouts, `5xx`, `429`, and `idempotency_in_progress`
    /// whatever its status. The client retries these itself, within its policy.
    ///
    /// False does not mean that nothing happened: a `2xx` answer whose body does not decode is
    /// not retryable (the API would replay the same body), yet the order exists. For
    /// `create_order`, decide with [`CreateError::order_may_exist`] before placing an order
    /// again under a new key.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(it) => it.is_retryable(),
            Error::Validation(_) | Error::Refused(_) => false,
            Error::RateLimited(_) | Error::Transport(_) | Error::Timeout { .. } => true,
            Error::UnexpectedResponse(it) => retryable_status(it.status),
            Error::SpecMismatch(it) => retryable_status(it.status),
            Error::ResponseTooLarge(it) => retryable_status(it.status),
            // The same request gets the same redirect; the base URL needs fixing.
            Error::Redirected(_) => false,
            // The server's cursors loop, or the list is longer than the limit.
            Error::Pagination(_) => false,
        }
    }

    /// True when the request this error ended may have been processed by the API, so that an
    /// order sent with it may have been stored. See [`CreateError::order_may_exist`] for the
    /// rule; this is its verdict for one attempt.
    pub(crate) fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Api(it) => {
                it.error_type == ApiErrorType::IdempotencyInProgress || !is_client_error(it.status)
            }
            Error::Validation(it) => !is_client_error(it.status),
            // The rate limit refuses a request before the API looks at it; listing reads.
            Error::RateLimited(_) | Error::Refused(_) | Error::Pagination(_) => false,
            // Nothing left the client when the connection could not be made; otherwise the
            // request may have arrived, and a status seen before the body was cut says no more
            // than an unreadable body does.
            Error::Transport(it) => match it.status {
                Some(status) => status_may_mean_processed(status),
                None => it.maybe_sent,
            },
            Error::Timeout { .. } => true,
            Error::UnexpectedResponse(it) => status_may_mean_processed(it.status),
            Error::SpecMismatch(it) => status_may_mean_processed(it.status),
            Error::ResponseTooLarge(it) => status_may_mean_processed(it.status),
            // A server may redirect after processing a `POST` (`303 See Other`), and a
            // redirect that was followed sent the request twice.
            Error::Redirected(_) => true,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(it) => Some(it.status),
            Error::Validation(it) => Some(it.status),
            Error::RateLimited(_) => Some(429),
            Error::UnexpectedResponse(it) => Some(it.status),
            Error::SpecMismatch(it) => Some(it.status),
            Error::ResponseTooLarge(it) => Some(it.status),
            Error::Redirected(it) => Some(it.status),
            Error::Transport(it) => it.status,
            Error::Timeout { .. } | Error::Refused(_) | Error::Pagination(_) => None,
        }
    }

    /// The documented error type, for API errors, validation failures and refusals that
    /// correspond to one.
    pub fn api_error_type(&self) -> Option<&ApiErrorType> {
        match self {
            Error::Api(it) => Some(&it.error_type),
            Error::Validation(it) => Some(&it.error_type),
            Error::Refused(it) => it.error_type.as_ref(),
            _ => None,
        }
    }

    /// A refusal with `reason`; used by the generated checks.
    #[doc(hidden)]
    pub fn refused(reason: impl Into<String>) -> Error {
        Error::Refused(Refusal {
            reason: printable(&reason.into()),
            error_type: None,
        })
    }
}

fn retryable_status(status: u16) -> bool {
    status >= 500 || status == 429 || status == 102
}

/// A `4xx` status: the API refused the request.
fn is_client_error(status: u16) -> bool {
    (400..500).contains(&status)
}

/// Whether an answer with `status`, whose error type is unknown (its body could not be read),
/// may stand for a processed request: anything but a refusal, and `400` too, because
/// `idempotency_in_progress` comes as a `400` and its body is what tells it apart.
fn status_may_mean_processed(status: u16) -> bool {
    !is_client_error(status) || status == 400
}

/// An error body of the API (`APIErrorResponse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The documented `type`; branch on this.
    pub error_type: ApiErrorType,
    /// The human-readable message (e-mail addresses redacted).
    pub message: String,
    /// The human-readable hint, if any (e-mail addresses redacted).
    pub help: Option<String>,
}

impl ApiError {
    /// True for `5xx`, `429`, `102` and `idempotency_in_progress`.
    pub fn is_retryable(&self) -> bool {
        retryable_status(self.status) || self.error_type == ApiErrorType::IdempotencyInProgress
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the API answered {} `{}`: {}",
            self.status, self.error_type, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// A `422` answer (`ValidationErrorResponse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationFailure {
    /// The HTTP status, `422`.
    pub status: u16,
    /// The `type`, `validation_error`.
    pub error_type: ApiErrorType,
    /// The human-readable message (e-mail addresses redacted).
    pub message: String,
    /// The human-readable hint, if any.
    pub help: Option<String>,
    /// Every problem the API found.
    pub details: Vec<ValidationDetail>,
}

/// One problem of a `422` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationDetail {
    /// The machine-readable kind of problem (`value_error.number.not_ge`).
    pub kind: String,
    /// The human-readable description (e-mail addresses redacted).
    pub message: String,
    /// The path to the offending value: `["items", "0", "face_value"]`.
    pub location: Vec<String>,
}

impl fmt::Display for ValidationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the API refused the body ({} `{}`): {}",
            self.status, self.error_type, self.message
        )?;
        for detail in &self.details {
            write!(
                f,
                "; at {}: {} ({})",
                detail.location.join("."),
                detail.message,
                detail.kind
            )?;
        }
        Ok(())
    }
}

/// A `429` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimited {
    /// The wait the API asked for in `Retry-After`, if it did.
    pub retry_after: Option<Duration>,
    /// The `error` text of the body.
    pub message: String,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API's rate limit was reached: {}", self.message)?;
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} s)", wait.as_secs_f64())?;
        }
        Ok(())
    }
}

/// A failure to send the request or to read the answer.
#[derive(Debug)]
pub struct TransportError {
    /// The status of the answer, when the connection failed while its body was read.
    pub status: Option<u16>,
    /// False only when the connection could not be made, so that no byte of the request left
    /// the client; true when the request may have reached the API.
    pub maybe_sent: bool,
    /// What happened, with its causes.
    pub message: String,
    /// The underlying error.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(
                f,
                "transport error while reading the body of a {status} answer: {}",
                self.message
            ),
            None => write!(f, "transport error: {}", self.message),
        }
    }
}

/// An answer that does not match the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `$defs` name the body should have matched, when the status is documented.
    pub expected: Option<&'static str>,
    /// The serde path of the mismatch (`items[0].payout.status`), when the body is JSON.
    pub path: Option<String>,
    /// What is wrong (e-mail addresses redacted).
    pub message: String,
    /// The start of the body, for diagnosis (e-mail addresses redacted).
    pub excerpt: String,
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected answer {}", self.status)?;
        if let Some(expected) = self.expected {
            write!(f, ", expected a `{expected}` body")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(path) = &self.path {
            write!(f, " at `{path}`")?;
        }
        write!(f, "; body starts {:?}", self.excerpt)
    }
}

/// An answer whose body is larger than the client's limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseTooLarge {
    /// The HTTP status.
    pub status: u16,
    /// The limit, in bytes ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    pub limit: u64,
    /// The `Content-Length` of the answer, when it gave one.
    pub content_length: Option<u64>,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the body of the {} answer is larger than the limit of {} bytes (ClientBuilder::max_response_bytes)",
            self.status, self.limit
        )?;
        match self.content_length {
            Some(length) => write!(f, ": its Content-Length is {length}"),
            None => f.write_str("; the client stopped reading at the limit"),
        }
    }
}

/// The most characters of a redirect's target that a [`Redirected`] keeps.
pub(crate) const MAX_LOCATION_CHARS: usize = 200;

/// A redirect the client did not follow, or one that a given reqwest client followed.
///
/// The client builds its reqwest client with no redirects: a redirect is an error, never
/// followed, because on `301`, `302` and `303` a `POST` is sent again as a `GET` (a
/// `create_order` could turn into something else) and the `X-Api-Key` header would go along
/// to the new URL. A reqwest client given to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) keeps its own policy; an
/// answer that came through a redirect it followed is refused too, with `followed` set.
/// Either way, check the base URL (a missing `/v2`, `http` for `https`, an old host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirected {
    /// The `3xx` status; when `followed`, the status of the answer the redirect led to.
    pub status: u16,
    /// Where the redirect pointed (the `Location` header), or, when `followed`, the URL of
    /// the answer: at most 200 characters, without credentials, e-mail addresses in the query
    /// redacted.
    pub location: Option<String>,
    /// True when a reqwest client given to `ClientBuilder::http_client` followed the redirect,
    /// so that the request went out again, possibly as a `GET`.
    pub followed: bool,
}

impl fmt::Display for Redirected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = self
            .location
            .as_deref()
            .unwrap_or("nowhere (no Location header)");
        if self.followed {
            write!(
                f,
                "the answer ({}) came from {location} through a redirect that the reqwest client given to ClientBuilder::http_client followed; the request may have been sent again as a GET, so the answer is not used (build that client with `redirect(reqwest::redirect::Policy::none())`, and check the base URL)",
                self.status
            )
        } else {
            write!(
                f,
                "the API answered {} with a redirect to {location}; the client follows no redirects, because a redirected POST can be sent again as a GET (check the base URL)",
                self.status
            )
        }
    }
}

/// The target of a redirect as a [`Redirected`] keeps it: without credentials
/// (`user:password@`), with e-mail addresses in its query redacted, and at most
/// [`MAX_LOCATION_CHARS`] characters long.
pub(crate) fn redirect_target(raw: &str) -> String {
    // A relative reference (`/v2/order`) has no credentials; e-mail addresses are redacted
    // and control characters escaped in all of it, the query included.
    clip(&printable_url(raw), MAX_LOCATION_CHARS)
}

/// `text`, cut to at most `max` characters (an ellipsis marks a cut).
pub(crate) fn clip(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// An answer whose body breaks the spec's schema (response validation is on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecMismatch {
    /// The HTTP status.
    pub status: u16,
    /// The `$defs` name the body was checked against.
    pub definition: &'static str,
    /// Each problem, as `pointer: message` (e-mail addresses redacted).
    pub problems: Vec<String>,
}

impl fmt::Display for SpecMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} answer does not match `{}` of the spec: {}",
            self.status,
            self.definition,
            self.problems.join("; ")
        )
    }
}

/// A request the client did not send, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Why the request was not sent.
    pub reason: String,
    /// The error type the API would have answered, when it is known.
    pub error_type: Option<ApiErrorType>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request not sent: {}", self.reason)
    }
}

/// A broken rule of an operation (see `check_rules` in [`operations`](crate::operations)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    /// The error type the API answers when the rule is broken.
    pub error_type: ApiErrorType,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.error_type)
    }
}

impl std::error::Error for RuleViolation {}

impl From<RuleViolation> for Error {
    fn from(value: RuleViolation) -> Error {
        Error::Refused(Refusal {
            reason: value.message,
            error_type: Some(value.error_type),
        })
    }
}

/// The error of [`Client::create_order`](crate::Client::create_order): the error, the
/// idempotency key that every attempt carried, and whether the order may exist all the same.
///
/// **The rule:** while [`CreateError::order_may_exist`] is true, never place the order again
/// under a new key. Retry with [`CreateError::idempotency_key`] and the same body (the API
/// replays the first answer instead of placing a second order), or look the order up with
/// [`Client::get_order`](crate::Client::get_order) when [`CreateError::order_id`] gives its
/// ID. Only when it is false did the API certainly not store the order, and a fixed request
/// may go out under a new key.
#[derive(Debug, thiserror::Error)]
#[error(
    "creating the order failed after {attempts} attempt(s) with idempotency key {idempotency_key}{}: {error}",
    MayExist(self)
)]
pub struct CreateError {
    /// What went wrong on the last attempt.
    #[source]
    pub error: Error,
    /// The key every attempt carried. Retry with this key and the same body while
    /// [`CreateError::order_may_exist`] is true.
    pub idempotency_key: String,
    /// How many requests were sent (0 when the request was refused before sending).
    pub attempts: u32,
    order_may_exist: bool,
    order_id: Option<String>,
    response_body: Option<Vec<u8>>,
}

/// The part of [`CreateError`]'s message that says the order may exist.
struct MayExist<'a>(&'a CreateError);

impl fmt::Display for MayExist<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0.order_may_exist, &self.0.order_id) {
            (false, _) => Ok(()),
            // The ID as the answer gave it may hold anything: it is printed escaped.
            (true, Some(id)) => write!(
                f,
                " (order {} exists: look it up or retry with the same key, never with a new one)",
                printable(id)
            ),
            (true, None) => {
                f.write_str(" (the order may exist: retry with the same key, never with a new one)")
            }
        }
    }
}

impl CreateError {
    /// An error of a call that sent nothing.
    pub(crate) fn unsent(error: Error, idempotency_key: String) -> CreateError {
        CreateError {
            error,
            idempotency_key,
            attempts: 0,
            order_may_exist: false,
            order_id: None,
            response_body: None,
        }
    }

    /// An error after `attempts` requests; `trace` is what they left behind.
    pub(crate) fn sent(error: Error, idempotency_key: String, trace: Trace) -> CreateError {
        CreateError {
            error,
            idempotency_key,
            attempts: trace.attempts,
            order_may_exist: trace.may_have_been_processed,
            order_id: trace.order_id,
            response_body: trace.last_body,
        }
    }

    /// See [`Error::is_retryable`]: true when the client gave up on an error that may pass
    /// (retry later with the same key and body). False does not mean the order was not
    /// placed; that is [`CreateError::order_may_exist`].
    pub fn is_retryable(&self) -> bool {
        self.error.is_retryable()
    }

    /// True whenever the API may have stored the order: some attempt got a `2xx` (even one
    /// whose body did not decode), a `5xx`, a redirect, `idempotency_in_progress`, an answer whose error
    /// type could not be read, or ended in a timeout or a transport error after the request
    /// may have left the client. False only when nothing was sent (refused before sending,
    /// or no connection could be made) or every answer refused the request (a `429`, or a
    /// `4xx` error such as `422`, `insufficient_funds` or `unauthorized`).
    ///
    /// While this is true, never place the order again under a new key: retry with
    /// [`CreateError::idempotency_key`] and the same body, or look the order up.
    pub fn order_may_exist(&self) -> bool {
        self.order_may_exist
    }

    /// The order's ID, whenever an answer carried one, even in a body that did not decode
    /// (a top-level string `id` of a JSON object, read as far as the body goes).
    pub fn order_id(&self) -> Option<&str> {
        self.order_id.as_deref()
    }

    /// The body of the last answer, as received (possibly cut short, and at most
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes) long),
    /// when an attempt got an answer. It may hold personal data, such as e-mail addresses.
    pub fn response_body(&self) -> Option<&[u8]> {
        self.response_body.as_deref()
    }
}

/// What the attempts of one call left behind, for [`CreateError`].
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// How many requests were sent.
    pub(crate) attempts: u32,
    /// True when some attempt may have been processed by the API.
    pub(crate) may_have_been_processed: bool,
    /// The last order ID an answer carried.
    pub(crate) order_id: Option<String>,
    /// The body of the last answer, complete or not.
    pub(crate) last_body: Option<Vec<u8>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryability_follows_the_docs() {
        assert!(api(500, "internal_server_error").is_retryable());
        assert!(api(504, "timeout").is_retryable());
        assert!(api(400, "idempotency_in_progress").is_retryable());
        assert!(api(102, "idempotency_in_progress").is_retryable());
        assert!(!api(400, "insufficient_funds").is_retryable());
        assert!(!api(400, "idempotency_validation_error").is_retryable());
        assert!(!api(401, "unauthorized").is_retryable());
        assert!(!api(404, "not_found").is_retryable());
        assert!(
            Error::Timeout {
                after: Duration::from_secs(1)
            }
            .is_retryable()
        );
        assert!(!Error::refused("no").is_retryable());
    }

    fn api(status: u16, ty: &str) -> Error {
        Error::Api(ApiError {
            status,
            error_type: ApiErrorType::from_wire(ty),
            message: String::new(),
            help: None,
        })
    }

    fn unexpected(status: u16) -> Error {
        Error::UnexpectedResponse(UnexpectedResponse {
            status,
            expected: None,
            path: None,
            message: String::new(),
            excerpt: String::new(),
        })
    }

    fn transport(status: Option<u16>, maybe_sent: bool) -> Error {
        Error::Transport(TransportError {
            status,
            maybe_sent,
            message: String::new(),
            source: None,
        })
    }

    fn too_large(status: u16) -> Error {
        Error::ResponseTooLarge(ResponseTooLarge {
            status,
            limit: 1,
            content_length: None,
        })
    }

    fn mismatch(status: u16) -> Error {
        Error::SpecMismatch(SpecMismatch {
            status,
            definition: "AsyncAcceptedOrder",
            problems: Vec::new(),
        })
    }

    #[test]
    fn every_error_is_on_one_side_of_may_have_been_processed() {
        let maybe = [
            api(500, "internal_server_error"),
            api(504, "timeout"),
            api(400, "idempotency_in_progress"),
            api(102, "idempotency_in_progress"),
            api(201, "odd"),
            unexpected(200),
            unexpected(202),
            unexpected(400),
            unexpected(502),
            transport(None, true),
            transport(Some(202), true),
            transport(Some(400), true),
            too_large(200),
            too_large(503),
            mismatch(202),
            Error::Redirected(Redirected {
                status: 303,
                location: Some("/v2/order/O-1".to_owned()),
                followed: false,
            }),
            Error::Redirected(Redirected {
                status: 200,
                location: None,
                followed: true,
            }),
            Error::Timeout {
                after: Duration::from_secs(1),
            },
        ];
        for err in &maybe {
            assert!(err.may_have_been_processed(), "{err:?}");
        }
        let refused = [
            api(400, "insufficient_funds"),
            api(400, "idempotency_validation_error"),
            api(401, "unauthorized"),
            api(403, "forbidden"),
            api(410, "version_removed"),
            Error::Validation(ValidationFailure {
                status: 422,
                error_type: ApiErrorType::ValidationError,
                message: String::new(),
                help: None,
                details: Vec::new(),
            }),
            Error::RateLimited(RateLimited {
                retry_after: None,
                message: String::new(),
            }),
            unexpected(418),
            unexpected(422),
            transport(None, false),
            transport(Some(404), true),
            too_large(413),
            mismatch(401),
            Error::refused("no"),
        ];
        for err in &refused {
            assert!(!err.may_have_been_processed(), "{err:?}");
        }
    }
}
