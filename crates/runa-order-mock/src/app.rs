//! The application: the state the endpoints share, the router built from the generated operations, and the one preamble every endpoint runs first (API key, version, rate limit and faults, path, idempotency key, request log, body).

use std::{
    future::Future,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequestParts, Path, Request, State},
    http::{HeaderMap, Method, Uri, request::Parts},
    response::Response,
    routing::{MethodFilter, get, on},
};
use bytes::Bytes;
use runa_order_client::{
    API_VERSION, ApiErrorType, REMOVED_API_VERSIONS, headers, operations::Operation,
    servers::BASE_PATH,
};

use crate::{
    answers::{self, Answer},
    config::{Config, Limits},
    endpoints::{Create, Estimate, GetOne, List},
    faults::{FaultState, Injected, RateLimiter},
    ids::Counter,
    money::ExactCatalogue,
    openapi::{self, OPENAPI_PATH},
    state::{RecordedRequest, Store},
    work::Work,
};

/// Everything the endpoints share.
pub(crate) struct App {
    pub(crate) catalogue: ExactCatalogue,
    pub(crate) limits: Limits,
    pub(crate) work: Work,
    pub(crate) async_delay: Duration,
    pub(crate) api_keys: Option<Vec<String>>,
    pub(crate) store: Arc<Store>,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) orders: Counter,
    rate_limiter: RateLimiter,
    /// A test's stand-in for a long page: each page of a list waits on it while it is
    /// written.
    #[cfg(test)]
    pub(crate) page_hold: Option<Arc<crate::work::tests::Hold>>,
}

impl App {
    /// The shared state of a server; an error names the catalogue entry that cannot be used.
    pub(crate) fn new(config: Config) -> Result<App, String> {
        let mut faults = FaultState::default();
        faults.set(config.faults);
        Ok(App {
            catalogue: ExactCatalogue::new(&config.catalogue)?,
            work: Work::new(
                config.limits.max_concurrent_body_checks,
                config.limits.body_check_wait,
            ),
            store: Arc::new(Store::new(&config.limits)),
            limits: config.limits,
            async_delay: config.async_delay,
            api_keys: config.api_keys,
            faults: Mutex::new(faults),
            orders: Counter::default(),
            rate_limiter: RateLimiter::new(config.rate_limit),
            #[cfg(test)]
            page_hold: None,
        })
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// Waits as long as the injected delay asks, if it does.
    pub(crate) async fn delay(&self) {
        let delay = self.faults().delay();
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
    }
}

/// One endpoint of the mock: the generated operation it serves, and its answer to a request
/// that passed the preamble ([`serve`]).
pub(crate) trait Endpoint: 'static {
    /// The operation, from the client's generated code: method, path, the body of each
    /// status, the idempotency header.
    const OPERATION: &'static Operation;
    /// Whether the rate limit and the injected `429` and `500` apply (`POST /order`: the
    /// API's rate limit counts orders).
    const LIMITED: bool = false;

    /// The answer to an admitted request.
    fn answer(app: &Arc<App>, call: Call) -> impl Future<Output = Answer> + Send;
}

/// The operations the mock serves, each with its endpoint.
pub(crate) fn router(app: Arc<App>) -> Result<Router, String> {
    let router = Router::new();
    let router = route::<Create>(router)?;
    let router = route::<GetOne>(router)?;
    let router = route::<List>(router)?;
    let router = route::<Estimate>(router)?;
    Ok(router
        // The OpenAPI document is not an operation of the API: no preamble, no API key.
        .route(OPENAPI_PATH, get(openapi::document))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        // The server reads bodies within its own limits (`Limits`) before routing.
        .layer(DefaultBodyLimit::disable())
        .with_state(app))
}

/// The operations the router serves.
#[cfg(test)]
pub(crate) const SERVED: [&Operation; 4] = [
    Create::OPERATION,
    GetOne::OPERATION,
    List::OPERATION,
    Estimate::OPERATION,
];

fn route<E: Endpoint>(router: Router<Arc<App>>) -> Result<Router<Arc<App>>, String> {
    let operation = E::OPERATION;
    let filter = MethodFilter::try_from(operation.method.clone()).map_err(|_| {
        format!(
            "the mock cannot route `{}`: its method {} has no method filter",
            operation.id, operation.method
        )
    })?;
    Ok(router.route(
        &format!("{BASE_PATH}{}", operation.path),
        on(filter, serve::<E>),
    ))
}

/// A request that passed the preamble.
#[derive(Debug)]
pub(crate) struct Call {
    /// The API key it came with.
    pub(crate) api_key: String,
    /// The idempotency key, for an operation that has one.
    pub(crate) idempotency_key: Option<String>,
    /// The values of the path's placeholders, percent-decoded, in order.
    pub(crate) path_values: Vec<String>,
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
}

impl Call {
    /// The value of a header, if it is text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.parts.headers, name)
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|it| it.to_str().ok())
}

/// Every endpoint's handler: the preamble, then the endpoint's answer, checked against the
/// spec as it is sent.
async fn serve<E: Endpoint>(State(app): State<Arc<App>>, request: Request) -> Response {
    let answer = match admit::<E>(&app, request).await {
        Ok(call) => E::answer(&app, call).await,
        Err(refused) => refused,
    };
    answers::respond_checked(&app, E::OPERATION, answer).await
}

/// The preamble. A request refused here leaves nothing behind, not even an entry in the
/// request log: the API key and the version are checked, then (for a limited endpoint) the
/// rate limit and the injected faults, the path's values and the idempotency key. An admitted
/// request is logged.
async fn admit<E: Endpoint>(app: &App, request: Request) -> Result<Call, Answer> {
    let (mut parts, body) = request.into_parts();
    let api_key = authenticate(app, &parts.headers)?;
    if E::LIMITED {
        limit(app)?;
    }
    let path_values = path_values(E::OPERATION, &mut parts).await?;
    let idempotency_key = match E::OPERATION.idempotency_header {
        Some(name) => Some(idempotency_key(app, &parts.headers, name)?),
        None => None,
    };
    // The server read the whole body, within its limits, before routing.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|err| {
            Answer::api_error(
                &ApiErrorType::BadRequest,
                Some(format!("The body could not be read: {err}.")),
            )
        })?;
    app.store.record_request(RecordedRequest::new(
        parts.method.as_str(),
        parts.uri.path(),
        idempotency_key.clone(),
    ));
    Ok(Call {
        api_key,
        idempotency_key,
        path_values,
        parts,
        body,
    })
}

/// Whether the server reads a request's body: only for an operation that takes one, and only
/// when the preamble would let the request through its API key and version, so that a
/// request without a valid API key never takes a byte of the body budget. Another request is
/// routed without its body (hyper drains a small one that already arrived, and closes the
/// connection after the answer otherwise).
pub(crate) fn wants_body(app: &App, method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
    let takes_body = [Create::OPERATION, Estimate::OPERATION]
        .iter()
        .any(|it| *method == it.method && uri.path().strip_prefix(BASE_PATH) == Some(it.path));
    takes_body && authenticate(app, headers).is_ok()
}

/// The API key (required, and one of `Config::api_keys` when those are set) and the
/// version (absent, or the one the crate was generated for).
fn authenticate(app: &App, headers: &HeaderMap) -> Result<String, Answer> {
    let key = header(headers, headers::API_KEY)
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() {
        return Err(Answer::api_error(&ApiErrorType::Unauthorized, None));
    }
    if let Some(keys) = &app.api_keys
        && !keys.iter().any(|it| it == key)
    {
        return Err(Answer::api_error(&ApiErrorType::InvalidApiKey, None));
    }
    if let Some(version) = headers.get(headers::API_VERSION) {
        let version = version.to_str().unwrap_or_default();
        if REMOVED_API_VERSIONS.contains(&version) {
            return Err(Answer::api_error(&ApiErrorType::VersionRemoved, None));
        }
        if version != API_VERSION {
            return Err(Answer::api_error(&ApiErrorType::InvalidVersion, None));
        }
    }
    Ok(key.to_owned())
}

/// The rate limit, then the injected `429` and `500`.
fn limit(app: &App) -> Result<(), Answer> {
    let injected = match app.rate_limiter.count() {
        Some(retry_after) => Some(Injected::RateLimit { retry_after }),
        None => app.faults().before_processing(),
    };
    match injected {
        None => Ok(()),
        Some(Injected::RateLimit { retry_after }) => Err(Answer {
            retry_after: Some(retry_after),
            ..Answer::new(
                429,
                &runa_order_types::RateExceededResponse {
                    error: "rate exceeded".to_owned(),
                },
            )
        }),
        Some(Injected::ServerError) => {
            Err(Answer::api_error(&ApiErrorType::InternalServerError, None))
        }
    }
}

/// The percent-decoded values of the path's placeholders; a value that is not UTF-8 is
/// `400 bad_request`.
async fn path_values(operation: &Operation, parts: &mut Parts) -> Result<Vec<String>, Answer> {
    if !operation.path.contains('{') {
        return Ok(Vec::new());
    }
    let Path(values) = Path::<Vec<(String, String)>>::from_request_parts(parts, &())
        .await
        .map_err(|rejection| {
            Answer::api_error(
                &ApiErrorType::BadRequest,
                Some(format!("The path is malformed: {rejection}.")),
            )
        })?;
    Ok(values.into_iter().map(|(_, value)| value).collect())
}

/// The idempotency key: required, not blank, and at most `max_idempotency_key_bytes` long.
fn idempotency_key(app: &App, headers: &HeaderMap, name: &str) -> Result<String, Answer> {
    let bad_request = |message| Answer::api_error(&ApiErrorType::BadRequest, Some(message));
    let Some(key) = header(headers, name).filter(|it| !it.trim().is_empty()) else {
        return Err(bad_request(format!("The '{name}' header is required.")));
    };
    let max = app.limits.max_idempotency_key_bytes;
    if key.len() > max {
        return Err(bad_request(format!(
            "The '{name}' header is {} bytes long; the limit is {max}.",
            key.len()
        )));
    }
    Ok(key.to_owned())
}

/// `404 not_found`; outside the API's paths (`/order` instead of `/v2/order`, a base URL
/// without its path) the message names the prefix, which is the usual mistake.
async fn unknown_route(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let message = (!is_under(uri.path(), BASE_PATH)).then(|| {
        format!(
            "There is nothing at {}: the API's paths start with {BASE_PATH} (for example \
             {BASE_PATH}/order). Give clients the base URL that ends in {BASE_PATH}, which \
             the mock prints as its second line.",
            uri.path()
        )
    });
    answers::respond(
        &app,
        None,
        Answer::api_error(&ApiErrorType::NotFound, message),
    )
}

/// Whether `path` is `prefix` or below it (`/v2`, `/v2/...`, not `/v2x`).
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

async fn method_not_allowed(State(app): State<Arc<App>>, method: Method) -> Response {
    answers::protocol_error(
        &app,
        405,
        "method_not_allowed",
        format!("This path does not accept {method}."),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use runa_order_client::operations::ALL;

    use super::*;

    #[test]
    fn the_mock_serves_every_operation_of_the_spec_once() {
        let spec: BTreeSet<&str> = ALL.iter().map(|it| it.id).collect();
        let served: BTreeSet<&str> = SERVED.iter().map(|it| it.id).collect();
        assert_eq!(served, spec);
        assert_eq!(SERVED.len(), ALL.len());
        assert!(router(Arc::new(App::new(Config::default()).unwrap())).is_ok());
    }
}
