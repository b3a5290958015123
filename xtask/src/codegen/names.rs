//! Names: the only place where spec names are checked, compared and turned into Rust names.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// Rust types that the types crate writes by hand; a definition may not take these names.
pub const RESERVED_TYPE_NAMES: &[&str] = &["Timestamp", "TimestampError"];

/// The placeholders the types generator gives typify beside the definitions (and replaces with
/// `crate::Decimal` and `serde_json::Number`); a definition may not take these names either.
pub const PLACEHOLDER_NAMES: &[&str] = &[
    super::emit_types::amounts::NUMBER,
    super::emit_types::amounts::STRING,
    super::emit_types::INTEGER,
];

/// Names of Rust's standard prelude. typify's output uses them unqualified (`Ok(…)`,
/// `Default::default()`), so a definition (a type at the root of the types crate) of the same
/// name would shadow them and the crate would not compile.
pub const PRELUDE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
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
    if PLACEHOLDER_NAMES.contains(&name) {
        return Err(format!(
            "definition name \"{name}\" is reserved: the types generator gives typify a schema of \
             that name"
        ));
    }
    if PRELUDE_NAMES.contains(&name) {
        return Err(format!(
            "definition name \"{name}\" is reserved: it is a name of Rust's prelude, which the generated code uses"
        ));
    }
    Ok(())
}

/// The five families of items the validator emitter writes per schema node, each named
/// `<prefix><stem>`, with the stem from [`validator_stem`] for a definition (`v_currency`) and
/// numbered for a nested node (`v_currency_1`). The generated file explains them at its top
/// ([`Family::ALL`] and [`Family::explanation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `v_*(&Value) -> bool`: the fast check of a `serde_json::Value`.
    Fast,
    /// `e_*(&Value, &mut Cx)`: collects every error of a `Value`.
    Collect,
    /// `S_*`: the streaming seed that checks JSON text while serde_json reads it.
    Seed,
    /// `O_*`: the state machine of a seed that reads an object's members.
    ObjectState,
    /// `C_*`: the text collector that finds the errors of invalid text as it streams.
    Collector,
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::Fast,
        Family::Collect,
        Family::Seed,
        Family::ObjectState,
        Family::Collector,
    ];

    /// The prefix of the family's names (`v_`).
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Fast => "v_",
            Family::Collect => "e_",
            Family::Seed => "S_",
            Family::ObjectState => "O_",
            Family::Collector => "C_",
        }
    }

    /// The name of the family's item for the node `stem`.
    pub fn name(self, stem: &str) -> String {
        format!("{}{stem}", self.prefix())
    }

    /// The stem of `name` when it is a name of this family.
    pub fn stem(self, name: &str) -> Option<&str> {
        name.strip_prefix(self.prefix())
    }

    /// One line for the top of the generated file.
    pub fn explanation(self) -> &'static str {
        match self {
            Family::Fast => {
                "`v_*(&Value) -> bool`: the fast check of a value; it returns at the first failure and never allocates on valid input."
            }
            Family::Collect => {
                "`e_*(&Value, &mut Cx)`: collects every error of a value, up to the limit of `Cx`."
            }
            Family::Seed => {
                "`S_*`: a serde `DeserializeSeed` that checks JSON text while serde_json reads it, without building a `Value`."
            }
            Family::ObjectState => {
                "`O_*`: the state machine of a seed that reads the members of an object, each key once, and checks the object at its end."
            }
            Family::Collector => {
                "`C_*`: a text collector that records the errors `e_*` would, reading invalid text as it streams."
            }
        }
    }
}

/// The snake-case stem of the validator's functions for a definition (`v_api_error_response`).
/// The validator emitter names them with the same `heck` call.
pub fn validator_stem(name: &str) -> String {
    name.to_snake_case()
}

/// The Rust field name typify 0.8 gives a property (`a-b` and `a_b` are both `a_b`, `self` and
/// `Self` are both `self_`), so that lowering can refuse properties whose fields would collide.
pub fn typify_field(name: &str) -> String {
    typify_ident(name, |it| it.to_snake_case())
}

/// The variant name typify 0.8 gives each value of a string `enum`, or the first two values
/// whose variants collide (typify then gives up).
///
/// typify first recases each value; if two variants collide it tries again with `_` and every
/// character that cannot continue an identifier spelt out as `X`.
pub fn typify_variants(values: &[&str]) -> Result<Vec<String>, (usize, usize)> {
    let first: Vec<String> = values
        .iter()
        .map(|it| typify_ident(it, |it| it.to_pascal_case()))
        .collect();
    if first_collision(&first).is_none() {
        return Ok(first);
    }
    let second: Vec<String> = values
        .iter()
        .map(|it| {
            let spelt = it.replace(|c: char| c == '_' || !is_xid_continue(c), "X");
            typify_ident(&spelt, |it| it.to_pascal_case())
        })
        .collect();
    match first_collision(&second) {
        None => Ok(second),
        Some(pair) => Err(pair),
    }
}

/// The indices of the first two equal names.
pub fn first_collision(names: &[String]) -> Option<(usize, usize)> {
    let mut seen = std::collections::BTreeMap::new();
    for (j, name) in names.iter().enumerate() {
        if let Some(i) = seen.insert(name.as_str(), j) {
            return Some((i, j));
        }
    }
    None
}

/// typify's identifier rule, written out here so that lowering can predict typify's names:
/// drop apostrophes, treat every character that cannot continue an identifier as a word
/// break, recase, put an `x` in front when the result cannot start an identifier (or is
/// empty), and append `_` to a keyword. `+1` and `-1` are `plus1` and `minus1`.
fn typify_ident(name: &str, recase: impl Fn(&str) -> String) -> String {
    let out = match name {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => recase(
            &name
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        Some(c) if is_xid_start(c) => out,
        _ => format!("{}{out}", recase("x")),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// Rust's keywords (strict, reserved and weak ones that cannot name an item), and `_`, as one
/// text (several are also spellings of JSON Schema keywords, which live in `keywords.rs`).
const RUST_KEYWORDS: &str = "_ abstract as async await become box break const continue crate do \
    dyn else enum extern false final fn for gen if impl in let loop macro match mod move mut \
    override priv pub ref return Self self static struct super trait true try type typeof unsafe \
    unsized use virtual where while yield";

/// True for a word of [`RUST_KEYWORDS`].
fn is_keyword(word: &str) -> bool {
    RUST_KEYWORDS.split_ascii_whitespace().any(|it| it == word)
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
///
/// Only ASCII letters and digits are kept (everything else separates words), so the result is
/// always an identifier, or empty when `name` has no ASCII letter or digit: lowering refuses
/// such names, and names that collide, before the client emitter sees them.
pub fn rust_name(name: &str, case: Case) -> String {
    use heck::ToShoutySnakeCase;
    let name = name
        .strip_prefix("X-")
        .or_else(|| name.strip_prefix("x-"))
        .unwrap_or(name);
    let name = name.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
    let it = match case {
        Case::Snake => name.to_snake_case(),
        Case::Pascal => name.to_pascal_case(),
        Case::ShoutySnake => name.to_shouty_snake_case(),
    };
    if it.is_empty() {
        return it;
    }
    let it = if it.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{it}")
    } else {
        it
    };
    if is_keyword(&it) {
        format!("{it}_")
    } else {
        it
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely misspelling.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let other: Vec<char> = candidate.to_lowercase().chars().collect();
        // Lengths further apart than the limit cannot be within it.
        if word.len().abs_diff(other.len()) > limit {
            continue;
        }
        let d = distance(&word, &other);
        if d <= limit && best.is_none_or(|(it, name)| (d, *candidate) < (it, name)) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, it)| it)
}

/// Levenshtein distance, counting an adjacent transposition as one edit (three rows of the
/// table are kept, not all of it).
fn distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_but_not_unrelated_words() {
        assert_eq!(
            closest("maxLenght", &["maxLenth", "minLenth"]),
            Some("maxLenth")
        );
        assert_eq!(closest("strng", &["string", "number"]), Some("string"));
        assert_eq!(closest("colour", &["string", "number"]), None);
        // A transposition is one edit; ties go to the first name in order.
        assert_eq!(closest("recieve", &["receive", "relieve"]), Some("receive"));
        assert_eq!(closest("ab", &["ac", "ab"]), Some("ab"));
        assert_eq!(closest("abc", &["abd", "abe"]), Some("abd"));
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
        assert_eq!(rust_name("match", Case::Snake), "match_");
        assert_eq!(
            rust_name("idempotency_in_progress", Case::Pascal),
            "IdempotencyInProgress"
        );
    }

    #[test]
    fn client_names_are_identifiers_or_empty() {
        assert_eq!(
            rust_name("X-Bad\r\nInjected", Case::ShoutySnake),
            "BAD_INJECTED"
        );
        assert_eq!(rust_name("größe²", Case::Snake), "gr_e");
        assert_eq!(rust_name("self", Case::Snake), "self_");
        assert_eq!(rust_name("Self", Case::Pascal), "Self_");
        assert_eq!(rust_name("2fa", Case::Snake), "_2fa");
        assert_eq!(rust_name("--", Case::Snake), "");
        assert_eq!(rust_name("é", Case::Pascal), "");
    }

    #[test]
    fn definition_names_must_be_rust_type_names() {
        assert!(check_definition_name("APIErrorResponse").is_ok());
        assert!(check_definition_name("order_status").is_err());
        assert!(check_definition_name("Timestamp").is_err());
        assert!(check_definition_name("Ok").is_err());
        assert!(check_definition_name("Default").is_err());
    }

    #[test]
    fn typify_names_are_predicted() {
        assert_eq!(typify_field("a-b"), "a_b");
        assert_eq!(typify_field("a_b"), "a_b");
        assert_eq!(typify_field("self"), "self_");
        assert_eq!(typify_field("Self"), "self_");
        assert_eq!(typify_field("match"), "match_");
        assert_eq!(typify_field("2x"), "x2x");
        assert_eq!(typify_field(""), "x");
        assert_eq!(typify_field("-1"), "minus1");
        assert_eq!(
            typify_variants(&["EMAIL", "PAYOUT_LINK"]),
            Ok(vec!["Email".to_owned(), "PayoutLink".to_owned()])
        );
        // The second attempt spells the separators out.
        assert_eq!(typify_variants(&["a-b", "a_b"]), Err((0, 1)));
        assert_eq!(
            typify_variants(&["a-b", "aB"]),
            Ok(vec!["AXb".to_owned(), "AB".to_owned()])
        );
        assert_eq!(
            typify_variants(&["ab", "a_b"]),
            Ok(vec!["Ab".to_owned(), "AB".to_owned()])
        );
    }
}
