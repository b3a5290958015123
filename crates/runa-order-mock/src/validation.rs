//! The seam to the validator crate: checks request bodies (for 422 answers) and the server's own answers against the spec.
//!
//! Until `runa-order-validator` is wired in, requests are checked by the typed deserialization
//! that follows, and answers by deserializing them into the type of their definition.

use runa_order_types::ValidationErrorItem;
use serde::de::DeserializeOwned;

/// Checks a request body against the `$defs` entry `definition`; the problems become the
/// `details` of a 422 answer.
pub(crate) fn check_request(
    _definition: &str,
    _body: &serde_json::Value,
) -> Result<(), Vec<ValidationErrorItem>> {
    Ok(())
}

/// Checks an answer's body against the `$defs` entry `definition`.
pub(crate) fn check_response(definition: &str, body: &[u8]) -> Result<(), String> {
    use runa_order_types as t;
    match definition {
        "SyncCompletedOrder" => typed::<t::SyncCompletedOrder>(body),
        "AsyncAcceptedOrder" => typed::<t::AsyncAcceptedOrder>(body),
        "GetSingleOrderResponse" => typed::<t::GetSingleOrderResponse>(body),
        "OrderList" => typed::<t::OrderList>(body),
        "OrderPriceResponse" => typed::<t::OrderPriceResponse>(body),
        "APIErrorResponse" => typed::<t::APIErrorResponse>(body),
        "ValidationErrorResponse" => typed::<t::ValidationErrorResponse>(body),
        "RateExceededResponse" => typed::<t::RateExceededResponse>(body),
        other => Err(format!("no check for `{other}`")),
    }
}

fn typed<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer)
        .map(drop)
        .map_err(|err| format!("at `{}`: {}", err.path(), err.inner()))
}
