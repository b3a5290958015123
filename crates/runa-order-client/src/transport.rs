//! One HTTP exchange: a prepared request goes out through reqwest, its whole answer comes back, within a time limit.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use crate::{Error, error::TransportError, headers};

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

/// A serialized JSON body and the `$defs` name it must match.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) definition: &'static str,
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

    pub fn json_body<T: serde::Serialize>(
        &mut self,
        definition: &'static str,
        body: &T,
    ) -> Result<(), Error> {
        let json = serde_json::to_vec(body).map_err(|err| {
            Error::refused(format!(
                "the `{definition}` body cannot be serialized: {err}"
            ))
        })?;
        self.body = Some(Body { definition, json });
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
        self.retry_after_at(std::time::SystemTime::now())
    }

    /// [`RawResponse::retry_after`], with `now` the wall-clock time an HTTP date is measured from.
    pub(crate) fn retry_after_at(&self, now: std::time::SystemTime) -> Option<Duration> {
        let value = self
            .headers
            .get(reqwest::header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim();
        if let Ok(seconds) = value.parse::<f64>() {
            return (seconds.is_finite() && seconds >= 0.0)
                .then(|| Duration::from_secs_f64(seconds));
        }
        let date = httpdate::parse_http_date(value).ok()?;
        Some(date.duration_since(now).unwrap_or(Duration::ZERO))
    }
}

/// What the transport needs besides the request.
pub(crate) struct Target<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) base_url: &'a str,
    pub(crate) api_key: &'a HeaderValue,
}

/// Sends `request` and reads the whole answer, or fails after `limit`.
pub(crate) async fn send(
    target: &Target<'_>,
    request: &Request,
    limit: Duration,
) -> Result<RawResponse, Error> {
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
    let operation = request.operation;
    let exchange = async {
        let response = builder
            .send()
            .await
            .map_err(|err| transport_error(operation, None, err))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|err| transport_error(operation, Some(status), err))?
            .to_vec();
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    };
    match tokio::time::timeout(limit, exchange).await {
        Err(_) => Err(Error::Timeout { after: limit }),
        Ok(outcome) => outcome,
    }
}

fn transport_error(operation: &str, status: Option<u16>, err: reqwest::Error) -> Error {
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
        message: format!("`{operation}`: {message}"),
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

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let answer = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                reqwest::header::RETRY_AFTER,
                HeaderValue::from_str(value).unwrap(),
            );
            RawResponse {
                status: 429,
                headers,
                body: Vec::new(),
            }
        };
        let now = httpdate::parse_http_date("Thu, 26 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(
            answer("7").retry_after_at(now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            answer(" 1.5 ").retry_after_at(now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            answer("Thu, 26 Nov 2026 10:00:30 GMT").retry_after_at(now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            answer("Thu, 26 Nov 2026 09:59:00 GMT").retry_after_at(now),
            Some(Duration::ZERO)
        );
        assert_eq!(answer("soon").retry_after_at(now), None);
        assert_eq!(answer("-3").retry_after_at(now), None);
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
