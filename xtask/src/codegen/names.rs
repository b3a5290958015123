//! Names: the only place where spec names are checked, compared and turned into Rust names.

use heck::ToPascalCase;

/// Rust types that the types crate writes by hand; a definition may not take these names.
pub const RESERVED_TYPE_NAMES: &[&str] = &["Timestamp"];

/// Every keyword of JSON Schema 2020-12, so that a keyword the generator does not implement is
/// told apart from a misspelt one.
pub const JSON_SCHEMA_KEYWORDS: &[&str] = &[
    "$anchor",
    "$comment",
    "$defs",
    "$dynamicAnchor",
    "$dynamicRef",
    "$id",
    "$ref",
    "$schema",
    "$vocabulary",
    "additionalProperties",
    "allOf",
    "anyOf",
    "const",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "default",
    "dependentRequired",
    "dependentSchemas",
    "deprecated",
    "description",
    "else",
    "enum",
    "examples",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "format",
    "if",
    "items",
    "maxContains",
    "maximum",
    "maxItems",
    "maxLength",
    "maxProperties",
    "minContains",
    "minimum",
    "minItems",
    "minLength",
    "minProperties",
    "multipleOf",
    "not",
    "oneOf",
    "pattern",
    "patternProperties",
    "prefixItems",
    "properties",
    "propertyNames",
    "readOnly",
    "required",
    "then",
    "title",
    "type",
    "unevaluatedItems",
    "unevaluatedProperties",
    "uniqueItems",
    "writeOnly",
];

/// Checks that a `$defs` key can be used verbatim as a Rust type name.
pub fn check_definition_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let starts_upper = chars.next().is_some_and(|it| it.is_ascii_uppercase());
    if !starts_upper || !chars.all(|it| it.is_ascii_alphanumeric()) {
        return Err(format!(
            "definition name \"{name}\" must be UpperCamelCase ASCII letters and digits, as it is the Rust type name"
        ));
    }
    if RESERVED_TYPE_NAMES.contains(&name) {
        return Err(format!(
            "definition name \"{name}\" is reserved: the types crate defines it by hand"
        ));
    }
    Ok(())
}

/// True for `createOrder`-style identifiers.
pub fn is_lower_camel(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|it| it.is_ascii_lowercase())
        && chars.all(|it| it.is_ascii_alphanumeric())
}

/// The name typify gives a definition before any rename (`APIErrorResponse` becomes
/// `ApiErrorResponse`). The generator renames it back, so Rust uses the spec's name.
pub fn typify_name(name: &str) -> String {
    name.to_pascal_case()
}

/// The Rust name of an item made from an API name, in one of the cases the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `create_order`, for functions, modules and fields.
    Snake,
    /// `ExecutionMode`, for types and variants.
    Pascal,
    /// `EXECUTION_MODE`, for constants.
    ShoutySnake,
}

/// A Rust identifier for `name` in `case`: `X-Idempotency-Key` is `IDEMPOTENCY_KEY` as a
/// constant, `createOrder` is `create_order`. A leading `X-` of a header name is dropped, and
/// a keyword gets a trailing `_`, as typify does for fields (`type` becomes `type_`).
pub fn rust_name(name: &str, case: Case) -> String {
    use heck::{ToShoutySnakeCase, ToSnakeCase};
    let name = name
        .strip_prefix("X-")
        .or_else(|| name.strip_prefix("x-"))
        .unwrap_or(name);
    let it = match case {
        Case::Snake => name.to_snake_case(),
        Case::Pascal => name.to_pascal_case(),
        Case::ShoutySnake => name.to_shouty_snake_case(),
    };
    let it = if it.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{it}")
    } else {
        it
    };
    if syn::parse_str::<syn::Ident>(&it).is_err() {
        format!("{it}_")
    } else {
        it
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely misspelling.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|it| (distance(&word.to_lowercase(), &it.to_lowercase()), *it))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, it)| it)
}

/// Levenshtein distance, counting an adjacent transposition as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_but_not_unrelated_words() {
        assert_eq!(
            closest("maxLenght", &["maxLength", "minLength"]),
            Some("maxLength")
        );
        assert_eq!(closest("strng", &["string", "number"]), Some("string"));
        assert_eq!(closest("colour", &["string", "number"]), None);
    }

    #[test]
    fn client_names() {
        assert_eq!(
            rust_name("X-Idempotency-Key", Case::ShoutySnake),
            "IDEMPOTENCY_KEY"
        );
        assert_eq!(rust_name("X-Execution-Mode", Case::Pascal), "ExecutionMode");
        assert_eq!(
            rust_name("getListOfOrders", Case::Snake),
            "get_list_of_orders"
        );
        assert_eq!(rust_name("type", Case::Snake), "type_");
        assert_eq!(
            rust_name("idempotency_in_progress", Case::Pascal),
            "IdempotencyInProgress"
        );
    }

    #[test]
    fn definition_names_must_be_rust_type_names() {
        assert!(check_definition_name("APIErrorResponse").is_ok());
        assert!(check_definition_name("order_status").is_err());
        assert!(check_definition_name("Timestamp").is_err());
    }
}
