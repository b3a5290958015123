//! Answers: a status with a body written from a typed value, the API's error bodies, and the check of every answer against the schema the spec documents for its status.

use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header::CONTENT_TYPE},
    response::Response,
};
use bytes::Bytes;
use runa_order_client::{API_VERSION, ApiErrorType, headers, operations::Operation};
use runa_order_types::{APIErrorResponse, ValidationErrorItem, ValidationErrorResponse};
use runa_order_validator::{Kind, Validate};
use serde::Serialize;

use crate::{app::App, work::NotDone};

/// An answer: its status, its JSON body, and the schema of the type the body was written
/// from, so that the body is checked against its own type's schema (the link is by type).
/// Recorded as it is for an idempotency key, and replayed.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) kind: Kind,
    pub(crate) body: Bytes,
    /// The `Retry-After` header, in whole seconds.
    pub(crate) retry_after: Option<u64>,
}

impl Answer {
    /// An answer with `value` as its body.
    pub(crate) fn new<T: Validate<Kind = Kind>>(status: u16, value: &T) -> Answer {
        Answer {
            status,
            kind: T::KIND,
            body: to_json(value),
            retry_after: None,
        }
    }

    /// An `APIErrorResponse` of `error_type` with its documented status, and its documented
    /// message unless `message` is given.
    pub(crate) fn api_error(error_type: &ApiErrorType, message: Option<String>) -> Answer {
        let status = error_type.documented_status().unwrap_or(400);
        let message = message
            .or_else(|| error_type.documented_message().map(str::to_owned))
            .unwrap_or_default();
        Answer::error_body(status, error_type.as_str(), message)
    }

    /// An `APIErrorResponse` of any `type` (also those the API does not document, such as
    /// `payload_too_large`) with any status.
    pub(crate) fn error_body(status: u16, error_type: &str, message: String) -> Answer {
        Answer::new(
            status,
            &APIErrorResponse {
                help: None,
                message,
                type_: error_type.to_owned(),
            },
        )
    }

    /// A `422 validation_error` with these details, and `"help": null` as the API sends.
    pub(crate) fn validation_error(details: Vec<ValidationErrorItem>) -> Answer {
        Answer::new(
            422,
            &ValidationFailure {
                details,
                help: None,
                message: "There were one or more problems processing your request, see details key.",
                type_: ApiErrorType::ValidationError.as_str(),
            },
        )
    }

    /// The answer when a job on the blocking pool gave no result: `504 timeout` when no place
    /// was free in time (documented, and retryable with the same key: nothing was recorded),
    /// `500` when it panicked (a bug of the mock).
    pub(crate) fn not_done(why: NotDone) -> Answer {
        let (error_type, message) = match why {
            NotDone::Busy => (
                ApiErrorType::Timeout,
                "The mock is busy checking other request bodies; retry later.",
            ),
            NotDone::Failed => (
                ApiErrorType::InternalServerError,
                "The mock failed while processing the request.",
            ),
        };
        Answer::api_error(&error_type, Some(message.to_owned()))
    }

    /// A `500 internal_server_error` for a problem of the mock itself.
    pub(crate) fn internal(message: String) -> Answer {
        Answer::api_error(&ApiErrorType::InternalServerError, Some(message))
    }
}

/// The body of a `422`: a `ValidationErrorResponse` whose `help` is written as `null` when
/// there is none, as in the API's examples (the type leaves it out).
#[derive(Debug, Serialize)]
struct ValidationFailure {
    details: Vec<ValidationErrorItem>,
    help: Option<String>,
    message: &'static str,
    #[serde(rename = "type")]
    type_: &'static str,
}

impl Validate for ValidationFailure {
    type Kind = Kind;
    const KIND: Kind = <ValidationErrorResponse as Validate>::KIND;
}

/// Answers whose body is at least this long are checked against the spec on the blocking
/// pool, so that a large answer (a page of 500 orders, an order of 200 items) never holds up
/// an async thread; shorter ones are checked where they are made.
pub(crate) const CHECK_OFF_THREAD_BYTES: usize = 16 * 1024;

/// The HTTP answer to a request of `operation`, checked against the spec as [`respond`]
/// does, on the blocking pool when the body is large.
pub(crate) async fn respond_checked(
    app: &std::sync::Arc<App>,
    operation: &'static Operation,
    answer: Answer,
) -> Response {
    if answer.body.len() < CHECK_OFF_THREAD_BYTES {
        return respond(app, Some(operation), answer);
    }
    let job = {
        let app = std::sync::Arc::clone(app);
        let answer = answer.clone();
        move || check(&app, Some(operation), &answer)
    };
    if tokio::task::spawn_blocking(job).await.is_err() {
        app.store
            .record_spec_violation("the check of an answer panicked".to_owned());
    }
    http_response(answer)
}

/// The HTTP answer. The answer is checked against the schema that `operation` documents for
/// its status (`APIErrorResponse` outside an operation); a mismatch is recorded (see
/// `MockServer::spec_violations`), since the mock must never send one.
pub(crate) fn respond(app: &App, operation: Option<&Operation>, answer: Answer) -> Response {
    check(app, operation, &answer);
    http_response(answer)
}

/// Checks an answer against the schema its status documents; a mismatch is recorded.
fn check(app: &App, operation: Option<&Operation>, answer: &Answer) {
    let documented = match operation {
        Some(operation) => (operation.response_body)(answer.status),
        None => Some(<APIErrorResponse as Validate>::KIND),
    };
    let status = answer.status;
    match documented {
        Some(kind) if kind == answer.kind => {
            if let Err(problem) = kind.validate_slice(&answer.body) {
                app.store.record_spec_violation(format!(
                    "{status} answer does not match `{}`: {problem}",
                    kind.name()
                ));
            }
        }
        Some(kind) => app.store.record_spec_violation(format!(
            "{status} answer is a `{}`, but the spec documents `{}`",
            answer.kind.name(),
            kind.name()
        )),
        None => app.store.record_spec_violation(format!(
            "status {status} is not documented for this operation"
        )),
    }
}

/// The answer as HTTP: its status, body and headers.
fn http_response(answer: Answer) -> Response {
    let status = answer.status;
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(headers::API_VERSION, HeaderValue::from_static(API_VERSION));
    if let Some(seconds) = answer.retry_after {
        headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// An answer to a request refused below the operations (an unknown path, a method a path
/// does not have, a body over the limits, a malformed request): an `APIErrorResponse` of
/// `error_type`, checked against the spec like every other answer.
pub(crate) fn protocol_error(
    app: &App,
    status: u16,
    error_type: &str,
    message: String,
) -> Response {
    respond(app, None, Answer::error_body(status, error_type, message))
}

/// The body of the answer with `status` that hyper gives, before any handler, to text that
/// is not HTTP/1.1 (see `bare`): `400 bad_request`, `414 uri_too_long` or
/// `431 headers_too_large`.
pub(crate) fn bare_answer(status: u16) -> Bytes {
    let (error_type, message) = match status {
        431 => (
            "headers_too_large",
            "The request line and headers are larger than the limit.",
        ),
        414 => ("uri_too_long", "The request's URI is too long."),
        _ => ("bad_request", "The request is not valid HTTP/1.1."),
    };
    Answer::error_body(status, error_type, message.to_owned()).body
}

/// JSON text of a value.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Bytes {
    // The body types have string keys and no floats that are not finite, so this cannot fail;
    // if it did, the answer would be an empty body, which the spec check reports.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use runa_order_client::operations::create_order;
    use runa_order_types::{AsyncAcceptedOrder, OrderId, OrderStatus};

    use super::*;
    use crate::Config;

    #[test]
    fn an_answer_is_checked_against_the_schema_its_status_documents() {
        let app = App::new(Config::default()).unwrap();
        let operation = Some(&create_order::OPERATION);
        let accepted = AsyncAcceptedOrder {
            id: OrderId::from("O-1".to_owned()),
            status: OrderStatus::Processing,
        };
        let sent = respond(&app, operation, Answer::new(202, &accepted));
        assert_eq!(sent.status(), 202);
        assert_eq!(sent.headers()[headers::API_VERSION], API_VERSION);
        let limited = Answer {
            retry_after: Some(7),
            ..Answer::error_body(500, "internal_server_error", String::new())
        };
        assert_eq!(
            respond(&app, operation, limited).headers()["retry-after"],
            "7"
        );
        assert!(app.store.spec_violations().is_empty());

        // A body of another type than the status documents, a body that breaks its own
        // type's schema, and a status the operation does not document.
        respond(&app, operation, Answer::new(200, &accepted));
        respond(
            &app,
            operation,
            Answer {
                body: Bytes::from_static(b"{\"id\": \"O-1\"}"),
                ..Answer::new(202, &accepted)
            },
        );
        respond(
            &app,
            operation,
            Answer::api_error(&ApiErrorType::NotFound, None),
        );
        let violations = app.store.spec_violations();
        assert_eq!(violations.len(), 3, "{violations:?}");
        assert_eq!(
            violations[0],
            "200 answer is a `AsyncAcceptedOrder`, but the spec documents `SyncCompletedOrder`"
        );
        assert!(
            violations[1].starts_with("202 answer does not match `AsyncAcceptedOrder`: "),
            "{}",
            violations[1]
        );
        assert_eq!(
            violations[2],
            "status 404 is not documented for this operation"
        );
    }
}
