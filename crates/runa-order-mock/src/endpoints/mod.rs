//! The four endpoints, one file each, and the check of a request body that `POST /order` and `POST /order/estimate` share.

mod create;
mod estimate;
mod get;
mod list;

use runa_order_client::ApiErrorType;
use runa_order_types::ValidationErrorItem;
use runa_order_validator::{Kind, Validate};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

pub(crate) use create::Create;
pub use create::TRIGGER_ERROR_HEADER;
pub(crate) use estimate::Estimate;
pub(crate) use get::GetOne;
pub(crate) use list::List;

use crate::{
    answers::Answer,
    money,
    validation::{self, Refused},
};

/// A request body that passed every check: the typed value and its face values, read
/// exactly from the text and rounded to cents (see `money`).
#[derive(Debug)]
pub(crate) struct Checked<T> {
    value: T,
    face_values: Vec<Decimal>,
}

/// Checks a request body against the schema of its type `T` with the validator's strict
/// reader, then reads its face values from the text and the body into `T`. The error is the
/// answer: `400 bad_request` for text that is not JSON (a repeated key included),
/// `422 validation_error` with at most `max_details` details otherwise. CPU-heavy: called
/// on the blocking pool.
fn check_body<T: DeserializeOwned + Validate<Kind = Kind>>(
    body: &[u8],
    max_details: usize,
) -> Result<Checked<T>, Answer> {
    validation::check_request(T::KIND, body, max_details).map_err(|refused| match refused {
        Refused::NotJson(problem) => Answer::api_error(
            &ApiErrorType::BadRequest,
            Some(format!("The body is not valid JSON: {problem}.")),
        ),
        Refused::Invalid(details) => Answer::validation_error(details),
    })?;
    // Amounts first: one beyond `MAX_AMOUNT` is a `maximum` detail, even where the types
    // could not hold it (a `Decimal` ends near 7.9e28).
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
        Answer::validation_error(validation::bound_details(details, total, max_details))
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
        Answer::validation_error(vec![ValidationErrorItem {
            location,
            message: err.inner().to_string(),
            type_: "type_error".to_owned(),
        }])
    })?;
    Ok(Checked { value, face_values })
}
