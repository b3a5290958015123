//! The accept loop: serves the router on each connection, and can close one connection without answering.

use std::sync::Arc;

use axum::Router;
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, sync::Notify, task::JoinSet};
use tower_service::Service;

/// A handle on the connection a request came on, given to handlers as an extension.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    close: Arc<Notify>,
}

impl Connection {
    /// Closes the connection at once, without sending anything more on it.
    pub(crate) fn close(&self) {
        self.close.notify_one();
    }
}

/// Accepts connections until the task is aborted; aborting it closes every connection.
pub(crate) async fn serve(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // Small answers go out at once.
                let _ = stream.set_nodelay(true);
                connections.spawn(connection(stream, router.clone()));
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, router: Router) {
    let close = Arc::new(Notify::new());
    let handle = Connection {
        close: Arc::clone(&close),
    };
    let service = service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().call(request)
    });
    let serving = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = serving => {}
        // Dropping the connection future closes the socket without an answer.
        () = close.notified() => {}
    }
}
