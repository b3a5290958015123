//! The accept loop: admits connections within the limit, backs off on accept errors, serves the router on each connection within the header and body limits (hyper's own error answers put in the API's shape), and can close one connection without answering.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{Router, body::Body};
use http::{HeaderValue, header::CONNECTION};
use hyper::{Request, body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
    task::JoinSet,
};
use tower_service::Service;

use crate::{
    answers::{self, bare_answer},
    app::{self, App},
    bare::ApiShaped,
    limits::{AcceptBackoff, Admitted, BodyReader, BodyRefusal, Busy, Connections},
};

/// What every connection of one server shares.
pub(crate) struct Shared {
    pub(crate) app: Arc<App>,
    pub(crate) router: Router,
    pub(crate) connections: Arc<Connections>,
    pub(crate) bodies: BodyReader,
}

impl Shared {
    /// What the connections of a server share; an error says why the router cannot be built.
    pub(crate) fn new(app: Arc<App>) -> Result<Arc<Shared>, String> {
        Ok(Arc::new(Shared {
            router: app::router(Arc::clone(&app))?,
            connections: Connections::new(app.limits.max_connections),
            bodies: BodyReader::new(&app.limits),
            app,
        }))
    }
}

/// Accepts connections until the task is aborted; aborting it closes every connection.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    let mut backoff = AcceptBackoff::default();
    loop {
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _)) => {
                backoff.succeeded();
                // Over the limit with every connection busy: closed at once.
                let Some(admitted) = shared.connections.admit() else {
                    continue;
                };
                // Small answers go out at once.
                let _ = stream.set_nodelay(true);
                connections.spawn(connection(stream, admitted, Arc::clone(&shared)));
            }
            // Out of file descriptors, or another error that may last: wait before the next
            // accept instead of spinning.
            Err(_) => tokio::time::sleep(backoff.after_error()).await,
        }
    }
}

async fn connection(stream: TcpStream, admitted: Admitted, shared: Arc<Shared>) {
    let state = Arc::clone(&admitted.state);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.app.limits.header_read_timeout)
        // hyper refuses a buffer under 8 KiB.
        .max_buf_size(shared.app.limits.max_header_bytes.max(8192));
    let service = {
        let state = Arc::clone(&state);
        service_fn(move |request: Request<Incoming>| {
            let shared = Arc::clone(&shared);
            let state = Arc::clone(&state);
            async move {
                let _busy = Busy::new(&state);
                let (mut parts, body) = request.into_parts();
                parts.extensions.insert(Arc::clone(&state));
                // Authenticated first: a request that does not need its body, or that the
                // preamble will refuse, is routed without it and takes none of the budget.
                if !app::wants_body(&shared.app, &parts.method, &parts.uri, &parts.headers) {
                    drop(body);
                    let request = Request::from_parts(parts, Body::empty());
                    let response = shared.router.clone().call(request).await;
                    return Ok(response.unwrap_or_else(|never: Infallible| match never {}));
                }
                let response = match shared.bodies.read(body).await {
                    Ok(body) => {
                        let request = Request::from_parts(parts, Body::from(body.bytes));
                        let response = shared.router.clone().call(request).await;
                        // The body's share of the budget is given back once it is processed.
                        drop(body.share);
                        response.unwrap_or_else(|never: Infallible| match never {})
                    }
                    Err(refusal) => refused(&shared.app, &refusal),
                };
                Ok::<_, Infallible>(response)
            }
        })
    };
    let serving = builder
        .serve_connection(ApiShaped::new(TokioIo::new(stream), bare_answer), service)
        .without_shutdown();
    let served = tokio::select! {
        served = serving => Some(served),
        // Dropping the connection future closes the socket without an answer.
        () = state.closed() => None,
    };
    if let Some(Ok(parts)) = served {
        linger(parts.io.inner.into_inner()).await;
    }
    drop(admitted);
}

/// How long a closing connection keeps reading (and discarding) what the client still sends.
pub(crate) const LINGER: Duration = Duration::from_secs(1);

/// Closes a connection the way HTTP asks (RFC 9112, 9.6): the server's side first, then
/// what the client still sends (a body that was refused) is read and discarded for up to
/// [`LINGER`], in a small buffer. Closing with unread data would reset the connection, and
/// the client could lose the answer (`413`, `408`) it was sent.
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut buffer = [0u8; 8192];
    let _ = tokio::time::timeout(LINGER, async {
        while let Ok(1..) = stream.read(&mut buffer).await {}
    })
    .await;
}

/// The answer to a body that was not read; the connection is closed after it.
fn refused(app: &App, refusal: &BodyRefusal) -> hyper::Response<Body> {
    let mut response = match refusal {
        BodyRefusal::TooLarge(limit) => answers::protocol_error(
            app,
            413,
            "payload_too_large",
            format!("The body is larger than the limit of {limit} bytes."),
        ),
        BodyRefusal::TimedOut(timeout) => answers::protocol_error(
            app,
            408,
            "request_timeout",
            format!("The body did not arrive within {} ms.", timeout.as_millis()),
        ),
        BodyRefusal::Broken(problem) => answers::protocol_error(
            app,
            400,
            "bad_request",
            format!("The body could not be read: {problem}."),
        ),
    };
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}
