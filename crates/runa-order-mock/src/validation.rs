//! The seam to the validator crate for request bodies: the strict check, and its problems as the details of a bounded `422`.

use runa_order_types::ValidationErrorItem;
use runa_order_validator::Kind;

/// Why a request body was refused.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The text is not one JSON document, as the validator's strict reader says (bad
    /// syntax, invalid UTF-8, a repeated key, a number too large for `f64`, nesting too
    /// deep): `"line:column: message"`.
    NotJson(String),
    /// The JSON breaks the spec: the first problems as `422` details, at most
    /// `max_details` (see [`bound_details`]).
    Invalid(Vec<ValidationErrorItem>),
}

/// Checks a request body's text against `kind`, the schema of its type, with the
/// validator's strict reader, so the mock refuses exactly what the validator refuses. Each
/// problem becomes a detail of a 422 answer, its `location` the segments of the JSON
/// pointer (`/items/0/face_value` is `["items", "0", "face_value"]`) and its `type` the
/// keyword.
pub(crate) fn check_request(kind: Kind, body: &[u8], max_details: usize) -> Result<(), Refused> {
    // The validator stops collecting soon after `max_details` errors, so a body with many
    // problems costs bounded work; the count of the rest is then a lower bound.
    let options = runa_order_validator::Options {
        max_errors: max_details.max(1),
        ..runa_order_validator::Options::default()
    };
    let errors = match kind.validate_slice_with(body, &options) {
        Ok(()) => return Ok(()),
        Err(errors) => errors,
    };
    if errors.is_parse_error() {
        let error = errors.first();
        let place = error
            .position
            .map(|it| format!("{it}: "))
            .unwrap_or_default();
        return Err(Refused::NotJson(format!("{place}{}", error.message)));
    }
    let total = Total {
        count: errors.len() + errors.omitted(),
        exact: !errors.is_truncated(),
    };
    let details = errors
        .iter()
        .take(max_details)
        .map(|it| ValidationErrorItem {
            location: segments(&it.instance_location),
            message: it.message.clone(),
            type_: it.keyword.to_owned(),
        })
        .collect();
    Err(Refused::Invalid(bound_details(details, total, max_details)))
}

/// The detail type of the last detail of a 422 answer whose other problems are not listed.
pub(crate) const MORE_DETAILS_TYPE: &str = "more_errors";

/// How many problems a body has in all: exactly `count`, or at least `count` when the
/// validator stopped looking.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Total {
    pub(crate) count: usize,
    pub(crate) exact: bool,
}

/// At most `max` details (at least one): when there are more than `max` problems in all
/// (`total`), the first `max - 1` are kept and the last detail says how many are left out.
/// A 422 answer, and its replay for an idempotency key, then costs bounded memory.
pub(crate) fn bound_details(
    mut details: Vec<ValidationErrorItem>,
    total: Total,
    max: usize,
) -> Vec<ValidationErrorItem> {
    let max = max.max(1);
    let count = total.count.max(details.len());
    if count <= max && total.exact {
        return details;
    }
    details.truncate(max - 1);
    let more = count - (max - 1);
    details.push(ValidationErrorItem {
        location: Vec::new(),
        message: format!(
            "{}{more} more problems are not listed; fix the ones above and send the body again.",
            if total.exact { "" } else { "at least " }
        ),
        type_: MORE_DETAILS_TYPE.to_owned(),
    });
    details
}

/// The reference tokens of a JSON pointer, unescaped (RFC 6901).
fn segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|it| it.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_bounded_and_the_rest_counted() {
        let detail = |n: usize| ValidationErrorItem {
            location: vec![n.to_string()],
            message: String::new(),
            type_: "minimum".to_owned(),
        };
        let three: Vec<_> = (0..3).map(detail).collect();
        let locations = |it: &[ValidationErrorItem]| -> Vec<Vec<String>> {
            it.iter().map(|it| it.location.clone()).collect()
        };
        let exact = |count| Total { count, exact: true };
        assert_eq!(
            locations(&bound_details(three.clone(), exact(3), 3)),
            locations(&three)
        );
        let bounded = bound_details((0..3).map(detail).collect(), exact(120_000), 3);
        assert_eq!(bounded.len(), 3);
        assert_eq!(locations(&bounded[..2]), locations(&three[..2]));
        assert_eq!(bounded[2].type_, MORE_DETAILS_TYPE);
        assert!(
            bounded[2].message.starts_with("119998 more problems"),
            "{bounded:?}"
        );
        let at_least = Total {
            count: 4,
            exact: false,
        };
        let bounded = bound_details((0..3).map(detail).collect(), at_least, 3);
        assert!(
            bounded[2].message.starts_with("at least 2 more problems"),
            "{bounded:?}"
        );
    }

    #[test]
    fn a_repeated_key_is_refused_with_its_place() {
        let body = b"{\"items\": [], \"items\": []}";
        let Err(Refused::NotJson(message)) = check_request(Kind::NewOrderDetails, body, 10) else {
            panic!("a repeated key is not JSON the validator accepts")
        };
        assert!(message.starts_with("1:"), "{message}");
        assert!(message.contains("items"), "{message}");
    }

    #[test]
    fn pointers_become_locations() {
        assert_eq!(segments(""), Vec::<String>::new());
        assert_eq!(
            segments("/items/0/face_value"),
            ["items", "0", "face_value"]
        );
        assert_eq!(segments("/metadata/a~1b~0c"), ["metadata", "a/b~c"]);
    }
}
