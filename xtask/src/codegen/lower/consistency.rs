//! The checks of one schema's keywords against each other: keywords that can never apply,
//! bounds that contradict each other, `default`, `enum` and `const` values the schema itself
//! refuses, and constraints beside `$ref`.

use serde_json::{Map, Value};

use super::{
    super::{
        ir::{JsonType, Literal, Schema},
        keywords::{self as kw, Keyword},
    },
    schema::SchemaLowerer,
};

impl SchemaLowerer<'_> {
    /// Catches keywords that can never apply and bounds that contradict each other.
    pub(super) fn check_consistency(
        &mut self,
        schema: &Schema,
        map: &Map<String, Value>,
        at: &str,
    ) {
        if let Some(types) = &schema.types {
            self.check_types(schema, types, map, at);
        }
        self.check_bounds(schema, at);
        self.check_literals(schema, at);
        if schema.reference.is_some() {
            self.check_ref_siblings(map, at);
        }
    }

    /// Keywords of other types than `type` allows, and `enum`/`const` values of other types.
    fn check_types(
        &mut self,
        schema: &Schema,
        types: &[JsonType],
        map: &Map<String, Value>,
        at: &str,
    ) {
        let declared: Vec<&str> = types.iter().map(|it| it.name()).collect();
        let declared = declared.join(" or ");
        for row in kw::TABLE.iter().filter(|it| it.in_schema()) {
            let (Some(ty), true) = (row.applies_to_word(), map.contains_key(row.name)) else {
                continue;
            };
            if types.iter().any(|it| row.applies_to().contains(it)) {
                continue;
            }
            let keyword = row.name;
            self.r.error(
                &row.at(at),
                format!(
                    "`{keyword}` has no effect: it applies to {ty} values and `type` is {declared}"
                ),
            );
        }
        if let Some(format) = schema.string.format {
            let format = kw::format_value(format);
            if !types.iter().any(|it| format.applies_to.contains(it)) {
                let ty = format.applies_to.first().map_or("no", |it| it.name());
                let message = format!(
                    "`format` has no effect: it applies to {ty} values and `type` is {declared}"
                );
                self.r.error(&kw::FORMAT.at(at), message);
            }
        }
        let values = schema.enum_values.iter().flatten().map(|it| (it, kw::ENUM));
        let value = schema.const_value.iter().map(|it| (it, kw::CONST));
        for (value, row) in values.chain(value) {
            if !types.iter().any(|ty| literal_has_type(value, *ty)) {
                let keyword = row.name;
                let message = format!("`{keyword}` value {value} is not of type {declared}");
                self.r.error(&row.at(at), message);
            }
        }
    }

    /// A lower bound above its upper bound.
    fn check_bounds(&mut self, schema: &Schema, at: &str) {
        let (string, array, object) = (&schema.string, &schema.array, &schema.object);
        let pairs: [(Keyword, Option<u64>, Keyword, Option<u64>); 3] = [
            (
                kw::MIN_LENGTH,
                string.min_length,
                kw::MAX_LENGTH,
                string.max_length,
            ),
            (
                kw::MIN_ITEMS,
                array.min_items,
                kw::MAX_ITEMS,
                array.max_items,
            ),
            (
                kw::MIN_PROPERTIES,
                object.min_properties,
                kw::MAX_PROPERTIES,
                object.max_properties,
            ),
        ];
        let number = &schema.number;
        let numbers = match (&number.minimum, &number.maximum) {
            (Some(low), Some(high)) if low.value > high.value => {
                Some((kw::MINIMUM, &low.text, kw::MAXIMUM, &high.text))
            }
            _ => None,
        };
        let counts = pairs
            .iter()
            .filter_map(|(low_row, low, high_row, high)| match (low, high) {
                (Some(low), Some(high)) if low > high => {
                    Some((*low_row, low.to_string(), *high_row, high.to_string()))
                }
                _ => None,
            });
        let numbers = numbers.map(|(a, b, c, d)| (a, b.clone(), c, d.clone()));
        for (low_row, low, high_row, high) in counts.chain(numbers) {
            let (low_name, high_name) = (low_row.name, high_row.name);
            let message = format!("`{low_name}` ({low}) is greater than `{high_name}` ({high})");
            self.r.error(&low_row.at(at), message);
        }
    }

    /// `default` and `const` values the schema's own `enum` and other keywords refuse.
    fn check_literals(&mut self, schema: &Schema, at: &str) {
        if let (Some(values), Some(default)) = (&schema.enum_values, &schema.default)
            && !values.contains(default)
        {
            let message = format!("`default` {default} is not one of the `enum` values");
            self.r.error(&kw::DEFAULT.at(at), message);
        }
        if let (Some(values), Some(value)) = (&schema.enum_values, &schema.const_value)
            && !values.contains(value)
        {
            let message =
                format!("`const` {value} is not one of the `enum` values, so no value can match");
            self.r.error(&kw::CONST.at(at), message);
        }
        if let Some(default) = &schema.default
            && let Some(problem) = default_problem(schema, default)
        {
            let message = format!("`default` {default} {problem}");
            self.r.error(&kw::DEFAULT.at(at), message);
        }
    }

    /// Only annotations may sit beside `$ref` (the keyword table says which).
    fn check_ref_siblings(&mut self, map: &Map<String, Value>, at: &str) {
        let siblings: Vec<String> = map
            .keys()
            .filter(|it| kw::lookup(it).is_none_or(|row| !row.beside_ref))
            .map(|it| format!("`{it}`"))
            .collect();
        if !siblings.is_empty() {
            let siblings = siblings.join(", ");
            let message = format!(
                "`$ref` next to {siblings}: only annotations may sit beside `$ref`; combine \
                 constraints with `allOf`"
            );
            self.r.error(&kw::REF.at(at), message);
        }
    }
}

/// Why `default` breaks the keywords of its own schema, if it does (typify refuses such a
/// schema, and the default would make an invalid value). `enum` is checked by the caller;
/// combinators and references are left to the validator.
fn default_problem(schema: &Schema, default: &Literal) -> Option<String> {
    if let Some(types) = &schema.types
        && !types.iter().any(|ty| literal_has_type(default, *ty))
    {
        let names: Vec<&str> = types.iter().map(|it| it.name()).collect();
        return Some(format!("is not of type {}", names.join(" or ")));
    }
    if let Some(value) = &schema.const_value
        && value != default
    {
        return Some(format!("is not the `const` value {value}"));
    }
    match default {
        Literal::Number(text) => {
            let divisor = schema.number.multiple_of.as_ref();
            if let Some(divisor) = divisor
                && divisor.divides(text) == Some(false)
            {
                return Some(format!(
                    "breaks `{}` ({})",
                    kw::MULTIPLE_OF.name,
                    divisor.text
                ));
            }
            number_problem(schema, text.parse().ok()?)
        }
        Literal::String(text) => string_problem(schema, text),
        Literal::Array(items) => {
            let rules = &schema.array;
            let n = items.len() as u64;
            if rules.min_items.is_some_and(|min| n < min) {
                return Some("has fewer items than `minItems`".to_owned());
            }
            let above = rules.max_items.is_some_and(|max| n > max);
            above.then(|| "has more items than `maxItems`".to_owned())
        }
        Literal::Object(members) => object_problem(schema, members),
        Literal::Null | Literal::Bool(_) => None,
    }
}

fn number_problem(schema: &Schema, n: f64) -> Option<String> {
    let rules = &schema.number;
    let bounds = [
        (kw::MINIMUM, &rules.minimum),
        (kw::MAXIMUM, &rules.maximum),
        (kw::EXCLUSIVE_MINIMUM, &rules.exclusive_minimum),
        (kw::EXCLUSIVE_MAXIMUM, &rules.exclusive_maximum),
    ];
    bounds.into_iter().find_map(|(row, bound)| {
        let bound = bound.as_ref()?;
        let broken = match row {
            kw::MINIMUM => n < bound.value,
            kw::MAXIMUM => n > bound.value,
            kw::EXCLUSIVE_MINIMUM => n <= bound.value,
            _ => n >= bound.value,
        };
        broken.then(|| format!("breaks `{}` ({})", row.name, bound.text))
    })
}

fn string_problem(schema: &Schema, text: &str) -> Option<String> {
    let rules = &schema.string;
    let length = text.chars().count() as u64;
    if rules.min_length.is_some_and(|min| length < min) {
        return Some("is shorter than `minLength`".to_owned());
    }
    if rules.max_length.is_some_and(|max| length > max) {
        return Some("is longer than `maxLength`".to_owned());
    }
    let pattern = rules.pattern.as_deref()?;
    let matches = regex::Regex::new(pattern).is_ok_and(|it| it.is_match(text));
    (!matches).then(|| "does not match `pattern`".to_owned())
}

fn object_problem(schema: &Schema, members: &[(String, Literal)]) -> Option<String> {
    let rules = &schema.object;
    if let Some(name) = rules
        .required
        .iter()
        .find(|name| !members.iter().any(|(key, _)| key == *name))
    {
        return Some(format!("lacks the required \"{name}\""));
    }
    let n = members.len() as u64;
    if rules.min_properties.is_some_and(|min| n < min) {
        return Some("has fewer members than `minProperties`".to_owned());
    }
    let above = rules.max_properties.is_some_and(|max| n > max);
    above.then(|| "has more members than `maxProperties`".to_owned())
}

pub(super) fn literal_has_type(value: &Literal, ty: JsonType) -> bool {
    match (value, ty) {
        (Literal::Null, JsonType::Null)
        | (Literal::Bool(_), JsonType::Boolean)
        | (Literal::String(_), JsonType::String)
        | (Literal::Array(_), JsonType::Array)
        | (Literal::Object(_), JsonType::Object)
        | (Literal::Number(_), JsonType::Number) => true,
        (Literal::Number(text), JsonType::Integer) => {
            text.parse::<f64>().is_ok_and(|it| it.fract() == 0.0)
        }
        _ => false,
    }
}
