//! Turns an answer into the documented body or the error it stands for; never panics on a bad answer.

use std::{borrow::Cow, fmt};

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use runa_order_types::{APIErrorResponse, RateExceededResponse, ValidationErrorResponse};
use runa_order_validator::{Schema, Validate};

use crate::{
    ApiErrorType, Error,
    error::{
        ApiError, RateLimited, Redirected, SpecMismatch, UnexpectedResponse, ValidationDetail,
        ValidationFailure, clip, redirect_target,
    },
    redact::printable,
    transport::RawResponse,
    validation,
};

/// How many characters of a body an [`UnexpectedResponse`] keeps.
const EXCERPT_CHARS: usize = 200;

/// The body of a 2xx answer, as `T`; with `validate`, first checked against `T`'s schema.
pub fn success<T: DeserializeOwned + Validate>(
    response: &RawResponse,
    validate: bool,
) -> Result<T, Error> {
    if validate {
        check::<T>(response)?;
    }
    parse(response)
}

/// An error body that the client turns into an [`Error`].
pub(crate) trait ErrorBody: DeserializeOwned + Validate {
    fn into_error(self, response: &RawResponse) -> Error;
}

impl ErrorBody for APIErrorResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::Api(ApiError {
            status: response.status,
            error_type: ApiErrorType::from_wire(&printable(&self.type_)),
            message: printable(&self.message),
            help: self.help.as_deref().map(printable),
        })
    }
}

impl ErrorBody for ValidationErrorResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::Validation(ValidationFailure {
            status: response.status,
            error_type: ApiErrorType::from_wire(&printable(&self.type_)),
            message: printable(&self.message),
            help: self.help.as_deref().map(printable),
            details: self
                .details
                .into_iter()
                .map(|it| ValidationDetail {
                    kind: printable(&it.type_),
                    message: printable(&it.message),
                    location: it.location.iter().map(|it| printable(it)).collect(),
                })
                .collect(),
        })
    }
}

impl ErrorBody for RateExceededResponse {
    fn into_error(self, response: &RawResponse) -> Error {
        Error::RateLimited(RateLimited {
            retry_after: response.retry_after(),
            message: printable(&self.error),
        })
    }
}

/// The error a documented non-2xx answer stands for; with `validate`, its body is first
/// checked against `T`'s schema.
pub(crate) fn failure<T: ErrorBody>(response: &RawResponse, validate: bool) -> Error {
    if validate && let Err(err) = check::<T>(response) {
        return err;
    }
    match parse::<T>(response) {
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
    // No operation documents a redirect, and the client follows none (see `Redirected`).
    if (300..400).contains(&response.status) {
        let location = response
            .headers
            .get(reqwest::header::LOCATION)
            .map(|it| redirect_target(&String::from_utf8_lossy(it.as_bytes())));
        return Error::Redirected(Redirected {
            status: response.status,
            location,
            followed: false,
        });
    }
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

fn check<T: Validate>(response: &RawResponse) -> Result<(), Error> {
    validation::check::<T>(&response.body).map_err(|problems| {
        Error::SpecMismatch(SpecMismatch {
            status: response.status,
            definition: T::KIND.name(),
            problems: problems
                .iter()
                .map(|it| printable(&it.to_string()))
                .collect(),
        })
    })
}

/// The body as `T`, read by plain serde; only a body that does not decode is read again,
/// with the serde path tracked, to say where it breaks ([`parse_located`]). Tracking the path
/// costs time on every value read, so an answer that decodes never pays for it.
fn parse<T: DeserializeOwned + Validate>(response: &RawResponse) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(&response.body);
    let value = T::deserialize(&mut deserializer);
    match value.and_then(|value| deserializer.end().map(|()| value)) {
        Ok(value) => Ok(value),
        // The same reading again, so the error is the same; with its path this time.
        Err(_) => parse_located(response),
    }
}

/// The body as `T`, read with the serde path of the value being read tracked, so that a
/// body that does not decode gives an [`UnexpectedResponse`] that names where (`items[0].price`).
fn parse_located<T: DeserializeOwned + Validate>(response: &RawResponse) -> Result<T, Error> {
    let unexpected = |path: Option<String>, message: String| {
        Error::UnexpectedResponse(UnexpectedResponse {
            status: response.status,
            expected: Some(T::KIND.name()),
            path: path.map(|it| printable(&it)),
            message: printable(&message),
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

/// The longest order ID [`order_id`] accepts; a longer string is not an order ID.
const MAX_ORDER_ID_BYTES: usize = 256;

/// The order ID in `body`, read leniently: the first top-level string member `id` of a JSON
/// object, found while reading the object member by member, so that it is found even when
/// the rest of the body does not decode, breaks the spec, or is cut short. Takes time linear
/// in the body and allocates only the ID (and keys with escapes).
pub(crate) fn order_id(body: &[u8]) -> Option<String> {
    let mut found = None;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    // An error after the ID was seen (a missing field, a bad value, the end of a cut body)
    // leaves `found` as it was.
    let _ = TopLevelId(&mut found).deserialize(&mut deserializer);
    found
}

/// Reads a JSON object and records its first string member `id` in the `Option`.
struct TopLevelId<'a>(&'a mut Option<String>);

impl<'de> DeserializeSeed<'de> for TopLevelId<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevelId<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "id" && self.0.is_none() {
                if let StringOrOther(Some(id)) = map.next_value()?
                    && !id.is_empty()
                    && id.len() <= MAX_ORDER_ID_BYTES
                {
                    *self.0 = Some(id);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    // Anything but an object has no order ID.
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A JSON string, or `None` for any other value (which is read and dropped).
struct StringOrOther(Option<String>);

impl<'de> serde::Deserialize<'de> for StringOrOther {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrOther;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: serde::de::Error>(self, it: &str) -> Result<StringOrOther, E> {
                Ok(StringOrOther(Some(it.to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StringOrOther, A::Error> {
                IgnoredAny.visit_map(map)?;
                Ok(StringOrOther(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StringOrOther, A::Error> {
                IgnoredAny.visit_seq(seq)?;
                Ok(StringOrOther(None))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<StringOrOther, E> {
                Ok(StringOrOther(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The start of a body as text, with control characters escaped and e-mail addresses
/// redacted, at most [`EXCERPT_CHARS`] characters. Reads only the first bytes of the body,
/// however long it is: enough past the cut that an address the cut would split is redacted
/// whole first (a local part and a domain take at most 64 and 255 characters, each of them
/// at most 6 bytes as a JSON escape).
pub(crate) fn excerpt(body: &[u8]) -> String {
    const PAST_THE_CUT: usize = (64 + 1 + 255) * 6;
    let head = &body[..body.len().min((EXCERPT_CHARS + PAST_THE_CUT) * 4)];
    let lossy = String::from_utf8_lossy(head);
    let mut chars = lossy.chars();
    let text: String = chars.by_ref().take(EXCERPT_CHARS + PAST_THE_CUT).collect();
    let cut = chars.next().is_some() || head.len() < body.len();
    let mut out = clip(&printable(&text), EXCERPT_CHARS);
    if cut && !out.ends_with('…') {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use runa_order_types::OrderList;

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

    /// Issue 20, item 3: a body is read by plain serde first and read again with its path
    /// tracked only when it does not decode; the error must still be the one that reading
    /// gives: the serde path of the first bad value, serde's message with its line and column.
    #[test]
    fn a_mismatched_body_still_names_the_serde_path_and_serdes_message() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"{"items": [], "pagination": {"cursors": {}, "page": {"limit": "two"}}}"#,
                Some("pagination.page.limit"),
            ),
            (
                r#"{"items": [], "pagination": {"cursors": {"after": 7}, "page": {"limit": 2}}}"#,
                Some("pagination.cursors.after"),
            ),
            (
                r#"{"items": [], "pagination": {"cursors": {}}}"#,
                Some("pagination"),
            ),
            // Cut short where a key was due: serde_path_to_error's `?`.
            (r#"{"items": []"#, Some("?")),
        ];
        for (body, path) in cases {
            let err = success::<OrderList>(&response(200, body), false).unwrap_err();
            let Error::UnexpectedResponse(it) = &err else {
                panic!("{err:?}")
            };
            assert_eq!(it.path.as_deref(), *path, "{body}");
            let direct = serde_path_to_error::deserialize::<_, OrderList>(
                &mut serde_json::Deserializer::from_str(body),
            )
            .unwrap_err();
            assert_eq!(it.message, direct.inner().to_string(), "{body}");
            assert!(it.message.contains("line 1 column"), "{}", it.message);
        }
        // Trailing text after a whole body: no path, serde's message.
        let err = success::<OrderList>(
            &response(
                200,
                r#"{"items": [], "pagination": {"cursors": {}, "page": {"limit": 2}}} x"#,
            ),
            false,
        )
        .unwrap_err();
        let Error::UnexpectedResponse(it) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(it.path, None);
        assert!(
            it.message
                .starts_with("trailing characters at line 1 column"),
            "{}",
            it.message
        );
        // A valid body decodes, with or without the check.
        let body = r#"{"items": [], "pagination": {"cursors": {}, "page": {"limit": 2}}}"#;
        for validate in [false, true] {
            let page = success::<OrderList>(&response(200, body), validate).unwrap();
            assert!(page.items.is_empty());
        }
    }

    #[test]
    fn a_body_that_is_not_json_or_is_truncated_is_an_unexpected_response() {
        for body in ["<html>bad gateway</html>", r#"{"id": "O-1", "sta"#, ""] {
            let err = success::<runa_order_types::AsyncAcceptedOrder>(&response(202, body), false)
                .unwrap_err();
            assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
        }
        let err = failure::<APIErrorResponse>(&response(502, "<html>"), false);
        assert!(err.is_retryable(), "a 502 from a proxy may pass: {err:?}");
    }

    #[test]
    fn the_order_id_is_read_from_bodies_that_do_not_decode() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"{"id": "O-1", "status": "DONE"}"#, Some("O-1")),
            (r#"{"status": "PROCESSING", "id": "O-2"}"#, Some("O-2")),
            // Cut short after the ID, or before it.
            (
                r#"{"status": "PROCESSING", "id": "O-3", "crea"#,
                Some("O-3"),
            ),
            (r#"{"status": "PROCESSING", "id": "O-"#, None),
            // A broken value after the ID, a nested object before it, an escaped key.
            (r#"{"id": "O-4", "total_price": 1e999}"#, Some("O-4")),
            (r#"{"items": [{"id": "E-1"}], "id": "O-5"}"#, Some("O-5")),
            // The first string `id` wins; a non-string `id` is no ID.
            (r#"{"id": 7, "id": "O-6", "id": "O-7"}"#, Some("O-6")),
            (r#"{"id": ""}"#, None),
            (r#"{"order": {"id": "O-8"}}"#, None),
            (r#"[{"id": "O-9"}]"#, None),
            (r#""O-10""#, None),
            ("", None),
            ("<html>502</html>", None),
        ];
        for (body, expected) in cases {
            assert_eq!(order_id(body.as_bytes()).as_deref(), *expected, "{body}");
        }
        let long = format!(r#"{{"id": "{}"}}"#, "x".repeat(MAX_ORDER_ID_BYTES + 1));
        assert_eq!(order_id(long.as_bytes()), None);
        // Deep nesting before the ID is skipped without recursion, so it neither overflows
        // the stack nor hides the ID.
        let deep = format!(
            r#"{{"a": {}1{}, "id": "O-11"}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(order_id(deep.as_bytes()).as_deref(), Some("O-11"));
    }

    #[test]
    fn an_excerpt_is_cut_after_its_addresses_are_redacted() {
        // An address across the 200th character is redacted whole, not cut first.
        let body = format!("{}maria.lopez@example.com and more", "x ".repeat(97));
        let shown = excerpt(body.as_bytes());
        assert!(shown.starts_with("x x"), "{shown}");
        assert!(
            !shown.contains("maria") && !shown.contains("lopez"),
            "{shown}"
        );
        assert!(shown.ends_with('…') && shown.chars().count() <= EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"short \x1b[2J"), "short \\u{1b}[2J");
        let long = vec![b'y'; 100_000];
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn error_bodies_become_typed_errors_without_e_mail_addresses() {
        let err = failure::<APIErrorResponse>(
            &response(
                400,
                r#"{"type": "insufficient_funds", "message": "no money for ana@example.com"}"#,
            ),
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
