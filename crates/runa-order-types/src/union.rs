//! The runtime of the generated `Deserialize` of the unions without a tag (`GetSingleOrderResponse`, `OrderListItem`, `OrderCompletionWebhook`): pick the variant from what tells them apart, then report its error with a path, line and column (hand-written).
//!
//! serde's `#[serde(untagged)]` buffers the value, tries every variant and then says only
//! "data did not match any variant". The generated impls call [`deserialize`] instead, which:
//!
//! 1. captures the value as its JSON text (`serde_json::value::RawValue`), so that every
//!    variant is read by serde_json itself, from the text (amounts stay exact);
//! 2. ranks the variants by what the spec says tells them apart: a property whose value the
//!    variant limits to some strings (`status: FAILED`) and which the value has with another
//!    string rules the variant out first; then the variant missing the fewest of its required
//!    properties comes first; then spec order;
//! 3. reads the variants in that order, leaving out those whose tag the value contradicts, and
//!    returns the first that fits (so a value that some variant accepts is accepted; a union
//!    inside another union's variant reads only its best-ranked variant, see below);
//! 4. when none fits, reports the error of the best-ranked variant (ties go to the one whose
//!    error is furthest into the text), with the path inside the union, the message, and the
//!    line and column in the union's own text, through `serde_path_to_error`.
//!
//! Line and column are counted in the union's own JSON text, from its first character. For a
//! body that *is* a union (`GET /order/{id}`, the webhook), that is the body itself when it
//! starts with its value (no leading whitespace), so the position is the body's. For a union
//! inside another value (an `OrderListItem` in `OrderList.items`), serde_json then appends the
//! position where that value ends in the whole text, after the union's message.
//!
//! Each union reads its text once per variant it tries (at most the number of variants). A
//! union read inside another union's variant tries only its best-ranked variant, since trying
//! them all at every level would cost a number of reads exponential in the depth; and unions
//! nested in unions are refused past [`MAX_DEPTH`] levels. The outermost union reads its text
//! once to capture it and its members, once per variant tried, and, for a variant that does
//! not fit, once more with the path; a nested union reads its own text about twice. So the work
//! is at most about `2 × (MAX_DEPTH + number of variants)` times the text, and the stack stays
//! bounded. The unions of
//! the Runa spec are not nested in one another.

use std::{borrow::Cow, cell::Cell, fmt};

use serde::{
    Deserialize, Deserializer,
    de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor},
};
use serde_json::value::RawValue;

/// How deep unions may nest in unions (each level reads its text again). Fixed.
pub const MAX_DEPTH: usize = 16;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// What tells one variant of a union apart, from the spec.
#[derive(Debug)]
pub struct Variant {
    /// The variant's name (its `$defs` key), for messages.
    pub name: &'static str,
    /// The properties the variant requires.
    pub required: &'static [&'static str],
    /// Properties whose value the variant limits to these strings (an `enum` or `const`).
    pub tags: &'static [(&'static str, &'static [&'static str])],
}

/// A variant that did not fit: where and why.
#[derive(Debug)]
pub struct Failure {
    /// serde's path inside the union (`items[0].face_value`), `.` for the union itself.
    pub path: String,
    /// serde's message, without its position.
    pub message: String,
    /// Line and column in the union's own text (1-based); 0 when unknown.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path != "." {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

/// Reads a `T` from `text` with serde_json, keeping the path and position of an error.
///
/// For the outermost union, a value is first read without tracking its path (the common case,
/// a value that fits, costs one plain read), and read again with `serde_path_to_error` only
/// when it does not fit. A union nested in another reads with the path at once, so that a
/// deep value is not read twice per level.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, Failure> {
    if DEPTH.with(Cell::get) <= 1
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let failure = |err: serde_path_to_error::Error<serde_json::Error>| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        failure(path, &inner)
    };
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(failure)?;
    deserializer
        .end()
        .map_err(|err| self::failure(".".to_owned(), &err))?;
    Ok(value)
}

fn failure(path: String, err: &serde_json::Error) -> Failure {
    let (line, column) = (err.line(), err.column());
    let mut message = err.to_string();
    if line > 0 {
        let suffix = format!(" at line {line} column {column}");
        if let Some(it) = message.strip_suffix(&suffix) {
            message.truncate(it.len());
        }
    }
    Failure {
        path,
        message,
        line,
        column,
    }
}

/// The top-level members of an object's text that rank the variants: which of the names the
/// variants mention are present, and the text of those that are tags. Other members are
/// skipped without being kept, and keys are borrowed from the text when they have no escape.
struct Shape<'a> {
    members: Vec<(&'static str, &'a RawValue)>,
}

impl<'a> Shape<'a> {
    fn of(text: &'a str, variants: &[Variant]) -> Shape<'a> {
        let mut de = serde_json::Deserializer::from_str(text);
        let members = ShapeSeed { variants }
            .deserialize(&mut de)
            .unwrap_or_default();
        Shape { members }
    }

    fn get(&self, name: &str) -> Option<&'a RawValue> {
        self.members
            .iter()
            .find(|(it, _)| *it == name)
            .map(|(_, raw)| *raw)
    }

    /// (tags the value contradicts, required properties it lacks).
    fn rank(&self, variant: &Variant) -> (usize, usize) {
        let contradicted = variant
            .tags
            .iter()
            .filter(|(name, allowed)| {
                self.get(name).is_some_and(|raw| {
                    serde_json::from_str::<Cow<'_, str>>(raw.get())
                        .map_or(true, |it| !allowed.contains(&it.as_ref()))
                })
            })
            .count();
        let missing = variant
            .required
            .iter()
            .filter(|name| self.get(name).is_none())
            .count();
        (contradicted, missing)
    }
}

/// Reads an object's members, keeping those the variants name (see [`Shape`]).
struct ShapeSeed<'v> {
    variants: &'v [Variant],
}

impl ShapeSeed<'_> {
    /// The variants' own spelling of `key`, when some variant names it.
    fn known(&self, key: &str) -> Option<&'static str> {
        self.variants.iter().find_map(|variant| {
            variant
                .required
                .iter()
                .copied()
                .chain(variant.tags.iter().map(|(name, _)| *name))
                .find(|it| *it == key)
        })
    }
}

impl<'de> DeserializeSeed<'de> for ShapeSeed<'_> {
    type Value = Vec<(&'static str, &'de RawValue)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed<'_> {
    type Value = Vec<(&'static str, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match self.known(&key) {
                Some(name) => out.push((name, map.next_value::<&'de RawValue>()?)),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// An object key, borrowed from the text when it has no escape. Public (and hidden) because
/// the validator's streaming runtime reads keys the same way and uses this one.
#[derive(Debug, Clone)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Key<'de> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same key; a borrowed one is not copied.
    pub fn copy(&self) -> Key<'de> {
        self.clone()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decrements the nesting depth when a union's read ends, however it ends.
struct Level;

impl Level {
    fn enter() -> Option<Level> {
        DEPTH.with(|depth| {
            if depth.get() >= MAX_DEPTH {
                None
            } else {
                depth.set(depth.get() + 1);
                Some(Level)
            }
        })
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// Reads the union `name` whose variants are `variants` (in spec order); `read(i, text)` reads
/// variant `i` from the text. See the module docs for how the variant is chosen.
pub fn deserialize<'de, D, T>(
    deserializer: D,
    name: &str,
    variants: &[Variant],
    read: impl Fn(usize, &str) -> Result<T, Failure>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    use serde::de::Error;

    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    let nested = DEPTH.with(Cell::get) > 0;
    let Some(_level) = Level::enter() else {
        return Err(D::Error::custom(format_args!(
            "`{name}`: unions nested more than {MAX_DEPTH} deep"
        )));
    };
    let shape = Shape::of(text, variants);
    let mut order: Vec<(usize, (usize, usize))> = variants
        .iter()
        .enumerate()
        .map(|(i, it)| (i, shape.rank(it)))
        .collect();
    order.sort_by_key(|(i, rank)| (*rank, *i));
    // A variant whose tag the value contradicts cannot fit; keep at least one to report.
    if order
        .iter()
        .any(|(_, (contradicted, _))| *contradicted == 0)
    {
        order.retain(|(_, (contradicted, _))| *contradicted == 0);
    }
    // Inside another union's variant, only the best-ranked variant is read: trying every
    // variant at every level would read a deep value a number of times exponential in its
    // depth.
    if nested {
        order.truncate(1);
    }
    let mut failures: Vec<((usize, usize), usize, Failure)> = Vec::with_capacity(order.len());
    for (i, rank) in order {
        match read(i, text) {
            Ok(value) => return Ok(value),
            Err(failure) => failures.push((rank, i, failure)),
        }
    }
    // The best-ranked variant; among equals, the one that read furthest.
    let best = failures
        .into_iter()
        .min_by_key(|(rank, i, failure)| {
            (*rank, std::cmp::Reverse((failure.line, failure.column)), *i)
        })
        .map(|(_, i, failure)| (variants.get(i).map_or("?", |it| it.name), failure));
    Err(match best {
        Some((variant, failure)) => D::Error::custom(format_args!(
            "{failure} (read as `{variant}`, one of the variants of `{name}`)"
        )),
        None => D::Error::custom(format_args!("`{name}` has no variants")),
    })
}
