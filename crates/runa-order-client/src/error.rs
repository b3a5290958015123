//! The client's errors: what went wrong, whether retrying can help, and nothing secret or personal.

use std::{fmt, time::Duration};

use crate::ApiErrorType;

/// Everything a call to the API can fail with.
///
/// [`Error::is_retryable`] says whether the same request may succeed later; the client has
/// already retried those as far as its [`RetryPolicy`](crate::RetryPolicy) allows. Messages
/// never contain the API key, and e-mail addresses in text that came from a response are
/// replaced by `<email>`.
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
    /// No complete answer arrived in time: the attempt's timeout or the call's deadline passed.
    #[error("no complete answer within {} ms", after.as_millis())]
    Timeout {
        /// How long the last attempt waited.
        after: Duration,
    },
    /// The answer does not match the spec: an undocumented status, or a body that is not JSON
    /// or not of the documented type.
    #[error("{0}")]
    UnexpectedResponse(UnexpectedResponse),
    /// Response validation is on and the answer's body breaks the spec's schema.
    #[error("{0}")]
    SpecMismatch(SpecMismatch),
    /// The client refused to send the request, because the API would certainly refuse it.
    #[error("{0}")]
    Refused(Refusal),
}

impl Error {
    /// True when sending the same request again (with the same idempotency key) may succeed:
    /// connection errors, timeouts, `5xx`, `429`, and `idempotency_in_progress` whatever its
    /// status. Other `4xx` answers are final: fix the request and use a new key.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(it) => it.is_retryable(),
            Error::Validation(_) | Error::Refused(_) => false,
            Error::RateLimited(_) | Error::Transport(_) | Error::Timeout { .. } => true,
            Error::UnexpectedResponse(it) => retryable_status(it.status),
            Error::SpecMismatch(it) => retryable_status(it.status),
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
            Error::Transport(_) | Error::Timeout { .. } | Error::Refused(_) => None,
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
            reason: redact_emails(&reason.into()),
            error_type: None,
        })
    }
}

fn retryable_status(status: u16) -> bool {
    status >= 500 || status == 429 || status == 102
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

/// The error of [`Client::create_order`](crate::Client::create_order): the error, and the
/// idempotency key that every attempt carried, so that the order can be retried later (after
/// a crash, too) without being placed twice.
#[derive(Debug, thiserror::Error)]
#[error(
    "creating the order failed after {attempts} attempt(s) with idempotency key {idempotency_key}: {error}"
)]
pub struct CreateError {
    /// What went wrong on the last attempt.
    #[source]
    pub error: Error,
    /// The key every attempt carried. Retry with this key and the same body while
    /// [`CreateError::is_retryable`] is true.
    pub idempotency_key: String,
    /// How many requests were sent (0 when the request was refused before sending).
    pub attempts: u32,
}

impl CreateError {
    /// See [`Error::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        self.error.is_retryable()
    }
}

/// Replaces every e-mail address in `text` by `<email>`, so that personal data from bodies
/// does not reach error messages and logs.
pub(crate) fn redact_emails(text: &str) -> String {
    fn is_local(c: char) -> bool {
        c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c)
    }
    fn is_domain(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '.' || c == '-'
    }
    if !text.contains('@') {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut start = i;
            while start > copied && is_local(chars[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < chars.len() && is_domain(chars[end]) {
                end += 1;
            }
            if start < i && end > i + 1 {
                out.extend(&chars[copied..start]);
                out.push_str("<email>");
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_redacted() {
        assert_eq!(
            redact_emails(r#"invalid value: "maria.k+1@example.com", expected x"#),
            r#"invalid value: "<email>", expected x"#
        );
        assert_eq!(redact_emails("a@b and c@d.e"), "<email> and <email>");
        assert_eq!(redact_emails("no at sign"), "no at sign");
        assert_eq!(redact_emails("lonely @ sign"), "lonely @ sign");
    }

    #[test]
    fn retryability_follows_the_docs() {
        let api = |status, ty: &str| {
            Error::Api(ApiError {
                status,
                error_type: ApiErrorType::from_wire(ty),
                message: String::new(),
                help: None,
            })
        };
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
}
