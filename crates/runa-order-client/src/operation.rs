//! `Operation`: what the generated code knows of one operation (method, path, the body of each status), as one value that the client and the mock server share.

use runa_order_validator::Kind;

/// One operation of the API as `spec/operations.json` describes it. Each module of
/// [`operations`](crate::operations) has its own as `OPERATION`, and
/// [`operations::ALL`](crate::operations::ALL) lists them, so that a server (such as
/// `runa-order-mock`) can route and check its answers by the spec's facts.
///
/// `K` is the type of the bodies' schemas: the validator's [`Kind`] (the codegen tests
/// compile clients of their fixtures, whose schemas are the fixtures' own).
#[derive(Debug, Clone)]
pub struct Operation<K: 'static = Kind> {
    /// The official operationId (`createOrder`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The path, relative to a server URL (below [`servers::BASE_PATH`](crate::servers::BASE_PATH)),
    /// with `{name}` placeholders.
    pub path: &'static str,
    /// The documented status codes, ascending.
    pub statuses: &'static [u16],
    /// The schema of the body the API answers with a status, if the status is documented.
    pub response_body: fn(u16) -> Option<K>,
    /// The header that carries the idempotency key, for an idempotent operation.
    pub idempotency_header: Option<&'static str>,
}
