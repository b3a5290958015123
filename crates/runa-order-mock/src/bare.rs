//! hyper's own answers to requests it cannot parse (a bare `400`, `414` or `431` without a body), rewritten on their way out into the API's error shape.
//!
//! hyper answers text that is not HTTP/1.1 by itself, before any service sees a request, and
//! has no hook to change that answer. The connection's IO is wrapped instead: a write that
//! is exactly such an answer (a `400`, `414` or `431` head with `content-length: 0` and
//! nothing after it) is replaced by the same status with an `APIErrorResponse` body. Every
//! answer of the mock's own has a JSON body, so it never looks like one. Writes are not
//! vectored, so hyper hands each head over in one buffer.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;

/// An IO whose bare error answers from hyper get a JSON body.
#[derive(Debug)]
pub(crate) struct ApiShaped<T> {
    pub(crate) inner: T,
    /// Builds the body of the replacement for a bare answer with this status.
    shape: fn(u16) -> Bytes,
    /// A replacement still to be written.
    pending: Option<Pending>,
}

/// A replacement being written: its bytes and how many of them were written.
#[derive(Debug)]
struct Pending {
    bytes: Vec<u8>,
    written: usize,
}

impl<T> ApiShaped<T> {
    pub(crate) fn new(inner: T, shape: fn(u16) -> Bytes) -> ApiShaped<T> {
        ApiShaped {
            inner,
            shape,
            pending: None,
        }
    }
}

/// The status of `buf` when it is one of hyper's bare error answers.
fn bare_status(buf: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(buf).ok()?;
    let rest = text.strip_prefix("HTTP/1.1 ")?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if ![400, 414, 431].contains(&status) {
        return None;
    }
    let head = text.strip_suffix("\r\n\r\n")?;
    if head.contains("\r\n\r\n") {
        return None;
    }
    let mut length_zero = false;
    for line in head.lines().skip(1) {
        let (name, value) = line.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "content-length" if value.trim() == "0" => length_zero = true,
            "content-length" | "content-type" | "transfer-encoding" => return None,
            _ => {}
        }
    }
    length_zero.then_some(status)
}

/// The replacement answer: the status line of the original, then a JSON body.
fn replacement(status: u16, reason: &str, body: &[u8]) -> Vec<u8> {
    let mut it = format!(
        "HTTP/1.1 {status} {reason}\r\nconnection: close\r\ncontent-type: application/json\r\n\
         x-api-version: {}\r\ncontent-length: {}\r\n\r\n",
        runa_order_client::API_VERSION,
        body.len()
    )
    .into_bytes();
    it.extend_from_slice(body);
    it
}

impl<T: hyper::rt::Write + Unpin> ApiShaped<T> {
    /// Writes what is left of a replacement; ready when nothing is left.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(Pending { bytes, written }) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n =
                std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for ApiShaped<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        if let Some(status) = bare_status(buf) {
            let reason = http::StatusCode::from_u16(status)
                .ok()
                .and_then(|it| it.canonical_reason())
                .unwrap_or("Bad Request");
            let body = (this.shape)(status);
            this.pending = Some(Pending {
                bytes: replacement(status, reason, &body),
                written: 0,
            });
            // hyper's bytes count as written; the replacement goes out instead.
            let _ = this.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for ApiShaped<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_error_answers_are_recognised() {
        let bare = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
                     date: Sun, 29 Nov 2026 10:15:46 GMT\r\n\r\n";
        assert_eq!(bare_status(bare), Some(400));
        let large = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
                      content-length: 0\r\n\r\n";
        assert_eq!(bare_status(large), Some(431));
        // Answers of the mock's own: a body, a content type, another status.
        let json = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n";
        let answers = [
            format!("{json}content-length: 2\r\n\r\n{{}}"),
            format!("{json}content-length: 0\r\n\r\n"),
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
                .to_owned(),
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_owned(),
            "HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n".to_owned(),
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n".to_owned(),
        ];
        for own in &answers {
            let own = own.as_bytes();
            assert_eq!(bare_status(own), None, "{}", String::from_utf8_lossy(own));
        }
    }
}
