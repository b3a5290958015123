//! What a mock server is configured with: the product catalogue, the async delay, the rate limit, the API keys, the faults to inject and the limits.

use std::{collections::BTreeMap, time::Duration};

/// Configuration of a [`MockServer`](crate::MockServer).
#[derive(Debug, Clone)]
pub struct Config {
    /// The products that can be ordered and priced.
    pub catalogue: Catalogue,
    /// How long an async order stays `PROCESSING` before it is `COMPLETED` (the playground
    /// simulates 1 second).
    pub async_delay: Duration,
    /// The API keys the server accepts; `None` accepts any non-empty key. A missing key is
    /// `401 unauthorized`, an unknown one `401 invalid_api_key`.
    pub api_keys: Option<Vec<String>>,
    /// A rate limit on `POST /order`, as the API has (300 a minute); `None` for no limit.
    pub rate_limit: Option<RateLimit>,
    /// Faults to inject from the start; they can be changed while the server runs.
    pub faults: Faults,
    /// Time, size and count limits on connections and requests.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            catalogue: Catalogue::default(),
            async_delay: Duration::from_secs(1),
            api_keys: None,
            rate_limit: None,
            faults: Faults::default(),
            limits: Limits::default(),
        }
    }
}

/// Bounds on what clients can make the server hold: time, connections, bytes and counts.
///
/// Every field has a default (the README's `## Limits` lists them too); the program takes
/// the main ones as flags (`runa-order-mock --help`). Refusals answer in the API's error
/// shape (`APIErrorResponse`) where HTTP allows an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// How long a client has to send a request's headers, counted from when the server
    /// starts waiting for them; also how long a kept-alive connection may stay idle. The
    /// connection is closed without an answer after it. Default 10 s.
    pub header_read_timeout: Duration,
    /// How long a client has to send a request's whole body, once the headers are in.
    /// After it the answer is `408` (`type: request_timeout`) and the connection is closed.
    /// Default 10 s.
    pub body_read_timeout: Duration,
    /// The largest request head (request line and headers), in bytes: hyper's read buffer.
    /// A head still incomplete when the buffer holds this much is `431`
    /// (`type: headers_too_large`) and the connection is closed; hyper checks between reads,
    /// so a head that arrives quickly may exceed it by one read. At least 8 KiB. Default 64 KiB.
    pub max_header_bytes: usize,
    /// How many connections are served at once. A new connection over the limit closes the
    /// connection that has been idle (no request in progress) the longest; when every
    /// connection has a request in progress, the new one is closed at once. Default 512.
    pub max_connections: usize,
    /// The largest request body, in bytes; a larger one is `413` (`type:
    /// payload_too_large`), told by `Content-Length` before any byte of it is read.
    /// Default 1 MiB.
    pub max_body_bytes: usize,
    /// How many body bytes all requests together may hold while they are read and
    /// processed. A request waits (within `body_read_timeout`) for its share; a request
    /// larger than this is `413`. Default 32 MiB.
    pub max_body_bytes_in_flight: usize,
    /// How many request bodies are checked and priced at once, on threads of the blocking
    /// pool (so that other connections are still served); more wait their turn. Default 2.
    pub max_concurrent_body_checks: usize,
    /// How long a request waits for one of those places; after it the answer is
    /// `504 timeout` (documented for every operation), and nothing is recorded for the
    /// request's idempotency key, so a retry with the same key is processed. Default 30 s.
    pub body_check_wait: Duration,
    /// How many `details` a `422` answer lists at most: the first ones in document order,
    /// the last of them saying how many more there are. Default 100.
    pub max_validation_details: usize,
    /// The longest `X-Idempotency-Key`, in bytes; a longer one is `400 bad_request`, and
    /// nothing is recorded. Default 255.
    pub max_idempotency_key_bytes: usize,
    /// How many requests [`MockServer::requests`](crate::MockServer::requests) keeps (the
    /// newest), each with its path cut at 256 bytes. Default 10,000.
    pub request_log_capacity: usize,
    /// How many orders are stored, those of every API key together (at least 1). Past it
    /// the oldest order is evicted, with the record of its idempotency key: a `GET` of it is
    /// `404`, and a retry with its key is processed anew, as after the API's 30 days.
    /// Default 100,000.
    pub max_orders: usize,
    /// How many bytes the stored orders may hold together: the JSON of their answers, their
    /// IDs and keys, and a fixed cost per order (under 400 bytes). Past it the oldest orders
    /// are evicted as above; the newest order is always kept. Default 256 MiB.
    pub max_order_bytes: usize,
    /// How many idempotency records of requests that stored no order (refusals, errors) are
    /// kept. Past it the oldest is forgotten, and a request with its key is processed anew.
    /// The record of a stored order lives as long as the order. Default 100,000.
    pub max_idempotency_records: usize,
    /// How many bytes those records may hold together: each keeps its keys, and its answer
    /// or, when the answer is larger (a `422` with many details), the body it refused, whose
    /// check is made again for a replay; so a refused request costs at most its body and
    /// keys, and a fixed cost (under 200 bytes). Past it the oldest are forgotten.
    /// Default 64 MiB.
    pub max_idempotency_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
            max_connections: 512,
            max_body_bytes: 1024 * 1024,
            max_body_bytes_in_flight: 32 * 1024 * 1024,
            max_concurrent_body_checks: 2,
            body_check_wait: Duration::from_secs(30),
            max_validation_details: 100,
            max_idempotency_key_bytes: 255,
            request_log_capacity: 10_000,
            max_orders: 100_000,
            max_order_bytes: 256 * 1024 * 1024,
            max_idempotency_records: 100_000,
            max_idempotency_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A fixed-window limit on order creation; requests over it get `429` with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// How many `POST /order` requests a window allows; every request counts, failed ones too.
    pub requests: u32,
    /// The length of a window.
    pub window: Duration,
}

/// Faults the server injects, for tests of retries and exactly-once behaviour.
///
/// Counted faults hit every `n`-th request of their kind, counted from when the faults were
/// set, so a run is reproducible in how many requests each fault hits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Answer every `n`-th `POST /order` with `429` and `Retry-After`, before the idempotency
    /// layer: nothing is stored, and a retry is processed normally.
    pub rate_limit_every: Option<u32>,
    /// Answer every `n`-th `POST /order` with `500 internal_server_error`, before the
    /// idempotency layer: nothing is stored, and a retry with the same key is processed normally.
    pub server_error_every: Option<u32>,
    /// Close the connection without answering after every `n`-th new order was stored (and its
    /// answer recorded for the idempotency key), as a network failure would.
    pub drop_after_store_every: Option<u32>,
    /// Delay every answer by this much. For `POST /order` the delay falls while the idempotency
    /// key is in progress, so a concurrent repeat gets `idempotency_in_progress`.
    pub delay: Option<Duration>,
    /// The `Retry-After` (whole seconds) of injected and rate-limit `429` answers.
    pub retry_after_secs: u64,
}

/// The products the server knows, with their currency, allowed face values and discount.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Products by product code.
    pub products: BTreeMap<String, Product>,
    /// Payout selection templates by ID (`PT-…`).
    pub templates: BTreeMap<String, Template>,
    /// Accept a well-formed product code or template ID that is not listed, priced at face
    /// value in the payment currency, with any positive face value.
    pub accept_unlisted: bool,
}

impl Default for Catalogue {
    /// Accepts any well-formed product code (`AMZ-US`, `P2C-US`, …) and any template ID,
    /// priced at face value in the payment currency, so the documented examples work.
    fn default() -> Catalogue {
        Catalogue {
            products: BTreeMap::new(),
            templates: BTreeMap::new(),
            accept_unlisted: true,
        }
    }
}

impl Catalogue {
    /// A catalogue that accepts only the products and templates added to it.
    pub fn empty() -> Catalogue {
        Catalogue {
            products: BTreeMap::new(),
            templates: BTreeMap::new(),
            accept_unlisted: false,
        }
    }

    /// Adds (or replaces) a product.
    pub fn with_product(mut self, code: impl Into<String>, product: Product) -> Catalogue {
        self.products.insert(code.into(), product);
        self
    }

    /// Adds (or replaces) a template.
    pub fn with_template(mut self, id: impl Into<String>, template: Template) -> Catalogue {
        self.templates.insert(id.into(), template);
        self
    }

    /// The product with this code: a listed one, or the default product for a well-formed
    /// unlisted code when `accept_unlisted` is set.
    pub fn product(&self, code: &str) -> Option<Product> {
        match self.products.get(code) {
            Some(it) => Some(it.clone()),
            None if self.accept_unlisted && is_well_formed_code(code) => Some(Product::default()),
            None => None,
        }
    }

    /// The template with this ID, on the same terms as [`Catalogue::product`].
    pub fn template(&self, id: &str) -> Option<Template> {
        match self.templates.get(id) {
            Some(it) => Some(it.clone()),
            None if self.accept_unlisted && is_well_formed_code(id) => Some(Template::default()),
            None => None,
        }
    }
}

/// A product code or template ID is well-formed when it is 1 to 64 upper-case ASCII letters,
/// digits, `-` and `_`, starting with a letter or digit.
pub fn is_well_formed_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// One product.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// The product's currency; `None` takes the order's payment currency.
    pub currency: Option<String>,
    /// The face values it can be ordered with.
    pub face_values: FaceValues,
    /// The discount, as a fraction of the face value (`0.05` is 5 %).
    pub discount: f64,
}

impl Default for Product {
    /// Any positive face value, in the order's currency, at face value. The product sets no
    /// minimum of its own: the spec's minimum of an order's face value is the validator's to
    /// check, before the catalogue is asked.
    fn default() -> Product {
        Product {
            currency: None,
            face_values: FaceValues::Range {
                min: 0.0,
                max: f64::MAX,
            },
            discount: 0.0,
        }
    }
}

/// The face values a product allows.
#[derive(Debug, Clone, PartialEq)]
pub enum FaceValues {
    /// Any positive value from `min` to `max`, both included.
    Range {
        /// The smallest face value; `0` for no minimum (a face value is always positive).
        min: f64,
        /// The largest face value.
        max: f64,
    },
    /// Only these denominations.
    Fixed(Vec<f64>),
}

impl FaceValues {
    /// True when `value` is allowed.
    pub fn allows(&self, value: f64) -> bool {
        match self {
            FaceValues::Range { min, max } => value > 0.0 && value >= *min && value <= *max,
            FaceValues::Fixed(values) => values.iter().any(|it| (it - value).abs() < 1e-9),
        }
    }

    /// The smallest allowed value.
    pub fn minimum(&self) -> f64 {
        match self {
            FaceValues::Range { min, .. } => *min,
            FaceValues::Fixed(values) => values.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}

/// A payout selection template.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    /// The template's currency; `None` takes the order's payment currency.
    pub currency: Option<String>,
    /// The product codes the template offers (returned in order details when there are two
    /// or more).
    pub products: Vec<String>,
}
