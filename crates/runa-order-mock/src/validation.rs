//! The seam to the validator crate: checks request bodies (for 422 answers) and the server's own answers against the spec.

use runa_order_types::ValidationErrorItem;
use runa_order_validator::Kind;

fn kind(definition: &str) -> Kind {
    Kind::from_name(definition).unwrap_or_else(|| {
        panic!("the generated operations name `{definition}`, which the validator must know")
    })
}

/// Checks a request body against the `$defs` entry `definition`; each problem becomes a
/// detail of a 422 answer, its `location` the segments of the JSON pointer
/// (`/items/0/face_value` is `["items", "0", "face_value"]`) and its `type` the keyword.
pub(crate) fn check_request(
    definition: &str,
    body: &serde_json::Value,
) -> Result<(), Vec<ValidationErrorItem>> {
    kind(definition).validate(body).map_err(|errors| {
        errors
            .iter()
            .map(|it| ValidationErrorItem {
                location: segments(&it.instance_location),
                message: it.message.clone(),
                type_: it.keyword.to_owned(),
            })
            .collect()
    })
}

/// Checks an answer's body against the `$defs` entry `definition`.
pub(crate) fn check_response(definition: &str, body: &[u8]) -> Result<(), String> {
    kind(definition)
        .validate_slice(body)
        .map_err(|errors| errors.to_string())
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
    fn pointers_become_locations() {
        assert_eq!(segments(""), Vec::<String>::new());
        assert_eq!(
            segments("/items/0/face_value"),
            ["items", "0", "face_value"]
        );
        assert_eq!(segments("/metadata/a~1b~0c"), ["metadata", "a/b~c"]);
    }
}
