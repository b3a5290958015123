//! Keyword-targeted mutations of valid payloads: each change breaks one rule of the schema at one site (or, for unknown properties, keeps the payload valid).
//!
//! A mutation is planned from a [`Site`] of a generated payload: the site's schema nodes say
//! which keywords apply there, and each planned change names the keyword locations it
//! breaks (its *targets*), which the coverage report uses.

use rand::{RngExt, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

use super::generate::{
    Constraints, Generator, Mode, Payload, Site, UNKNOWN_PREFIX, date_time, email, float_value,
    has_unchecked_a_label, host_label, json_equal, pointer, text,
};
use super::spec::{Spec, Ty, Words};

/// One change to a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    RemoveRequired(String),
    WrongType(Ty),
    TooShort,
    TooLong,
    BelowMinimum,
    AboveMaximum,
    AtExclusiveMinimum,
    AtExclusiveMaximum,
    TooFewItems,
    TooManyItems,
    DuplicateItem,
    TooFewProperties,
    TooManyProperties,
    LongPropertyName,
    BreakPattern,
    /// A value outside the `enum` (or `const`) of this node.
    OutsideEnum(String),
    BadFormat(String),
    /// A tagged `oneOf` (at this node) gets another branch's tag, loses its tag, or gets an
    /// unknown tag.
    SwapTag(String),
    DropTag(String),
    UnknownTag(String),
    /// An untagged `oneOf` (at this node) gets the properties of another branch too.
    OtherBranch(String),
    /// A property no schema declares: objects are open, so this keeps the payload valid.
    UnknownProperty,
    /// An arbitrary JSON value built from the spec's property names and values, aimed at no
    /// keyword in particular.
    Arbitrary,
}

impl Change {
    /// The change's name in the statistics of a run.
    pub fn name(&self) -> &'static str {
        match self {
            Change::RemoveRequired(_) => "remove a required property",
            Change::WrongType(Ty::Null) => "null where not allowed",
            Change::WrongType(_) => "wrong type",
            Change::TooShort => "minLength - 1",
            Change::TooLong => "maxLength + 1",
            Change::BelowMinimum => "below minimum",
            Change::AboveMaximum => "above maximum",
            Change::AtExclusiveMinimum => "at exclusiveMinimum",
            Change::AtExclusiveMaximum => "at exclusiveMaximum",
            Change::TooFewItems => "minItems - 1",
            Change::TooManyItems => "maxItems + 1",
            Change::DuplicateItem => "duplicate item",
            Change::TooFewProperties => "minProperties - 1",
            Change::TooManyProperties => "maxProperties + 1",
            Change::LongPropertyName => "propertyNames maxLength + 1",
            Change::BreakPattern => "pattern broken",
            Change::OutsideEnum(_) => "outside the enum",
            Change::BadFormat(format) if format == "email" => "e-mail near miss",
            Change::BadFormat(_) => "date-time near miss",
            Change::SwapTag(_) => "oneOf tag of another branch",
            Change::DropTag(_) => "oneOf tag removed",
            Change::UnknownTag(_) => "oneOf tag unknown",
            Change::OtherBranch(_) => "oneOf with another branch's fields",
            Change::UnknownProperty => "unknown property",
            Change::Arbitrary => "arbitrary value from the spec's words",
        }
    }
}

/// A change planned at a site, with the keyword locations it is meant to break.
#[derive(Debug, Clone)]
pub struct Planned {
    pub site: usize,
    pub change: Change,
    pub targets: Vec<String>,
}

/// A mutated payload.
#[derive(Debug, Clone)]
pub struct Mutant {
    pub value: Value,
    /// What was changed where, for reports.
    pub description: String,
    /// The keyword locations the changes were meant to break.
    pub targets: Vec<String>,
    /// True when every change was an unknown property, so the payload must stay valid.
    pub keeps_valid: bool,
    /// The names of the changes made (see [`Change::name`]).
    pub changes: Vec<&'static str>,
}

/// The nodes of `nodes` whose schema has `keyword`.
fn with_keyword(spec: &Spec, nodes: &[String], keyword: &str) -> Vec<String> {
    nodes
        .iter()
        .filter(|it| spec.node(it).get(keyword).is_some())
        .map(|it| format!("{it}/{keyword}"))
        .collect()
}

/// The tag of a `oneOf` whose branches each require one property with a single, distinct
/// value: the property and each branch's value.
pub fn tag_of(spec: &Spec, one_of: &str) -> Option<(String, Vec<Value>)> {
    let branches = spec.node(one_of)["oneOf"].as_array()?.len();
    let constraints: Vec<Constraints> = (0..branches)
        .map(|i| Constraints::of(spec, &spec.closure(&format!("{one_of}/oneOf/{i}"))))
        .collect();
    let candidates: Vec<String> = constraints[0].required.clone();
    'property: for property in candidates {
        let mut tags: Vec<Value> = Vec::new();
        for c in &constraints {
            if !c.required.contains(&property) {
                continue 'property;
            }
            let Some(nodes) = c.property(&property) else {
                continue 'property;
            };
            let values = Constraints::of(spec, &spec.closure_all(nodes)).values;
            match values.as_deref() {
                Some([one]) if !tags.iter().any(|it| json_equal(it, one)) => tags.push(one.clone()),
                _ => continue 'property,
            }
        }
        return Some((property, tags));
    }
    None
}

/// Every change that applies to the site `index` of `payload`.
pub fn plan(spec: &Spec, payload: &Payload, index: usize) -> Vec<Planned> {
    let site = &payload.sites[index];
    let c = Constraints::of(spec, &site.nodes);
    let nodes = &site.nodes;
    let mut out = Vec::new();
    let mut add = |change: Change, targets: Vec<String>| {
        out.push(Planned {
            site: index,
            change,
            targets,
        })
    };
    // `null` where another branch of an enclosing `oneOf` or `anyOf` takes it (`fx` is the
    // FX details or null) is allowed, so it is not a "null where not allowed".
    let null_elsewhere = nodes.iter().any(|node| {
        ["oneOf", "anyOf"].iter().any(|combinator| {
            let branches = spec.node(node).get(*combinator).and_then(Value::as_array);
            (0..branches.map_or(0, Vec::len)).any(|i| {
                let branch = spec.closure(&format!("{node}/{combinator}/{i}"));
                Constraints::of(spec, &branch).allows(Ty::Null)
            })
        })
    });
    for ty in [
        Ty::Null,
        Ty::Boolean,
        Ty::Integer,
        Ty::Number,
        Ty::String,
        Ty::Array,
        Ty::Object,
    ] {
        if ty == Ty::Null && null_elsewhere {
            continue;
        }
        let refusing: Vec<String> = nodes
            .iter()
            .filter(|node| {
                let c = Constraints::of(spec, std::slice::from_ref(node));
                c.types.is_some() && !c.allows(ty)
            })
            .map(|node| format!("{node}/type"))
            .collect();
        if !refusing.is_empty() {
            add(Change::WrongType(ty), refusing);
        }
    }
    add(Change::Arbitrary, Vec::new());
    for node in nodes {
        let schema = spec.node(node);
        if schema.get("enum").is_some() || schema.get("const").is_some() {
            let keyword = if schema.get("enum").is_some() {
                "enum"
            } else {
                "const"
            };
            add(
                Change::OutsideEnum(node.clone()),
                vec![format!("{node}/{keyword}")],
            );
        }
    }
    match site.ty {
        Ty::String => {
            if c.min_length.is_some_and(|it| it > 0) {
                add(Change::TooShort, with_keyword(spec, nodes, "minLength"));
            }
            if c.max_length.is_some() {
                add(Change::TooLong, with_keyword(spec, nodes, "maxLength"));
            }
            if !c.patterns.is_empty() {
                add(Change::BreakPattern, with_keyword(spec, nodes, "pattern"));
            }
            // `decimal` is an annotation (money amounts): nothing to break.
            for format in c.formats.iter().filter(|it| *it != "decimal") {
                add(
                    Change::BadFormat(format.clone()),
                    with_keyword(spec, nodes, "format"),
                );
            }
        }
        Ty::Integer | Ty::Number => {
            for (bound, change, keyword) in [
                (c.minimum, Change::BelowMinimum, "minimum"),
                (c.maximum, Change::AboveMaximum, "maximum"),
                (
                    c.exclusive_minimum,
                    Change::AtExclusiveMinimum,
                    "exclusiveMinimum",
                ),
                (
                    c.exclusive_maximum,
                    Change::AtExclusiveMaximum,
                    "exclusiveMaximum",
                ),
            ] {
                if bound.is_some() {
                    add(change, with_keyword(spec, nodes, keyword));
                }
            }
        }
        Ty::Array => {
            if c.min_items.is_some_and(|it| it > 0) {
                add(Change::TooFewItems, with_keyword(spec, nodes, "minItems"));
            }
            if c.max_items.is_some() {
                add(Change::TooManyItems, with_keyword(spec, nodes, "maxItems"));
            }
            if c.unique_items {
                add(
                    Change::DuplicateItem,
                    with_keyword(spec, nodes, "uniqueItems"),
                );
            }
        }
        Ty::Object => {
            for name in &c.required {
                let targets = nodes
                    .iter()
                    .filter(|node| {
                        spec.node(node)
                            .get("required")
                            .and_then(Value::as_array)
                            .is_some_and(|it| it.iter().any(|it| it == name.as_str()))
                    })
                    .map(|node| format!("{node}/required"))
                    .collect();
                add(Change::RemoveRequired(name.clone()), targets);
            }
            if c.min_properties.is_some_and(|it| it > 0) {
                add(
                    Change::TooFewProperties,
                    with_keyword(spec, nodes, "minProperties"),
                );
            }
            if c.max_properties.is_some() {
                add(
                    Change::TooManyProperties,
                    with_keyword(spec, nodes, "maxProperties"),
                );
            }
            if !c.names.is_empty() {
                let names = Constraints::of(spec, &c.names);
                assert!(
                    names.min_length.is_none()
                        && names.patterns.is_empty()
                        && names.values.is_none(),
                    "only maxLength of propertyNames is mutated by this suite"
                );
                if names.max_length.is_some() {
                    add(
                        Change::LongPropertyName,
                        with_keyword(spec, &c.names, "maxLength"),
                    );
                }
            }
            if c.additional.is_empty() {
                add(Change::UnknownProperty, Vec::new());
            }
            for node in nodes {
                if spec.node(node).get("oneOf").is_none() {
                    continue;
                }
                let target = vec![format!("{node}/oneOf")];
                if tag_of(spec, node).is_some() {
                    add(Change::SwapTag(node.clone()), target.clone());
                    add(Change::DropTag(node.clone()), target.clone());
                    add(Change::UnknownTag(node.clone()), target);
                } else {
                    add(Change::OtherBranch(node.clone()), target);
                }
            }
        }
        Ty::Null | Ty::Boolean => {}
    }
    out
}

/// The value at `path` in `root`, if it is still there.
fn at<'v>(root: &'v mut Value, site: &Site) -> Option<&'v mut Value> {
    root.pointer_mut(&pointer(&site.path))
}

/// A sample value of type `ty`.
fn sample(ty: Ty, rng: &mut StdRng) -> Value {
    match ty {
        Ty::Null => Value::Null,
        Ty::Boolean => Value::Bool(rng.random_bool(0.5)),
        Ty::Integer => [json!(0), json!(7), json!(-3), json!(12_345_678_901_234u64)]
            .choose(rng)
            .expect("not empty")
            .clone(),
        Ty::Number => [float_value(2.5), float_value(-0.75), float_value(1e-9)]
            .choose(rng)
            .expect("not empty")
            .clone(),
        Ty::String => [json!(""), json!("text"), json!("42"), json!("null")]
            .choose(rng)
            .expect("not empty")
            .clone(),
        Ty::Array => [json!([]), json!([1, "a"]), json!([null])]
            .choose(rng)
            .expect("not empty")
            .clone(),
        Ty::Object => [json!({}), json!({"a": 1})]
            .choose(rng)
            .expect("not empty")
            .clone(),
    }
}

/// Applies `planned` to `root`, a copy of the payload the plan was made from (possibly
/// changed already). Returns what was done, or `None` when the change no longer applies.
pub fn apply(
    generator: &mut Generator<'_>,
    payload: &Payload,
    planned: &Planned,
    root: &mut Value,
    rng: &mut StdRng,
) -> Option<String> {
    let spec = generator.spec;
    let site = &payload.sites[planned.site];
    let c = Constraints::of(spec, &site.nodes);
    let here = pointer(&site.path);
    let value = at(root, site)?;
    if Ty::of(value) != site.ty
        && !matches!(
            planned.change,
            Change::WrongType(_) | Change::OutsideEnum(_)
        )
    {
        return None;
    }
    let what = match &planned.change {
        Change::RemoveRequired(name) => {
            value.as_object_mut()?.remove(name)?;
            format!("removed the required {name:?}")
        }
        Change::WrongType(ty) => {
            *value = sample(*ty, rng);
            format!("replaced with {value}")
        }
        Change::TooShort => {
            let length = c.min_length? as usize - 1;
            *value = Value::String(text(length, rng));
            format!("a string of {length} characters")
        }
        Change::TooLong => {
            let length = c.max_length? as usize + 1;
            *value = Value::String(text(length, rng));
            format!("a string of {length} characters")
        }
        Change::BelowMinimum | Change::AboveMaximum => {
            let below = planned.change == Change::BelowMinimum;
            let bound = if below { c.minimum? } else { c.maximum? };
            let integer = site.ty == Ty::Integer
                && c.types.as_ref().is_some_and(|it| !it.contains(&Ty::Number));
            let sign = if below { -1.0 } else { 1.0 };
            *value = if integer {
                json!((bound + sign).round() as i64)
            } else {
                match rng.random_range(0..4) {
                    3 if below && bound > 0.0 => json!(0),
                    0 => float_value(if below {
                        bound.next_down()
                    } else {
                        bound.next_up()
                    }),
                    1 => float_value(bound + sign * 0.5),
                    _ => json!((bound + sign).floor() as i64),
                }
            };
            format!("{value}, across the bound {bound}")
        }
        Change::AtExclusiveMinimum | Change::AtExclusiveMaximum => {
            let bound = if planned.change == Change::AtExclusiveMinimum {
                c.exclusive_minimum?
            } else {
                c.exclusive_maximum?
            };
            *value = float_value(bound);
            format!("exactly the exclusive bound {bound}")
        }
        Change::TooFewItems => {
            let items = value.as_array_mut()?;
            let length = c.min_items? as usize - 1;
            items.truncate(length);
            format!("{length} items")
        }
        Change::TooManyItems => {
            let length = c.max_items? as usize + 1;
            let mut items = value.as_array()?.clone();
            while items.len() < length {
                if c.unique_items || items.is_empty() {
                    let mut scratch = empty_payload();
                    let mut path = site.path.clone();
                    path.push(super::generate::Seg::Index(items.len()));
                    let item =
                        generator.value(&c.items, &mut path, &mut scratch, rng, Mode::Random);
                    if !items.iter().any(|it| json_equal(it, &item)) {
                        items.push(item);
                    }
                } else {
                    let item = items.choose(rng).expect("not empty").clone();
                    items.push(item);
                }
            }
            *at(root, site)? = Value::Array(items);
            format!("{length} items")
        }
        Change::DuplicateItem => {
            let items = value.as_array_mut()?;
            if items.is_empty() {
                return None;
            }
            if rng.random_bool(0.1) {
                // Equal as JSON though written differently: 1 and 1.0.
                items.push(json!(1));
                items.push(float_value(1.0));
                return Some(format!("{here}: 1 and 1.0 appended"));
            }
            let i = rng.random_range(0..items.len());
            let j = rng.random_range(0..=items.len());
            let copy = items[i].clone();
            items.insert(j, copy);
            format!("item {i} repeated at {j}")
        }
        Change::TooFewProperties => {
            let map = value.as_object_mut()?;
            let length = c.min_properties? as usize - 1;
            while map.len() > length {
                let key = map.keys().next().expect("not empty").clone();
                map.remove(&key);
            }
            format!("{length} properties")
        }
        Change::TooManyProperties => {
            let length = c.max_properties? as usize + 1;
            let mut map = value.as_object()?.clone();
            let names = Constraints::of(spec, &c.names);
            while map.len() < length {
                let key = generator.string(&c.names, &names, rng, Mode::Random);
                if map.contains_key(&key) || c.property(&key).is_some() {
                    continue;
                }
                let item = if c.additional.is_empty() {
                    Value::Bool(true)
                } else {
                    let mut scratch = empty_payload();
                    generator.value(
                        &c.additional,
                        &mut Vec::new(),
                        &mut scratch,
                        rng,
                        Mode::Random,
                    )
                };
                map.insert(key, item);
            }
            *at(root, site)? = Value::Object(map);
            format!("{length} properties")
        }
        Change::LongPropertyName => {
            let names = Constraints::of(spec, &c.names);
            let length = names.max_length? as usize + 1;
            let mut map = value.as_object()?.clone();
            let key = text(length, rng);
            if map.contains_key(&key) {
                return None;
            }
            let undeclared: Vec<String> = map
                .keys()
                .filter(|it| c.property(it).is_none())
                .cloned()
                .collect();
            let item = match undeclared.choose(rng) {
                Some(old) => map.remove(old).expect("present"),
                None if c.additional.is_empty() => Value::Bool(true),
                None => {
                    let mut scratch = empty_payload();
                    generator.value(
                        &c.additional,
                        &mut Vec::new(),
                        &mut scratch,
                        rng,
                        Mode::Random,
                    )
                }
            };
            map.insert(key, item);
            *at(root, site)? = Value::Object(map);
            format!("a property name of {length} characters")
        }
        Change::BreakPattern => {
            let current = value.as_str()?.to_owned();
            let broken = break_pattern(generator, &c.patterns, &current, rng)?;
            *at(root, site)? = Value::String(broken.clone());
            format!("{broken:?}, which breaks the pattern")
        }
        Change::OutsideEnum(node) => {
            let listed = Constraints::of(spec, std::slice::from_ref(node)).values?;
            let outside = outside_enum(spec, &listed, site, rng);
            *value = outside;
            format!("{value}, outside the enum of {node}")
        }
        Change::BadFormat(format) => {
            let bad = near_misses(format, rng)
                .choose(rng)
                .expect("not empty")
                .clone();
            *value = Value::String(bad);
            format!("{value}, a near miss of {format}")
        }
        Change::SwapTag(node) | Change::DropTag(node) | Change::UnknownTag(node) => {
            let (property, tags) = tag_of(spec, node)?;
            let map = value.as_object_mut()?;
            match &planned.change {
                Change::SwapTag(_) => {
                    let current = map.get(&property)?.clone();
                    let others: Vec<&Value> =
                        tags.iter().filter(|it| !json_equal(it, &current)).collect();
                    let other = (*others.choose(rng)?).clone();
                    map.insert(property.clone(), other.clone());
                    format!("{property:?} set to another branch's {other}")
                }
                Change::DropTag(_) => {
                    map.remove(&property)?;
                    format!("removed the tag {property:?}")
                }
                _ => {
                    let unknown = [
                        json!("NOT_A_VARIANT"),
                        json!(tags[0].as_str().map(str::to_lowercase)),
                        json!(5),
                        Value::Null,
                    ]
                    .choose(rng)
                    .expect("not empty")
                    .clone();
                    map.insert(property.clone(), unknown.clone());
                    format!("{property:?} set to the unknown tag {unknown}")
                }
            }
        }
        Change::OtherBranch(node) => {
            let branches = spec.node(node)["oneOf"].as_array()?.len();
            let chosen = (0..branches)
                .find(|i| site.nodes.contains(&format!("{node}/oneOf/{i}")))
                .unwrap_or(0);
            let others: Vec<usize> = (0..branches).filter(|it| *it != chosen).collect();
            let other = *others.choose(rng)?;
            let mut scratch = empty_payload();
            let fields = generator.value(
                &[format!("{node}/oneOf/{other}")],
                &mut Vec::new(),
                &mut scratch,
                rng,
                Mode::Random,
            );
            let map = at(root, site)?.as_object_mut()?;
            for (key, item) in fields.as_object()? {
                if !map.contains_key(key) {
                    map.insert(key.clone(), item.clone());
                }
            }
            format!("with the fields of {node}/oneOf/{other} too")
        }
        Change::Arbitrary => {
            *value = arbitrary(&generator.words, 3, rng);
            format!("replaced with {value}")
        }
        Change::UnknownProperty => {
            let map = value.as_object_mut()?;
            let key = match rng.random_range(0..3) {
                0 => format!("{UNKNOWN_PREFIX}-{}", rng.random_range(0..1000)),
                1 => format!("{UNKNOWN_PREFIX}/with~escapes"),
                _ => format!("{UNKNOWN_PREFIX} é"),
            };
            let item = [
                json!(null),
                json!("x"),
                json!(1.5),
                json!({"nested": [1, {"deep": null}]}),
                json!([[], {}]),
            ]
            .choose(rng)
            .expect("not empty")
            .clone();
            map.insert(key.clone(), item);
            format!("added the unknown property {key:?}")
        }
    };
    Some(format!(
        "{}: {what}",
        if here.is_empty() { "(root)" } else { &here }
    ))
}

/// A random JSON value of at most `depth` levels whose keys and strings are the spec's
/// property names and values, so that it often nearly fits some schema.
fn arbitrary(words: &Words, depth: u32, rng: &mut StdRng) -> Value {
    match rng.random_range(0..if depth == 0 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.random_bool(0.5)),
        2 => json!(rng.random_range(-3i64..=3)),
        3 => [0.0, 0.01, 1.5, -0.0, 1e300, 0.009_999_999_999_999_998]
            .choose(rng)
            .map(|it| float_value(*it))
            .expect("not empty"),
        4 | 5 => match rng.random_range(0..4) {
            0 => Value::String(email(rng)),
            1 => Value::String(date_time(rng)),
            _ => words.values.choose(rng).expect("not empty").clone(),
        },
        6 | 7 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.random_range(0..6) {
                let key = words.names.choose(rng).expect("not empty").clone();
                map.insert(key, arbitrary(words, depth - 1, rng));
            }
            Value::Object(map)
        }
        _ => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| arbitrary(words, depth - 1, rng))
                .collect(),
        ),
    }
}

fn empty_payload() -> Payload {
    Payload {
        value: Value::Null,
        sites: Vec::new(),
        names: Vec::new(),
    }
}

/// A string that does not match at least one of `patterns`, close to `current`.
fn break_pattern(
    generator: &mut Generator<'_>,
    patterns: &[String],
    current: &str,
    rng: &mut StdRng,
) -> Option<String> {
    for _ in 0..100 {
        let chars: Vec<char> = current.chars().collect();
        let candidate = match rng.random_range(0..7) {
            0 if !chars.is_empty() => {
                let mut chars = chars;
                let i = rng.random_range(0..chars.len());
                chars[i] = *[' ', '!', 'é', 'a', 'Z', '0', '\n', '-']
                    .choose(rng)
                    .expect("not empty");
                chars.into_iter().collect()
            }
            1 => format!("{current}\n"),
            2 => format!("\n{current}"),
            3 => current.to_lowercase(),
            4 => String::new(),
            5 if !chars.is_empty() => chars[..chars.len() - 1].iter().collect(),
            _ => {
                let length = rng.random_range(0..8);
                text(length, rng)
            }
        };
        if patterns.iter().any(|it| !generator.matches(it, &candidate)) {
            return Some(candidate);
        }
    }
    None
}

/// A value outside `listed`, the enum of one node of the site. Half of the time it is a value
/// that another enum of the site allows (a narrowed enum, as in `SyncCompletedOrder`), so
/// that only this node refuses it.
fn outside_enum(spec: &Spec, listed: &[Value], site: &Site, rng: &mut StdRng) -> Value {
    let outside = |it: &Value| !listed.iter().any(|listed| json_equal(listed, it));
    let narrowed: Vec<Value> = site
        .nodes
        .iter()
        .filter_map(|node| spec.node(node).get("enum").and_then(Value::as_array))
        .flatten()
        .filter(|it| outside(it))
        .cloned()
        .collect();
    if !narrowed.is_empty() && rng.random_bool(0.5) {
        return narrowed.choose(rng).expect("not empty").clone();
    }
    let mut candidates: Vec<Value> = Vec::new();
    for value in listed {
        if let Some(s) = value.as_str() {
            candidates.push(json!(s.to_lowercase()));
            candidates.push(json!(format!("{s} ")));
            candidates.push(json!(format!("{s}X")));
        }
    }
    candidates.extend([json!("OTHER_VALUE"), json!(""), json!(0)]);
    let candidates: Vec<Value> = candidates.into_iter().filter(outside).collect();
    candidates
        .choose(rng)
        .expect("some value is outside")
        .clone()
}

/// Strings that are wrong for `format` in one small way (or, for a few edge cases, right).
pub fn near_misses(format: &str, rng: &mut StdRng) -> Vec<String> {
    match format {
        "email" => email_near_misses(rng),
        "date-time" => date_time_near_misses(rng),
        other => panic!("the format {other:?} is not handled by this suite"),
    }
}

/// Every near miss of the format that `planned` (a [`Change::BadFormat`]) breaks, each as
/// its own mutant.
pub fn every_near_miss(payload: &Payload, planned: &Planned, rng: &mut StdRng) -> Vec<Mutant> {
    let Change::BadFormat(format) = &planned.change else {
        return Vec::new();
    };
    let site = &payload.sites[planned.site];
    let mut out = Vec::new();
    for bad in near_misses(format, rng) {
        let mut value = payload.value.clone();
        let Some(slot) = at(&mut value, site) else {
            continue;
        };
        *slot = Value::String(bad.clone());
        out.push(Mutant {
            value,
            description: format!("{}: {bad:?}, a near miss of {format}", pointer(&site.path)),
            targets: planned.targets.clone(),
            keeps_valid: false,
            changes: vec![planned.change.name()],
        });
    }
    out
}

/// E-mail addresses that are wrong in one small way (or, for a few edge cases, right).
fn email_near_misses(rng: &mut StdRng) -> Vec<String> {
    let valid = email(rng);
    let (local, domain) = valid.rsplit_once('@').expect("an address has an @");
    let long_domain = (0..4)
        .map(|_| host_label(63, rng))
        .collect::<Vec<_>>()
        .join(".");
    let candidates: Vec<String> = vec![
        format!("{local}{domain}"),
        format!("{local}@@{domain}"),
        format!("{local}@{domain}."),
        format!(".{local}@{domain}"),
        format!("{local}.@{domain}"),
        format!("a..b@{domain}"),
        format!("{local}@-{domain}"),
        format!("{local}@{}", domain.replacen('.', "-.", 1)),
        format!("{local}@ab--cd.{domain}"),
        format!("{local}@{}.com", host_label(64, rng)),
        format!("{local}@{long_domain}"),
        format!("a b@{domain}"),
        format!("é{local}@{domain}"),
        format!("{local}@exämple.com"),
        format!("{local}@[300.1.1.1]"),
        format!("{local}@[1.2.3]"),
        format!("{local}@[01.2.3.4]"),
        format!("{local}@[IPv6:zz::1]"),
        format!("{local}@[IPv6:1:2:3:4:5:6:7:8:9]"),
        format!("{local}@[::1]"),
        format!("{local}@[IPv6:1.2.3.4]"),
        format!("{local}@[1.2.3.4"),
        format!("@{domain}"),
        format!("{local}@"),
        format!("{}@{domain}", "a".repeat(65)),
        format!("\"a\"b\"@{domain}"),
        format!("\"a\\\"@{domain}"),
        format!("Maria <{local}@{domain}>"),
        format!("<{local}@{domain}>"),
        format!("mailto:{local}@{domain}"),
        format!("{local}@1.2.3.4"),
        format!("{local}@{domain} "),
        format!(" {local}@{domain}"),
        format!("{local}@{domain}\n"),
        format!("{local}@exa_mple.com"),
        format!("{local}@example.com-"),
        format!("{local}(comment)@{domain}"),
        format!("{local}@xn--a-.example"),
        format!("{local}@-xn--bcher-kva.example"),
        format!("{local}@xn--bcher-kva-.example"),
        format!("{local}@xn--.example"),
        String::new(),
    ];
    // The one class left out of generation; see `has_unchecked_a_label`.
    candidates
        .into_iter()
        .filter(|it| !has_unchecked_a_label(it))
        .collect()
}

/// Date-times that are wrong in one small way (or, for a few edge cases, right).
fn date_time_near_misses(rng: &mut StdRng) -> Vec<String> {
    let valid = date_time(rng);
    let date = &valid[..10];
    let time = &valid[11..];
    vec![
        "2023-02-29T12:00:00Z".to_owned(),
        "1900-02-29T12:00:00Z".to_owned(),
        "2000-02-29T12:00:00Z".to_owned(),
        "2024-04-31T12:00:00Z".to_owned(),
        "2024-00-10T12:00:00Z".to_owned(),
        "2024-13-10T12:00:00Z".to_owned(),
        "2024-01-00T12:00:00Z".to_owned(),
        format!("{date}T12:00:00"),
        format!("{date}T12:00:00.5"),
        format!("{date}T24:00:00Z"),
        format!("{date}T23:60:00Z"),
        format!("{date}T23:59:61Z"),
        format!("{date}T23:59:60Z"),
        format!("{date}T12:00:60Z"),
        format!("{date}T23:59:60+01:00"),
        format!("{date}T00:59:60+01:00"),
        format!("{date}T15:59:60-08:00"),
        format!("{date}T12:00:00+24:00"),
        format!("{date}T12:00:00+00:60"),
        format!("{date}T12:00:00+0000"),
        format!("{date}T12:00:00+00"),
        format!("{date}T12:00:00-00:00"),
        format!("{date} {time}"),
        format!("{date}{time}"),
        format!("{date}_{time}"),
        format!("{date}T12:00:00.Z"),
        format!("{date}T12:00:00,5Z"),
        format!("{date}T1:00:00Z"),
        format!("{date}T12:0:00Z"),
        format!("{date}t12:00:00z"),
        format!("{valid} "),
        format!("{valid}Z"),
        format!(" {valid}"),
        format!("{}T{time}", &date[2..]),
        format!("0{date}T{time}"),
        format!("-{date}T{time}"),
        "２０２４-01-01T12:00:00Z".to_owned(),
        format!("{date}T１2:00:00Z"),
        date.to_owned(),
        time.to_owned(),
        format!("{}/{}/{}T{time}", &date[..4], &date[5..7], &date[8..10]),
        String::new(),
    ]
}

/// A mutant with one change: the `planned` change applied to a copy of the payload.
pub fn single(
    generator: &mut Generator<'_>,
    payload: &Payload,
    planned: &Planned,
    rng: &mut StdRng,
) -> Option<Mutant> {
    let mut value = payload.value.clone();
    let description = apply(generator, payload, planned, &mut value, rng)?;
    Some(Mutant {
        value,
        description,
        targets: planned.targets.clone(),
        keeps_valid: planned.change == Change::UnknownProperty,
        changes: vec![planned.change.name()],
    })
}

/// Every change that applies somewhere in `payload`.
pub fn plan_all(spec: &Spec, payload: &Payload) -> Vec<Planned> {
    (0..payload.sites.len())
        .flat_map(|site| plan(spec, payload, site))
        .collect()
}

/// A mutant with one to four random changes out of `plans` (from [`plan_all`]). Each change
/// is drawn by kind first, so that rare kinds (a format near miss) are as frequent as common
/// ones (a wrong type, which applies everywhere).
pub fn random(
    generator: &mut Generator<'_>,
    payload: &Payload,
    plans: &[Planned],
    rng: &mut StdRng,
) -> Option<Mutant> {
    let mut names: Vec<&'static str> = plans.iter().map(|it| it.change.name()).collect();
    names.sort_unstable();
    names.dedup();
    let count = if rng.random_bool(0.7) {
        1
    } else {
        rng.random_range(2..=4)
    };
    let mut value = payload.value.clone();
    let mut descriptions = Vec::new();
    let mut targets = Vec::new();
    let mut keeps_valid = true;
    let mut changes = Vec::new();
    for _ in 0..count * 4 {
        if descriptions.len() == count {
            break;
        }
        let Some(name) = names.choose(rng) else {
            break;
        };
        let of_kind: Vec<&Planned> = plans
            .iter()
            .filter(|it| it.change.name() == *name)
            .collect();
        let planned = of_kind.choose(rng).expect("every name has a plan");
        if let Some(description) = apply(generator, payload, planned, &mut value, rng) {
            descriptions.push(description);
            targets.extend(planned.targets.iter().cloned());
            keeps_valid &= planned.change == Change::UnknownProperty;
            changes.push(planned.change.name());
        }
    }
    if descriptions.is_empty() {
        return None;
    }
    Some(Mutant {
        value,
        description: descriptions.join("; "),
        targets,
        keeps_valid,
        changes,
    })
}
