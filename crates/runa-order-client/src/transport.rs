//! One HTTP exchange: a prepared request goes out through reqwest, its whole answer comes back, within a time limit and a size limit.

use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use runa_order_validator::{Schema, Validate};
use tokio::time::Instant;

use crate::{
    Error,
    error::{Redirected, ResponseTooLarge, TransportError, redirect_target},
    headers,
    redact::printable,
    validation::{self, Problem},
};

/// A request, ready to send as many times as the retries need: the body is serialized once,
/// so every attempt sends the same bytes.
#[derive(Debug, Clone)]
pub struct Request {
    /// The operationId, for messages.
    pub(crate) operation: &'static str,
    pub(crate) method: reqwest::Method,
    /// The path below the base URL, already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Body>,
}

/// A serialized JSON body and the schema of its type.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// The schema's name in `$defs`, for messages.
    pub(crate) schema: &'static str,
    /// Checks JSON text against the schema (`validation::check` of the body's type).
    pub(crate) check: fn(&[u8]) -> Result<(), Vec<Problem>>,
    pub(crate) json: Vec<u8>,
}

impl Request {
    pub fn new(operation: &'static str, method: reqwest::Method, path: String) -> Request {
        Request {
            operation,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header; a value that HTTP cannot carry (a line break, …) refuses the request.
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::refused(format!(
                "the value of the header `{name}` is not a valid HTTP header value"
            ))
        })?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::refused(format!("`{name}` is not a valid HTTP header name")))?;
        self.headers.push((name, value));
        Ok(())
    }

    /// Adds a header given by the caller; the headers the client manages cannot be replaced.
    pub(crate) fn extra_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let managed = [headers::API_KEY]
            .into_iter()
            .chain(self.headers.iter().map(|(name, _)| name.as_str()));
        if managed.into_iter().any(|it| it.eq_ignore_ascii_case(name)) {
            return Err(Error::refused(format!(
                "the header `{name}` is set by the client and cannot be given as an extra header"
            )));
        }
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::refused(format!("`{name}` is not a valid HTTP header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::refused(format!(
                "the value of the header `{name}` is not a valid HTTP header value"
            ))
        })?;
        self.headers.push((name, value));
        Ok(())
    }

    pub fn query(&mut self, name: &'static str, value: String) {
        self.query.push((name, value));
    }

    /// Serializes the body, once; its schema is its type's.
    pub fn json_body<T: Validate>(&mut self, body: &T) -> Result<(), Error> {
        let json = serde_json::to_vec(body).map_err(|err| {
            Error::refused(format!(
                "the `{}` body cannot be serialized: {err}",
                T::KIND.name()
            ))
        })?;
        self.body = Some(Body {
            schema: T::KIND.name(),
            check: validation::check::<T>,
            json,
        });
        Ok(())
    }
}

/// A complete answer: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    /// The wait `Retry-After` asks for, if present and well-formed: a number of seconds, or
    /// an HTTP date (a date in the past asks for no wait).
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        retry_after(&self.headers, SystemTime::now())
    }
}

/// The wait the `Retry-After` header of `headers` asks for, with `now` the wall-clock time an
/// HTTP date is measured from. Never panics: a number of seconds too large for a `Duration`
/// (`1e20`, twenty digits) is [`Duration::MAX`], which no deadline allows, and a value that is
/// neither a non-negative number nor an HTTP date is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|it| it.is_ascii_digit()) {
        // `delta-seconds` of RFC 9110; more digits than a u64 holds is "forever".
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        // Fractions are not in the RFC, but harmless; NaN, infinities and negatives are ignored.
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What the transport needs besides the request.
pub(crate) struct Target<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) base_url: &'a str,
    pub(crate) api_key: &'a HeaderValue,
    /// The most bytes of a body the client reads.
    pub(crate) max_response_bytes: u64,
}

/// A failed exchange: the error, and as much of the answer as had arrived.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// The part of the body that arrived before the failure, if the answer had started.
    pub(crate) partial: Option<Vec<u8>>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            partial: None,
        }
    }
}

impl Failure {
    /// A failure after the answer started, with what arrived of its body.
    fn after(error: Error, body: Vec<u8>) -> Failure {
        Failure {
            error,
            partial: Some(body),
        }
    }
}

/// The instant `limit` from now, or a far future when that cannot be represented.
pub(crate) fn deadline_after(limit: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(limit)
        .unwrap_or_else(|| now + Duration::from_secs(60 * 60 * 24 * 365))
}

/// Sends `request` and reads the whole answer, or fails at `deadline`, or when the body grows
/// past `target.max_response_bytes` (a `Content-Length` above it is refused before reading).
pub(crate) async fn send(
    target: &Target<'_>,
    request: &Request,
    deadline: Instant,
    limit: Duration,
) -> Result<RawResponse, Failure> {
    let operation = request.operation;
    let outgoing = build(target, request)
        .map_err(|err| Failure::from(transport_error(operation, None, err)))?;
    let sent_to = outgoing.url().clone();
    let mut response = match tokio::time::timeout_at(deadline, target.http.execute(outgoing)).await
    {
        Err(_) => return Err(Error::Timeout { after: limit }.into()),
        Ok(Err(err)) => return Err(transport_error(operation, None, err).into()),
        Ok(Ok(it)) => it,
    };
    let status = response.status().as_u16();
    // The client's own reqwest client follows no redirect; one given to
    // `ClientBuilder::http_client` may have, and then this answer is not the API's answer to
    // the request: a POST may have gone out again as a GET, with the API key, to another URL.
    if response.url() != &sent_to {
        let error = Error::Redirected(Redirected {
            status,
            location: Some(redirect_target(response.url().as_str())),
            followed: true,
        });
        return Err(Failure::after(error, Vec::new()));
    }
    let headers = std::mem::take(response.headers_mut());
    let body = read_body(
        response,
        Reading {
            operation,
            status,
            max_bytes: target.max_response_bytes,
            deadline,
            limit,
        },
    )
    .await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// The request reqwest sends: the method, the URL with the query, the API key, the headers
/// and the body.
fn build(target: &Target<'_>, request: &Request) -> Result<reqwest::Request, reqwest::Error> {
    let url = format!("{}{}", target.base_url, request.path);
    let mut builder = target
        .http
        .request(request.method.clone(), url)
        .header(headers::API_KEY, target.api_key.clone());
    if !request.query.is_empty() {
        builder = builder.query(&request.query);
    }
    for (name, value) in &request.headers {
        builder = builder.header(name.clone(), value.clone());
    }
    if let Some(body) = &request.body {
        builder = builder
            .header(CONTENT_TYPE, "application/json")
            .body(body.json.clone());
    }
    builder.build()
}

/// What reading a body needs to know: for messages, and the size and time limits.
struct Reading {
    operation: &'static str,
    status: u16,
    max_bytes: u64,
    deadline: Instant,
    /// The attempt's time limit, for the timeout error.
    limit: Duration,
}

/// Reads the body into one buffer, sized from `Content-Length` when the answer gives one,
/// up to `max_bytes`.
async fn read_body(mut response: reqwest::Response, reading: Reading) -> Result<Vec<u8>, Failure> {
    let too_large = |content_length| {
        Error::ResponseTooLarge(ResponseTooLarge {
            status: reading.status,
            limit: reading.max_bytes,
            content_length,
        })
    };
    let declared = response.content_length();
    if let Some(length) = declared.filter(|it| *it > reading.max_bytes) {
        return Err(Failure::after(too_large(Some(length)), Vec::new()));
    }
    // `declared` is at most the limit here; a body that is shorter than it said is cut, and
    // hyper refuses one that is longer.
    let mut body = Vec::with_capacity(usize::try_from(declared.unwrap_or(0)).unwrap_or(0));
    let max = usize::try_from(reading.max_bytes).unwrap_or(usize::MAX);
    loop {
        let chunk = match tokio::time::timeout_at(reading.deadline, response.chunk()).await {
            Err(_) => {
                let error = Error::Timeout {
                    after: reading.limit,
                };
                return Err(Failure::after(error, body));
            }
            Ok(Err(err)) => {
                let error = transport_error(reading.operation, Some(reading.status), err);
                return Err(Failure::after(error, body));
            }
            Ok(Ok(None)) => return Ok(body),
            Ok(Ok(Some(chunk))) => chunk,
        };
        let take = chunk.len().min(max - body.len());
        if body.capacity() - body.len() < take {
            // Grow by doubling, as `Vec` does, but never past the limit.
            let capacity = (body.len() + take).max(body.capacity() * 2).min(max);
            body.reserve_exact(capacity - body.len());
        }
        body.extend_from_slice(&chunk[..take]);
        if take < chunk.len() {
            return Err(Failure::after(too_large(declared), body));
        }
    }
}

fn transport_error(operation: &str, status: Option<u16>, mut err: reqwest::Error) -> Error {
    // reqwest's message (and `Debug`) shows the URL: never with its credentials, which a base
    // URL may carry.
    if let Some(url) = err.url_mut() {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    if err.is_builder() {
        return Error::refused(format!("`{operation}`: the request cannot be built: {err}"));
    }
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport(TransportError {
        status,
        // A connection error means no connection, so nothing of the request was written.
        maybe_sent: status.is_some() || !err.is_connect(),
        message: printable(&format!("`{operation}`: {message}")),
        source: Some(Box::new(err)),
    })
}

/// Percent-encodes a path segment: everything but unreserved characters (RFC 3986).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(
            encode_path_segment("O-01H5WQGHKCBB85MQFM68S9KJ5Q"),
            "O-01H5WQGHKCBB85MQFM68S9KJ5Q"
        );
        assert_eq!(encode_path_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    fn retry_after_of(value: &[u8], now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_bytes(value).unwrap(),
        );
        retry_after(&headers, now)
    }

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let now = httpdate::parse_http_date("Thu, 26 Nov 2026 10:00:00 GMT").unwrap();
        let answer = |value: &str| retry_after_of(value.as_bytes(), now);
        assert_eq!(answer("7"), Some(Duration::from_secs(7)));
        assert_eq!(answer(" 1.5 "), Some(Duration::from_millis(1500)));
        assert_eq!(
            answer("Thu, 26 Nov 2026 10:00:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            answer("Thu, 26 Nov 2026 09:59:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(answer("soon"), None);
        assert_eq!(answer("-3"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    /// Issue 9, item 1: these values made `Duration::from_secs_f64` panic.
    #[test]
    fn retry_after_too_large_for_a_duration_is_forever_not_a_panic() {
        let now = SystemTime::now();
        for huge in [
            "1e20",
            "99999999999999999999",
            "18446744073709551616",
            "1e308",
            "1.8446744073709552e19",
            "184467440737095516150000000000000000000000",
        ] {
            assert_eq!(
                retry_after_of(huge.as_bytes(), now),
                Some(Duration::MAX),
                "{huge}"
            );
        }
        assert_eq!(
            retry_after_of(b"18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for ignored in [
            "NaN".as_bytes(),
            b"inf",
            b"-inf",
            b"1e400",
            b"-0.5",
            b"",
            b"0x10",
            b"Fri, 31 Dec 99999 23:59:59 GMT",
            b"\xff\xfe",
        ] {
            assert_eq!(retry_after_of(ignored, now), None, "{ignored:?}");
        }
    }

    #[test]
    fn managed_headers_cannot_be_replaced() {
        let mut request = Request::new("createOrder", reqwest::Method::POST, "/order".into());
        request.header(headers::IDEMPOTENCY_KEY, "k").unwrap();
        assert!(request.extra_header("x-idempotency-key", "other").is_err());
        assert!(request.extra_header("X-Api-Key", "other").is_err());
        assert!(
            request
                .extra_header("X-Trigger-Error", "insufficient_funds")
                .is_ok()
        );
        assert!(request.header(headers::IDEMPOTENCY_KEY, "a\nb").is_err());
    }
}
