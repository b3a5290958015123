//! The four endpoints: authentication, versions, idempotency, validation, pricing, pagination and the injected faults.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, Path, Query, RawQuery, State, rejection::PathRejection},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE},
    response::Response,
    routing::{get, post},
};
use bytes::Bytes;
use rand::RngExt;
use runa_order_client::{
    API_VERSION, ApiErrorType, ExecutionMode, REMOVED_API_VERSIONS, headers,
    operations::{create_order, estimate_order_price, get_list_of_orders, get_single_order},
};
use runa_order_types::{
    APIErrorResponse, AccountPayment, AccountPaymentType, AsyncAcceptedOrder, CompletedOrderItem,
    CompletedOrderItemProducts, CompletedOrderWithBasicDetails, CompletedOrderWithFullDetails,
    Currency, EstimateProducts, IncompleteOrder, NewOrderDetails, NewOrderItemProducts, OrderId,
    OrderList, OrderListItem, OrderPriceRequest, OrderStatus, Page, PageCursors, PageableMeta,
    PayoutDetails, PayoutStatus, ProductDiscountMultiplier, RateExceededResponse,
    SyncCompletedOrder, SyncCompletedOrderStatus, Timestamp, TransactionDetail,
    TransactionDetailEntry, ValidationErrorItem, ValidationErrorResponse,
};
use rust_decimal::Decimal;
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    config::{Config, Faults, Limits},
    limits::ConnectionState,
    money::{self, ExactCatalogue, Number},
    state::{Begin, Fingerprint, RecordedRequest, Store, StoredOrder, StoredResponse},
    validation::{self, Refused},
    work::{NotDone, Work},
};

/// The playground header that simulates errors.
pub const TRIGGER_ERROR_HEADER: &str = "X-Trigger-Error";

/// Everything the handlers share.
pub(crate) struct App {
    pub(crate) catalogue: ExactCatalogue,
    pub(crate) limits: Limits,
    pub(crate) work: Work,
    pub(crate) async_delay: Duration,
    pub(crate) api_keys: Option<Vec<String>>,
    pub(crate) store: Arc<Store>,
    pub(crate) faults: Mutex<FaultState>,
    rate_window: Mutex<(Instant, u32)>,
    rate_limit: Option<crate::config::RateLimit>,
    order_counter: AtomicU64,
}

#[derive(Default)]
pub(crate) struct FaultState {
    pub(crate) faults: Faults,
    rate_limits: u64,
    server_errors: u64,
    stored: u64,
}

impl FaultState {
    pub(crate) fn set(&mut self, faults: Faults) {
        *self = FaultState {
            faults,
            ..FaultState::default()
        };
    }
}

/// True on every `n`-th call, counting in `counter`.
fn every(n: Option<u32>, counter: &mut u64) -> bool {
    match n {
        Some(n) if n > 0 => {
            *counter += 1;
            (*counter).is_multiple_of(u64::from(n))
        }
        _ => false,
    }
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
            store: Arc::new(Store::new(config.limits.request_log_capacity)),
            limits: config.limits,
            async_delay: config.async_delay,
            api_keys: config.api_keys,
            faults: Mutex::new(faults),
            rate_window: Mutex::new((Instant::now(), 0)),
            rate_limit: config.rate_limit,
            order_counter: AtomicU64::new(0),
        })
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|it| it.into_inner())
    }
}

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v2/order", post(create).get(list))
        .route("/v2/order/estimate", post(estimate))
        .route("/v2/order/{id}", get(get_one))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        // The server reads bodies within its own limits (`Limits`) before routing.
        .layer(DefaultBodyLimit::disable())
        .with_state(app)
}

/// The body the spec documents for `status` of an operation, if any.
type BodyOf = fn(u16) -> Option<&'static str>;

/// An answer with a JSON body. Each answer is checked against the spec; a mismatch is
/// recorded (see `MockServer::spec_violations`), since the mock must never send one.
fn answer(app: &App, body_of: BodyOf, status: u16, body: Bytes) -> Response {
    match body_of(status) {
        Some(definition) => {
            if let Err(problem) = validation::check_response(definition, &body) {
                app.store.record_spec_violation(format!(
                    "{status} answer does not match `{definition}`: {problem}"
                ));
            }
        }
        None => app.store.record_spec_violation(format!(
            "status {status} is not documented for this operation"
        )),
    }
    raw_answer(status, body)
}

/// An answer to a request refused below the operations (an unknown path, a method a path
/// does not have, a body over the limits, a malformed request): an `APIErrorResponse` of
/// `error_type`. Its body is checked against the spec like every other answer.
pub(crate) fn protocol_error(
    app: &App,
    status: u16,
    error_type: &str,
    message: String,
) -> Response {
    let body = to_json(&APIErrorResponse {
        help: None,
        message,
        type_: error_type.to_owned(),
    });
    answer_shape(app, status, body)
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
    to_json(&APIErrorResponse {
        help: None,
        message: message.to_owned(),
        type_: error_type.to_owned(),
    })
}

fn raw_answer(status: u16, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
        .headers_mut()
        .insert(headers::API_VERSION, HeaderValue::from_static(API_VERSION));
    response
}

fn to_json<T: Serialize>(value: &T) -> Bytes {
    // The body types have string keys and no floats that are not finite, so this cannot fail;
    // if it did, the answer would be an empty body, which the spec check reports.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

/// An `APIErrorResponse` with the documented message of `error_type`.
fn api_error(error_type: &ApiErrorType, message: Option<String>) -> (u16, Bytes) {
    let status = error_type.documented_status().unwrap_or(400);
    let message = message
        .or_else(|| error_type.documented_message().map(str::to_owned))
        .unwrap_or_default();
    (
        status,
        to_json(&APIErrorResponse {
            help: None,
            message,
            type_: error_type.as_str().to_owned(),
        }),
    )
}

fn validation_error(details: Vec<ValidationErrorItem>) -> (u16, Bytes) {
    (
        422,
        to_json(&ValidationErrorResponse {
            details,
            help: None,
            message: "There were one or more problems processing your request, see details key."
                .to_owned(),
            type_: ApiErrorType::ValidationError.as_str().to_owned(),
        }),
    )
}

/// The checks every endpoint makes first: the API key and the version.
fn preamble(app: &App, headers: &HeaderMap) -> Result<String, (u16, Bytes)> {
    let key = headers
        .get(headers::API_KEY)
        .and_then(|it| it.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() {
        return Err(api_error(&ApiErrorType::Unauthorized, None));
    }
    if let Some(keys) = &app.api_keys
        && !keys.iter().any(|it| it == key)
    {
        return Err(api_error(&ApiErrorType::InvalidApiKey, None));
    }
    if let Some(version) = headers.get(headers::API_VERSION) {
        let version = version.to_str().unwrap_or_default();
        if REMOVED_API_VERSIONS.contains(&version) {
            return Err(api_error(&ApiErrorType::VersionRemoved, None));
        }
        if version != API_VERSION {
            return Err(api_error(&ApiErrorType::InvalidVersion, None));
        }
    }
    Ok(key.to_owned())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|it| it.to_str().ok())
}

/// A request body that passed every check: the typed value and its face values, read
/// exactly from the text and rounded to cents (see `money`).
pub(crate) struct Checked<T> {
    value: T,
    face_values: Vec<Decimal>,
}

/// Checks a request body against the spec with the validator's strict reader, then reads it
/// into `T` and its face values from the text. The error is the answer: `400 bad_request`
/// for text that is not JSON (a repeated key included), `422 validation_error` with at most
/// `max_details` details otherwise. CPU-heavy: called on the blocking pool.
fn check_body<T: DeserializeOwned>(
    definition: &str,
    body: &[u8],
    max_details: usize,
) -> Result<Checked<T>, (u16, Bytes)> {
    validation::check_request(definition, body, max_details).map_err(|refused| match refused {
        Refused::NotJson(problem) => api_error(
            &ApiErrorType::BadRequest,
            Some(format!("The body is not valid JSON: {problem}.")),
        ),
        Refused::Invalid(details) => validation_error(details),
    })?;
    let typed: Result<T, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body));
    let value = typed.map_err(|err| {
        let location = err
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        validation_error(vec![ValidationErrorItem {
            location,
            message: err.inner().to_string(),
            type_: "type_error".to_owned(),
        }])
    })?;
    let face_values = money::face_values(body).map_err(|bad| {
        let total = validation::Total {
            count: bad.len(),
            exact: true,
        };
        let details = bad
            .into_iter()
            .take(max_details)
            .map(|it| ValidationErrorItem {
                message: format!("{} {}", it.text, it.error),
                location: it.location,
                type_: "maximum".to_owned(),
            })
            .collect();
        validation_error(validation::bound_details(details, total, max_details))
    })?;
    Ok(Checked { value, face_values })
}

/// The fingerprint the idempotency layer compares: of the body's JSON in a canonical form
/// (members sorted, no spacing), so that layout does not matter; of the raw bytes for text
/// that is not JSON. CPU-heavy: called on the blocking pool.
fn body_fingerprint(body: &[u8], is_json: bool) -> Fingerprint {
    match is_json
        .then(|| serde_json::from_slice::<serde_json::Value>(body).ok())
        .flatten()
    {
        Some(value) => crate::state::fingerprint(&to_json(&value)),
        None => crate::state::fingerprint(body),
    }
}

async fn unknown_route(State(app): State<Arc<App>>) -> Response {
    let (status, body) = api_error(&ApiErrorType::NotFound, None);
    answer_shape(&app, status, body)
}

async fn method_not_allowed(State(app): State<Arc<App>>, method: Method) -> Response {
    protocol_error(
        &app,
        405,
        "method_not_allowed",
        format!("This path does not accept {method}."),
    )
}

/// An answer outside an operation, checked against `APIErrorResponse`.
fn answer_shape(app: &App, status: u16, body: Bytes) -> Response {
    if let Err(problem) = validation::check_response("APIErrorResponse", &body) {
        app.store.record_spec_violation(format!(
            "{status} answer does not match `APIErrorResponse`: {problem}"
        ));
    }
    raw_answer(status, body)
}

async fn delay(app: &App) {
    let delay = app.faults().faults.delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
}

/// The answer when a job on the blocking pool gave no result: `504 timeout` when no place
/// was free in time (documented, and retryable with the same key: nothing was recorded),
/// `500` when it panicked (a bug of the mock).
fn not_done(why: NotDone) -> (u16, Bytes) {
    match why {
        NotDone::Busy => api_error(
            &ApiErrorType::Timeout,
            Some("The mock is busy checking other request bodies; retry later.".to_owned()),
        ),
        NotDone::Failed => api_error(
            &ApiErrorType::InternalServerError,
            Some("The mock failed while processing the request.".to_owned()),
        ),
    }
}

async fn create(
    State(app): State<Arc<App>>,
    connection: Option<axum::Extension<Arc<ConnectionState>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let respond =
        |(status, body): (u16, Bytes)| answer(&app, create_order::response_body, status, body);
    let api_key = match preamble(&app, &headers) {
        Ok(it) => it,
        Err(it) => return respond(it),
    };

    // Faults and limits before the idempotency layer: nothing is recorded, not even in the
    // request log.
    if let Some(retry_after) = rate_limited(&app) {
        return rate_limit_answer(&app, retry_after);
    }
    let (inject_429, inject_500, retry_after) = {
        let mut state = app.faults();
        let faults = state.faults.clone();
        let inject_429 = every(faults.rate_limit_every, &mut state.rate_limits);
        let inject_500 = !inject_429 && every(faults.server_error_every, &mut state.server_errors);
        (inject_429, inject_500, faults.retry_after_secs)
    };
    if inject_429 {
        return rate_limit_answer(&app, retry_after);
    }
    if inject_500 {
        return respond(api_error(&ApiErrorType::InternalServerError, None));
    }
    let key = match idempotency_key(&app, &headers) {
        Ok(it) => it,
        Err(it) => return respond(it),
    };
    app.store
        .record_request(RecordedRequest::new("POST", "/v2/order", Some(key.clone())));

    // The checks of the body and its fingerprint run on the blocking pool.
    let max_details = app.limits.max_validation_details;
    let job = {
        let body = body.clone();
        move || {
            let checked =
                check_body::<NewOrderDetails>(create_order::REQUEST_BODY, &body, max_details);
            let is_json = !matches!(&checked, Err((400, _)));
            (body_fingerprint(&body, is_json), checked)
        }
    };
    let (fingerprint, checked) = match app.work.run(job).await {
        Ok(it) => it,
        Err(why) => return respond(not_done(why)),
    };
    let ticket = match app.store.begin(&api_key, &key, fingerprint) {
        Begin::New(ticket) => ticket,
        Begin::Replay(stored) => return respond((stored.status, stored.body)),
        Begin::InProgress => return respond(api_error(&ApiErrorType::IdempotencyInProgress, None)),
        Begin::Mismatch => {
            return respond(api_error(&ApiErrorType::IdempotencyValidationError, None));
        }
    };
    delay(&app).await;

    let (response, order) = match place_order(&app, &headers, checked, &key) {
        Ok((status, body, order)) => (StoredResponse { status, body }, Some(order)),
        Err((status, body)) => (StoredResponse { status, body }, None),
    };
    let stored_order = order.is_some();
    let response = ticket.finish(response, order);
    if stored_order {
        let drop_it = {
            let mut state = app.faults();
            let n = state.faults.drop_after_store_every;
            every(n, &mut state.stored)
        };
        if drop_it && let Some(axum::Extension(connection)) = connection {
            connection.close();
            // The connection is being closed; never answer on it.
            std::future::pending::<()>().await;
        }
    }
    respond((response.status, response.body))
}

/// The `X-Idempotency-Key` of a `POST /order`: required, not blank, and at most
/// `max_idempotency_key_bytes` long.
fn idempotency_key(app: &App, headers: &HeaderMap) -> Result<String, (u16, Bytes)> {
    let Some(key) = header(headers, headers::IDEMPOTENCY_KEY).filter(|it| !it.trim().is_empty())
    else {
        return Err(api_error(
            &ApiErrorType::BadRequest,
            Some(format!(
                "The '{}' header is required.",
                headers::IDEMPOTENCY_KEY
            )),
        ));
    };
    let max = app.limits.max_idempotency_key_bytes;
    if key.len() > max {
        return Err(api_error(
            &ApiErrorType::BadRequest,
            Some(format!(
                "The '{}' header is {} bytes long; the limit is {max}.",
                headers::IDEMPOTENCY_KEY,
                key.len()
            )),
        ));
    }
    Ok(key.to_owned())
}

fn rate_limit_answer(app: &App, retry_after: u64) -> Response {
    let mut response = answer(
        app,
        create_order::response_body,
        429,
        to_json(&RateExceededResponse {
            error: "rate exceeded".to_owned(),
        }),
    );
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        HeaderValue::from(retry_after),
    );
    response
}

/// Counts a `POST /order` against the rate limit; `Some(retry_after)` when it is over.
fn rate_limited(app: &App) -> Option<u64> {
    let limit = app.rate_limit?;
    let now = Instant::now();
    let mut window = app.rate_window.lock().unwrap_or_else(|it| it.into_inner());
    if now.duration_since(window.0) >= limit.window {
        *window = (now, 0);
    }
    window.1 += 1;
    if window.1 > limit.requests {
        let left = limit.window.saturating_sub(now.duration_since(window.0));
        Some(left.as_secs().max(1))
    } else {
        None
    }
}

type Placed = (String, Instant, CompletedOrderWithFullDetails);

/// Processes a new order: the body's checks (done before), the operation's rules, the
/// playground's triggers and the catalogue. Returns the answer and the order to store, or
/// the error answer. Amounts are exact (see `money`).
fn place_order(
    app: &App,
    headers: &HeaderMap,
    checked: Result<Checked<NewOrderDetails>, (u16, Bytes)>,
    key: &str,
) -> Result<(u16, Bytes, Placed), (u16, Bytes)> {
    let mode = match header(headers, headers::EXECUTION_MODE) {
        None => ExecutionMode::default(),
        Some(value) => ExecutionMode::from_wire(value)
            .ok_or_else(|| api_error(&ApiErrorType::InvalidExecutionMode, None))?,
    };
    let Checked {
        value: order,
        face_values,
    } = checked?;
    create_order::check_rules(&order, mode)
        .map_err(|it| api_error(&it.error_type, Some(it.message)))?;
    let currency = order.payment_method.currency.clone();
    if let Some(value) = header(headers, TRIGGER_ERROR_HEADER) {
        return Err(triggered(value, &currency));
    }

    let n = app.order_counter.fetch_add(1, Ordering::Relaxed) + 1;
    let id = new_id("O-", n, 26);
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let created_at = Timestamp::from(now);
    let delay = if mode == ExecutionMode::Sync {
        Duration::ZERO
    } else {
        app.async_delay
    };
    let completed_at = Timestamp::from(now + chrono::Duration::from_std(delay).unwrap_or_default());
    let mut items = Vec::with_capacity(order.items.len());
    let mut totals = Totals::default();
    let mut transaction_detail = std::collections::BTreeMap::<String, Decimal>::new();
    for (index, (item, face_value)) in order.items.iter().zip(face_values).enumerate() {
        let priced = price(&app.catalogue, &item.products, face_value, &currency, index)?;
        totals.add(face_value, priced.price);
        *transaction_detail
            .entry(priced.currency.to_string())
            .or_default() += face_value;
        let products: CompletedOrderItemProducts = serde_json::to_value(&item.products)
            .and_then(serde_json::from_value)
            .map_err(|err| {
                api_error(
                    &ApiErrorType::InternalServerError,
                    Some(format!(
                        "The mock cannot copy the products of item {index}: {err}"
                    )),
                )
            })?;
        items.push(CompletedOrderItem {
            currency: Some(priced.currency.clone()),
            distribution_method: item.distribution_method.clone(),
            face_value: money::money_text(face_value),
            id: new_id("E-", n * 1000 + index as u64, 12),
            payout: PayoutDetails {
                expiry_date: None,
                status: PayoutStatus::Active,
                status_updated_at: completed_at.clone(),
                url: format!(
                    "https://spend.mock.invalid/{}",
                    new_id("", n * 1000 + index as u64, 32).to_lowercase()
                ),
            },
            price: money::money_text(priced.price),
            products,
        });
    }
    let full = CompletedOrderWithFullDetails {
        completed_at: Some(completed_at),
        created_at,
        currency: currency.clone(),
        description: order.description.clone(),
        id: OrderId(id.clone()),
        items,
        metadata: order.metadata.clone(),
        payment_method: AccountPayment {
            currency: Some(currency.clone()),
            type_: AccountPaymentType::AccountBalance,
        },
        status: OrderStatus::Completed,
        total_discount: money::money_text(totals.discount()),
        total_price: money::money_text(totals.price),
        transaction_detail: Some(TransactionDetail(
            transaction_detail
                .into_iter()
                .map(|(currency, value)| {
                    (
                        currency,
                        TransactionDetailEntry {
                            fx: None,
                            value: money::money_text(value),
                        },
                    )
                })
                .collect(),
        )),
    };
    let (status, body) = match mode {
        ExecutionMode::Sync => (200, to_json(&sync_view(&full))),
        ExecutionMode::Async => (
            202,
            to_json(&AsyncAcceptedOrder {
                id: full.id.clone(),
                status: OrderStatus::Processing,
            }),
        ),
    };
    Ok((status, body, (key.to_owned(), Instant::now() + delay, full)))
}

/// The sums of an order's face values and prices, in cents. They stay exact: every amount
/// is at most `money::MAX_AMOUNT` and an order has at most 500 items.
#[derive(Default)]
struct Totals {
    face: Decimal,
    price: Decimal,
}

impl Totals {
    fn add(&mut self, face: Decimal, price: Decimal) {
        self.face += face;
        self.price += price;
    }

    /// Never negative: each price is at most its face value.
    fn discount(&self) -> Decimal {
        self.face - self.price
    }
}

/// The answer to `X-Trigger-Error: value`. The playground knows `insufficient_funds` and
/// `internal_server_error`; the mock also takes any other documented error type that
/// `POST /order` answers with, with its documented status (`validation_error` gives a 422
/// whose one detail points at the header).
fn triggered(value: &str, currency: &Currency) -> (u16, Bytes) {
    let error_type = ApiErrorType::from_wire(value);
    let triggerable = error_type
        .documented_status()
        .and_then(create_order::response_body)
        == Some("APIErrorResponse");
    match error_type {
        ApiErrorType::ValidationError => validation_error(vec![ValidationErrorItem {
            location: vec!["header".to_owned(), TRIGGER_ERROR_HEADER.to_owned()],
            message: "Triggered by the request.".to_owned(),
            type_: "triggered".to_owned(),
        }]),
        ApiErrorType::InsufficientFunds => api_error(
            &error_type,
            Some(format!(
                "Insufficient funds in {} balance to create order.",
                **currency
            )),
        ),
        _ if triggerable => api_error(&error_type, None),
        _ => api_error(
            &ApiErrorType::BadRequest,
            Some(format!("{TRIGGER_ERROR_HEADER} cannot trigger {value:?}.")),
        ),
    }
}

struct Priced {
    price: Decimal,
    discount: Decimal,
    currency: Currency,
}

fn product_error(message: String) -> (u16, Bytes) {
    api_error(
        &ApiErrorType::ProductValidationError,
        Some(format!("Not allowed to order products: {message}")),
    )
}

/// Prices one item from the catalogue, or gives the error answer. `face_value` is in cents.
fn price_products(
    catalogue: &ExactCatalogue,
    codes: &[String],
    template: Option<&str>,
    face_value: Decimal,
    payment: &Currency,
    index: usize,
) -> Result<Priced, (u16, Bytes)> {
    let single = codes.len() == 1 && template.is_none();
    let mut products = Vec::new();
    let mut currency = None;
    if let Some(id) = template {
        let template = catalogue.template(id).ok_or_else(|| {
            product_error(format!(
                "unknown payout selection template {id:?} (item {index})"
            ))
        })?;
        currency = template.currency.clone();
        for code in &template.products {
            if let Some(product) = catalogue.product(code) {
                products.push((code.clone(), product));
            }
        }
    }
    for code in codes {
        let product = catalogue
            .product(code)
            .ok_or_else(|| product_error(format!("unknown product {code:?} (item {index})")))?;
        products.push((code.clone(), product));
    }
    for (code, product) in &products {
        let its = product
            .currency
            .clone()
            .unwrap_or_else(|| payment.to_string());
        match &currency {
            None => currency = Some(its),
            Some(it) if *it != its => {
                return Err(product_error(format!(
                    "the products of item {index} use different currencies ({code} is in {its})"
                )));
            }
            Some(_) => {}
        }
        if single && !product.face_values.allows(face_value) {
            return Err(product_error(format!(
                "face value {face_value} is not allowed for {code} (item {index})"
            )));
        }
        if !single && face_value < product.face_values.minimum() {
            return Err(product_error(format!(
                "face value {face_value} is below the minimum of {code} (item {index})"
            )));
        }
    }
    if !single && !face_value.fract().is_zero() {
        return Err(product_error(format!(
            "face value {face_value} of item {index} must be a whole number for several products"
        )));
    }
    let currency = currency.unwrap_or_else(|| payment.to_string());
    if currency != **payment {
        return Err(api_error(
            &ApiErrorType::CurrencyMismatch,
            Some(format!(
                "The currency requested in the payment_method, '{}', does not match the currency of the selected products, '{currency}'.",
                **payment
            )),
        ));
    }
    // Several products: the recipient chooses, so the smallest discount applies.
    let discount = products
        .iter()
        .map(|(_, it)| it.discount)
        .min()
        .unwrap_or(Decimal::ZERO);
    Ok(Priced {
        price: money::price(face_value, discount),
        discount,
        currency: currency.parse().map_err(|_| {
            api_error(
                &ApiErrorType::InternalServerError,
                Some(format!(
                    "The catalogue's currency {currency:?} is not three letters."
                )),
            )
        })?,
    })
}

fn price(
    catalogue: &ExactCatalogue,
    products: &NewOrderItemProducts,
    face_value: Decimal,
    payment: &Currency,
    index: usize,
) -> Result<Priced, (u16, Bytes)> {
    match products {
        NewOrderItemProducts::Single { value, .. } => price_products(
            catalogue,
            &[value.to_string()],
            None,
            face_value,
            payment,
            index,
        ),
        NewOrderItemProducts::Multiple { values } => {
            price_products(catalogue, values, None, face_value, payment, index)
        }
        NewOrderItemProducts::Template { template_id } => price_products(
            catalogue,
            &[],
            Some(template_id),
            face_value,
            payment,
            index,
        ),
    }
}

/// An ID: `prefix`, then `len` Crockford base-32 characters, unique through `n`.
fn new_id(prefix: &str, n: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let mut tail = Vec::with_capacity(len);
    let mut rest = n;
    for _ in 0..13.min(len) {
        tail.push(ALPHABET[(rest % 32) as usize]);
        rest /= 32;
    }
    tail.reverse();
    while tail.len() < len {
        tail.push(ALPHABET[rng.random_range(0..32)]);
    }
    format!("{prefix}{}", String::from_utf8(tail).expect("ASCII"))
}

fn sync_view(full: &CompletedOrderWithFullDetails) -> SyncCompletedOrder {
    SyncCompletedOrder {
        completed_at: full.completed_at.clone(),
        created_at: full.created_at.clone(),
        currency: full.currency.clone(),
        description: full.description.clone(),
        id: full.id.clone(),
        items: full.items.clone(),
        metadata: full.metadata.clone(),
        payment_method: full.payment_method.clone(),
        status: SyncCompletedOrderStatus::Completed,
        total_discount: full.total_discount.clone(),
        total_price: full.total_price.clone(),
        transaction_detail: full.transaction_detail.clone(),
    }
}

const PROCESSING_MESSAGE: &str = "The order is being processed.";

fn incomplete_view(order: &StoredOrder) -> IncompleteOrder {
    IncompleteOrder {
        id: order.order.id.clone(),
        message: PROCESSING_MESSAGE.to_owned(),
        status: OrderStatus::Processing,
    }
}

fn basic_view(full: &CompletedOrderWithFullDetails) -> CompletedOrderWithBasicDetails {
    CompletedOrderWithBasicDetails {
        completed_at: full.completed_at.clone(),
        created_at: full.created_at.clone(),
        currency: full.currency.clone(),
        description: full.description.clone(),
        id: full.id.clone(),
        payment_method: full.payment_method.clone(),
        status: full.status,
        total_discount: full.total_discount.clone(),
        total_price: full.total_price.clone(),
    }
}

async fn get_one(
    State(app): State<Arc<App>>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let respond =
        |(status, body): (u16, Bytes)| answer(&app, get_single_order::response_body, status, body);
    if let Err(it) = preamble(&app, &headers) {
        return respond(it);
    }
    let Path(id) = match id {
        Ok(it) => it,
        Err(rejection) => {
            return respond(api_error(
                &ApiErrorType::BadRequest,
                Some(format!(
                    "The order ID in the path is malformed: {rejection}."
                )),
            ));
        }
    };
    app.store.record_request(RecordedRequest::new(
        "GET",
        &format!("/v2/order/{id}"),
        None,
    ));
    delay(&app).await;
    let Some(order) = app.store.order(&id) else {
        return respond(api_error(&ApiErrorType::NotFound, None));
    };
    let body = if Instant::now() >= order.completes_at {
        to_json(&order.order)
    } else {
        to_json(&incomplete_view(&order))
    };
    respond((200, body))
}

fn pagination_error(message: &str) -> (u16, Bytes) {
    api_error(&ApiErrorType::PaginationError, Some(message.to_owned()))
}

/// Cursors are opaque to clients; here they are `c` and a sequence number in hex.
fn cursor(seq: u64) -> String {
    format!("c{seq:x}")
}

fn parse_cursor(text: &str) -> Option<u64> {
    u64::from_str_radix(text.strip_prefix('c')?, 16).ok()
}

async fn list(
    State(app): State<Arc<App>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let respond = |(status, body): (u16, Bytes)| {
        answer(&app, get_list_of_orders::response_body, status, body)
    };
    if let Err(it) = preamble(&app, &headers) {
        return respond(it);
    }
    app.store
        .record_request(RecordedRequest::new("GET", "/v2/order", None));
    delay(&app).await;
    match list_page(&app, raw.as_deref().unwrap_or_default()) {
        Ok(page) => respond((200, to_json(&page))),
        Err(it) => respond(it),
    }
}

fn list_page(app: &App, raw: &str) -> Result<OrderList, (u16, Bytes)> {
    let Query(pairs): Query<Vec<(String, String)>> = Query::try_from_uri(
        &format!("/?{raw}")
            .parse()
            .map_err(|_| pagination_error("The query string is malformed."))?,
    )
    .map_err(|_| pagination_error("The query string is malformed."))?;
    let mut limit = 100usize;
    let mut after = None;
    let mut before = None;
    for (name, value) in &pairs {
        match name.as_str() {
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|it| (1..=500).contains(it))
                    .ok_or_else(|| pagination_error("limit must be an integer from 1 to 500."))?;
            }
            "after" => {
                after = Some(
                    parse_cursor(value)
                        .ok_or_else(|| pagination_error("The after cursor is invalid."))?,
                );
            }
            "before" => {
                before = Some(
                    parse_cursor(value)
                        .ok_or_else(|| pagination_error("The before cursor is invalid."))?,
                );
            }
            _ => {}
        }
    }
    if after.is_some() && before.is_some() {
        return Err(pagination_error("Use either before or after, not both."));
    }
    let orders = app.store.page(limit, after, before);
    let now = Instant::now();
    let cursors = PageCursors {
        after: orders.last().map(|it| cursor(it.seq)),
        before: orders.first().map(|it| cursor(it.seq)),
    };
    let items = orders
        .iter()
        .map(|order| {
            if now >= order.completes_at {
                OrderListItem::CompletedOrderWithBasicDetails(basic_view(&order.order))
            } else {
                OrderListItem::IncompleteOrder(incomplete_view(order))
            }
        })
        .collect();
    Ok(OrderList {
        items,
        pagination: PageableMeta {
            cursors,
            page: Page {
                limit: Some(limit as i64),
            },
        },
    })
}

async fn estimate(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let respond = |(status, body): (u16, Bytes)| {
        answer(&app, estimate_order_price::response_body, status, body)
    };
    if let Err(it) = preamble(&app, &headers) {
        return respond(it);
    }
    app.store
        .record_request(RecordedRequest::new("POST", "/v2/order/estimate", None));
    delay(&app).await;
    // Checking and pricing run on the blocking pool.
    let job = {
        let app = Arc::clone(&app);
        move || estimate_price(&app, &body).map(|it| to_json(&it))
    };
    match app.work.run(job).await {
        Ok(Ok(body)) => respond((200, body)),
        Ok(Err(it)) => respond(it),
        Err(why) => respond(not_done(why)),
    }
}

/// The body of a `200` answer to `POST /order/estimate`: `OrderPriceResponse`, with the
/// amounts written as exact JSON numbers (the types crate holds them as `f64`).
#[derive(Serialize)]
struct Estimate {
    currency: Currency,
    items: Vec<EstimateItem>,
    payment_method: AccountPayment,
    total_discount: Number,
    total_price: Number,
}

/// One priced item: `OrderItemDiscount`, with exact amounts.
#[derive(Serialize)]
struct EstimateItem {
    currency: Currency,
    discount_multiplier: ProductDiscountMultiplier,
    face_value: Number,
    price: Number,
    products: EstimateProducts,
}

/// A discount as a decimal string with at least two decimals and every digit it has:
/// `"0.10"`, `"0.00"`, `"0.125"`.
fn multiplier_text(discount: Decimal) -> String {
    let mut it = discount.normalize();
    if it.scale() < 2 {
        it.rescale(2);
    }
    it.to_string()
}

fn estimate_price(app: &App, body: &[u8]) -> Result<Estimate, (u16, Bytes)> {
    let Checked {
        value: request,
        face_values,
    } = check_body::<OrderPriceRequest>(
        estimate_order_price::REQUEST_BODY,
        body,
        app.limits.max_validation_details,
    )?;
    let currency = request.payment_method.currency.clone();
    let mut items = Vec::with_capacity(request.items.len());
    let mut totals = Totals::default();
    for (index, (item, face_value)) in request.items.iter().zip(face_values).enumerate() {
        let codes = match &item.products {
            EstimateProducts::Single { value } => vec![value.to_string()],
            EstimateProducts::Multiple { values } => values.clone(),
        };
        let priced = price_products(&app.catalogue, &codes, None, face_value, &currency, index)?;
        totals.add(face_value, priced.price);
        items.push(EstimateItem {
            currency: priced.currency,
            discount_multiplier: multiplier_text(priced.discount)
                .parse::<ProductDiscountMultiplier>()
                .map_err(|_| {
                    api_error(
                        &ApiErrorType::InternalServerError,
                        Some(format!(
                            "The discount {} cannot be written.",
                            priced.discount
                        )),
                    )
                })?,
            face_value: Number(face_value),
            price: Number(priced.price),
            products: item.products.clone(),
        });
    }
    Ok(Estimate {
        currency: currency.clone(),
        items,
        payment_method: AccountPayment {
            currency: Some(currency),
            type_: AccountPaymentType::AccountBalance,
        },
        total_discount: Number(totals.discount()),
        total_price: Number(totals.price),
    })
}
