//! Turns an answer into the documented body or the error it stands for; never panics on a bad answer.

use serde::de::DeserializeOwned;

use runa_order_types::{APIErrorResponse, RateExceededResponse, ValidationErrorResponse};

use crate::{
    ApiErrorType, Error,
    error::{
        ApiError, RateLimited, SpecMismatch, UnexpectedResponse, ValidationDetail,
        ValidationFailure, redact_emails,
    },
    transport::RawResponse,
    validation,
};

/// How many characters of a body an [`UnexpectedResponse`] keeps.
const EXCERPT_CHARS: usize = 200;

/// The body of a 2xx answer, as `T` (the type of the `definition` of the spec).
pub fn success<T: DeserializeOwned>(
    response: &RawResponse,
    definition: &'static str,
    validate: bool,
) -> Result<T, Error> {
    if validate {
        check(response, definition)?;
    }
    parse(response, definition)
}

/// An error body that the client turns into an [`Error`].
pub(crate) trait ErrorBody: DeserializeOwned {
    fn into_error(self, response: &RawResponse) -> Error;
}

impl ErrorBody for APIErrorResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::Api(ApiError {
            status: response.status,
            error_type: ApiErrorType::from_wire(&self.type_),
            message: redact_emails(&self.message),
            help: self.help.as_deref().map(redact_emails),
        })
    }
}

impl ErrorBody for ValidationErrorResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::Validation(ValidationFailure {
            status: response.status,
            error_type: ApiErrorType::from_wire(&self.type_),
            message: redact_emails(&self.message),
            help: self.help.as_deref().map(redact_emails),
            details: self
                .details
                .into_iter()
                .map(|it| ValidationDetail {
                    kind: it.type_,
                    message: redact_emails(&it.message),
                    location: it.location,
                })
                .collect(),
        })
    }
}

impl ErrorBody for RateExceededResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::RateLimited(RateLimited {
            retry_after: response.retry_after(),
            message: redact_emails(&self.error),
        })
    }
}

/// The error a documented non-2xx answer stands for.
pub(crate) fn failure<T: ErrorBody>(
    response: &RawResponse,
    definition: &'static str,
    validate: bool,
) -> Error {
    if validate && let Err(err) = check(response, definition) {
        return err;
    }
    match parse::<T>(response, definition) {
        Ok(body) => body.into_error(response),
        Err(err) => err,
    }
}

/// The error for a status the operation does not document.
///
/// The documentation lists statuses the spec lacks (`102` for `idempotency_in_progress`, `410`,
/// `504`), so an undocumented status whose body is an API error body is still an API error;
/// anything else is an [`UnexpectedResponse`].
pub fn undocumented(response: &RawResponse) -> Error {
    if let Ok(body) = serde_json::from_slice::<APIErrorResponse>(&response.body) {
        return body.into_error(response);
    }
    Error::UnexpectedResponse(UnexpectedResponse {
        status: response.status,
        expected: None,
        path: None,
        message: "the operation does not document this status".to_owned(),
        excerpt: excerpt(&response.body),
    })
}

fn check(response: &RawResponse, definition: &'static str) -> Result<(), Error> {
    validation::check_response(definition, &response.body).map_err(|problems| {
        Error::SpecMismatch(SpecMismatch {
            status: response.status,
            definition,
            problems: problems
                .iter()
                .map(|it| redact_emails(&it.to_string()))
                .collect(),
        })
    })
}

fn parse<T: DeserializeOwned>(
    response: &RawResponse,
    definition: &'static str,
) -> Result<T, Error> {
    let unexpected = |path: Option<String>, message: String| {
        Error::UnexpectedResponse(UnexpectedResponse {
            status: response.status,
            expected: Some(definition),
            path,
            message: redact_emails(&message),
            excerpt: excerpt(&response.body),
        })
    };
    let mut deserializer = serde_json::Deserializer::from_slice(&response.body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        unexpected((path != ".").then_some(path), err.inner().to_string())
    })?;
    deserializer
        .end()
        .map_err(|err| unexpected(None, err.to_string()))?;
    Ok(value)
}

/// The start of a body as text, with control characters escaped and e-mail addresses redacted.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    redact_emails(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_body_of_the_wrong_shape_names_the_status_and_the_path() {
        let err = success::<runa_order_types::AsyncAcceptedOrder>(
            &response(202, r#"{"id": "O-1", "status": "DONE"}"#),
            "AsyncAcceptedOrder",
            false,
        )
        .unwrap_err();
        let Error::UnexpectedResponse(it) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(it.status, 202);
        assert_eq!(it.path.as_deref(), Some("status"));
        assert_eq!(it.expected, Some("AsyncAcceptedOrder"));
        assert!(err.to_string().contains("at `status`"), "{err}");
    }

    #[test]
    fn a_body_that_is_not_json_or_is_truncated_is_an_unexpected_response() {
        for body in ["<html>bad gateway</html>", r#"{"id": "O-1", "sta"#, ""] {
            let err = success::<runa_order_types::AsyncAcceptedOrder>(
                &response(202, body),
                "AsyncAcceptedOrder",
                false,
            )
            .unwrap_err();
            assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
        }
        let err = failure::<APIErrorResponse>(&response(502, "<html>"), "APIErrorResponse", false);
        assert!(err.is_retryable(), "a 502 from a proxy may pass: {err:?}");
    }

    #[test]
    fn error_bodies_become_typed_errors_without_e_mail_addresses() {
        let err = failure::<APIErrorResponse>(
            &response(
                400,
                r#"{"type": "insufficient_funds", "message": "no money for ana@example.com"}"#,
            ),
            "APIErrorResponse",
            false,
        );
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.error_type, ApiErrorType::InsufficientFunds);
        assert!(!err.to_string().contains("ana@"), "{err}");
        let err = undocumented(&response(418, r#"{"type": "teapot", "message": "short"}"#));
        assert_eq!(
            err.api_error_type(),
            Some(&ApiErrorType::Other("teapot".into()))
        );
        let err = undocumented(&response(418, "short and stout"));
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    }
}
