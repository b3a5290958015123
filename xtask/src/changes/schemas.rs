//! The rules on schemas: definitions matched by name, nodes by the path of keywords and
//! properties under them, `$ref`s resolved so that a schema moved into `$defs` compares equal.

use std::collections::{BTreeSet, HashMap, HashSet};

use heck::ToKebabCase;

use super::{
    FileKind, Finding, Level, Side,
    direction::{Direction, Directions},
    rust::{self, Bump, Crate, Impact},
};
use crate::codegen::{
    ir::{Api, Bound, Divisor, Format, JsonType, Schema},
    keywords::{self, Growth, Keyword},
};

/// What a change does to the set of accepted payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Narrows,
    Widens,
    /// Accepts other payloads: breaks both ways.
    Changes,
    /// Documentation only.
    Doc,
    /// May break some clients (a new value where clients are told to expect unknown ones).
    Undecided,
    /// A combination of `oneOf`/`allOf` branches no rule decides: `decide` asks the set
    /// operations, and it is a warning when they cannot tell.
    Combination,
}

impl Effect {
    fn opposite(self) -> Effect {
        match self {
            Effect::Narrows => Effect::Widens,
            Effect::Widens => Effect::Narrows,
            other => other,
        }
    }

    fn of(growth: Growth) -> Effect {
        match growth {
            Growth::Narrows => Effect::Narrows,
            Growth::Widens => Effect::Widens,
            Growth::Changes => Effect::Changes,
            Growth::None => Effect::Doc,
        }
    }
}

/// The level of a change of `effect` in a node that travels in `direction`.
pub fn judge(effect: Effect, direction: Direction) -> Level {
    let breaks = match effect {
        Effect::Narrows => direction != Direction::Response,
        Effect::Widens => direction != Direction::Request,
        Effect::Changes => true,
        Effect::Doc => false,
        Effect::Undecided | Effect::Combination => return Level::Warning,
    };
    if breaks { Level::Breaking } else { Level::Info }
}

/// The kebab-case part of a rule ID for a keyword (`max-length`), from the table's spelling.
pub fn slug(keyword: &Keyword) -> String {
    keyword.name.to_kebab_case()
}

/// Every schema finding between two APIs.
pub fn compare(old: &Api, new: &Api) -> Vec<Finding> {
    let mut cx = Cx {
        old: old
            .definitions
            .iter()
            .map(|it| (it.name.as_str(), &it.schema))
            .collect(),
        new: new
            .definitions
            .iter()
            .map(|it| (it.name.as_str(), &it.schema))
            .collect(),
        directions: Directions::of(new),
        old_directions: Directions::of(old),
        out: Vec::new(),
        seen: HashSet::new(),
        optional: optional_properties(old)
            .chain(optional_properties(new))
            .collect(),
        tagged: tagged_branches(new),
    };
    for definition in &new.definitions {
        match cx.old.get(definition.name.as_str()) {
            Some(old) => cx.node(old, &definition.schema, &definition.name),
            None => cx.definition_added(&definition.name, &definition.schema),
        }
    }
    for definition in &old.definitions {
        if !cx.new.contains_key(definition.name.as_str()) {
            cx.definition_removed(&definition.name, &definition.schema);
        }
    }
    cx.out
}

/// One change before it is judged.
pub(crate) struct Change<'a> {
    /// The keyword part and the change part of the rule ID (`max-length`, `decreased`).
    pub what: String,
    pub change: &'static str,
    pub effect: Effect,
    /// The node: in the new spec, or in the old one for a removal.
    pub node: &'a Schema,
    pub side: Side,
    pub message: String,
    pub rust: Impact,
}

pub(crate) struct Cx<'a> {
    pub old: HashMap<&'a str, &'a Schema>,
    pub new: HashMap<&'a str, &'a Schema>,
    directions: Directions,
    old_directions: Directions,
    pub out: Vec<Finding>,
    /// Node pairs already compared (by location), so that each is compared once.
    seen: HashSet<(&'a str, &'a str)>,
    /// The locations of the properties no `required` lists, in either spec.
    optional: HashSet<&'a str>,
    /// The definitions that are branches of a tagged `oneOf` in the new spec: typify names
    /// their variant after their `title`.
    tagged: HashSet<&'a str>,
}

impl<'a> Cx<'a> {
    pub fn push(&mut self, owner: &str, change: Change<'_>) {
        let (direction, operations) = match change.side {
            Side::New => self.directions.get(owner),
            Side::Old => self.old_directions.get(owner),
        };
        let mut level = judge(change.effect, direction);
        if change.what == "property" && change.change == "removed" {
            level = Level::Warning;
        }
        if let Some(it) = super::annotations::level(&change.what, change.change, direction) {
            level = it;
        }
        debug_assert!(
            super::catalogue::is_schema_rule(&change.what, change.change),
            "{}-{} is not in the catalogue (changes/catalogue.rs)",
            change.what,
            change.change
        );
        let rule = format!("{}-{}-{}", direction.name(), change.what, change.change);
        self.out.push(Finding {
            rule,
            level,
            direction,
            operations,
            pointer: change.node.location.clone(),
            side: change.side,
            file_kind: FileKind::Schema,
            file: String::new(),
            line: 0,
            column: 0,
            message: change.message,
            counterexample: None,
            counterexample_way: None,
            same_payloads: change.effect == Effect::Doc,
            undecided: change.effect == Effect::Combination,
            rust: change.rust,
        });
    }

    /// True when the node at `location` is a property no `required` lists (old or new spec).
    pub fn is_optional_property(&self, location: &str) -> bool {
        self.optional.contains(location)
    }

    /// The schema a `$ref` names (the node itself when it is not a reference).
    fn resolve(&self, node: &'a Schema, side: Side) -> &'a Schema {
        let defs = match side {
            Side::Old => &self.old,
            Side::New => &self.new,
        };
        node.reference
            .as_deref()
            .and_then(|name| defs.get(name).copied())
            .unwrap_or(node)
    }

    /// Compares two nodes at the same place, and everything under them.
    pub fn node(&mut self, old: &'a Schema, new: &'a Schema, owner: &str) {
        if !self
            .seen
            .insert((old.location.as_str(), new.location.as_str()))
        {
            return;
        }
        self.docs(old, new, owner);
        super::annotations::compare(self, old, new, owner);
        if old.reference.is_some() || new.reference.is_some() {
            if old.reference == new.reference {
                return; // the definition is compared on its own
            }
            let (old, new) = (self.resolve(old, Side::Old), self.resolve(new, Side::New));
            if old.reference.is_none() && new.reference.is_none() {
                return self.node(old, new, owner);
            }
            return self.push(owner, reference_changed(old, new));
        }
        self.types(old, new, owner);
        self.values(old, new, owner);
        self.strings(old, new, owner);
        self.numbers(old, new, owner);
        self.arrays(old, new, owner);
        super::objects::compare(self, old, new, owner);
        super::branches::compare(self, old, new, owner);
    }

    fn docs(&mut self, old: &Schema, new: &'a Schema, owner: &str) {
        for (keyword, before, after) in [
            (keywords::DESCRIPTION, &old.description, &new.description),
            (keywords::TITLE, &old.title, &new.title),
        ] {
            if before != after {
                let change = changed_word(before.is_some(), after.is_some());
                self.push(
                    owner,
                    Change {
                        what: slug(&keyword),
                        change,
                        effect: Effect::Doc,
                        node: new,
                        side: Side::New,
                        message: format!("the {} of {} {change}", keyword.name, where_(new)),
                        rust: if keyword == keywords::TITLE {
                            self.title_impact(new)
                        } else {
                            docs_change(new)
                        },
                    },
                );
            }
        }
    }

    /// typify names a type after the `title` of an inline schema it makes a type of, and a
    /// variant of a tagged `oneOf` after its branch's title: either is renamed.
    fn title_impact(&self, new: &Schema) -> Impact {
        let name = new.location.rsplit('/').next().unwrap_or_default();
        if rust::is_definition(&new.location) && self.tagged.contains(name) {
            let text = format!("the variant of `{name}` in its tagged enum is renamed");
            Impact::one(Crate::Types, Bump::Major, text)
        } else if !rust::is_definition(&new.location) && makes_a_type(new) {
            let text = format!("the inline type of {} is renamed", where_(new));
            Impact::one(Crate::Types, Bump::Major, text)
        } else {
            docs_change(new)
        }
    }

    fn types(&mut self, old: &Schema, new: &'a Schema, owner: &str) {
        let (before, after) = (type_set(old), type_set(new));
        let added: BTreeSet<JsonType> = after.difference(&before).copied().collect();
        let removed: BTreeSet<JsonType> = before.difference(&after).copied().collect();
        let major = rust::type_changes(&new.location);
        for (set, change, effect) in [
            (&added, "added", Effect::Widens),
            (&removed, "removed", Effect::Narrows),
        ] {
            if set.contains(&JsonType::Null) {
                let message = format!("`null` is {change} at {}", where_(new));
                self.push(
                    owner,
                    simple("null", change, effect, new, message, major.clone()),
                );
            }
        }
        let (added, removed) = (without_null(&added), without_null(&removed));
        let (change, effect) = match (added.is_empty(), removed.is_empty()) {
            (true, true) => return,
            (false, true) => ("widened", Effect::Widens),
            (true, false) => ("narrowed", Effect::Narrows),
            (false, false) => ("changed", Effect::Changes),
        };
        let message = format!(
            "the {} of {} is {change} (added: {}; removed: {})",
            keywords::TYPE.name,
            where_(new),
            names(&added),
            names(&removed)
        );
        self.push(
            owner,
            simple(&slug(&keywords::TYPE), change, effect, new, message, major),
        );
    }

    fn values(&mut self, old: &Schema, new: &'a Schema, owner: &str) {
        let enum_impact = |verb: &str| {
            Impact::one(
                Crate::Types,
                Bump::Major,
                format!(
                    "the enum {} {verb} a variant, which breaks exhaustive `match`es",
                    rust::type_name(&new.location)
                ),
            )
        };
        match (&old.enum_values, &new.enum_values) {
            (Some(before), Some(after)) => {
                let before: BTreeSet<String> = before.iter().map(ToString::to_string).collect();
                let after: BTreeSet<String> = after.iter().map(ToString::to_string).collect();
                let added = after.difference(&before).map(|it| (it, true));
                let removed = before.difference(&after).map(|it| (it, false));
                for (value, is_added) in added.chain(removed) {
                    let (change, effect, verb, message) = if is_added {
                        let message = format!("{} allows the new value {value}", where_(new));
                        ("added", Effect::Widens, "gains", message)
                    } else {
                        let message = format!("{} no longer allows the value {value}", where_(new));
                        ("removed", Effect::Narrows, "loses", message)
                    };
                    let mut change = simple("", change, effect, new, message, enum_impact(verb));
                    change.what = format!("{}-value", slug(&keywords::ENUM));
                    if is_added && expects_unknown(new) {
                        change.effect = Effect::Undecided;
                    }
                    self.push(owner, change);
                }
            }
            (before, after) => self.presence(
                owner,
                &keywords::ENUM,
                before.is_some(),
                after.is_some(),
                new,
            ),
        }
        if old.const_value != new.const_value {
            let what = slug(&keywords::CONST);
            let (change, effect) = match (&old.const_value, &new.const_value) {
                (None, _) => ("added", Effect::Narrows),
                (_, None) => ("removed", Effect::Widens),
                _ => ("changed", Effect::Changes),
            };
            let message = format!("the {} of {} {change}", keywords::CONST.name, where_(new));
            let rust = Impact::one(Crate::Validator, Bump::Patch, "the check changes");
            self.push(
                owner,
                Change {
                    what,
                    ..simple("", change, effect, new, message, rust)
                },
            );
        }
    }

    /// A keyword that appeared (narrows) or disappeared (widens).
    pub fn presence(
        &mut self,
        owner: &str,
        keyword: &Keyword,
        before: bool,
        after: bool,
        new: &'a Schema,
    ) {
        let (change, effect) = match (before, after) {
            (false, true) => ("added", Effect::Narrows),
            (true, false) => ("removed", Effect::Widens),
            _ => return,
        };
        let message = format!("`{}` is {change} at {}", keyword.name, where_(new));
        let rust = rust::type_changes(&new.location);
        self.push(
            owner,
            simple(&slug(keyword), change, effect, new, message, rust),
        );
    }

    fn strings(&mut self, old: &Schema, new: &'a Schema, owner: &str) {
        let (a, b) = (&old.string, &new.string);
        let newtype = Impact::one(
            Crate::Types,
            Bump::Patch,
            format!(
                "the newtype {} refuses other values",
                rust::type_name(&new.location)
            ),
        )
        .and(Crate::Validator, Bump::Patch, "the check changes");
        let lengths = [
            (&keywords::MIN_LENGTH, a.min_length, b.min_length),
            (&keywords::MAX_LENGTH, a.max_length, b.max_length),
        ];
        self.counts(owner, lengths, new, &newtype);
        self.text(
            owner,
            &keywords::PATTERN,
            a.pattern.as_deref(),
            b.pattern.as_deref(),
            new,
            newtype.clone(),
        );
        self.format(owner, a.format, b.format, new, newtype);
    }

    /// `format`: only the values the validator asserts (`email`, `date-time`) accept other
    /// payloads; `decimal` only chooses the Rust type (`Decimal`), as `date-time` does too
    /// (`Timestamp`).
    fn format(
        &mut self,
        owner: &str,
        before: Option<Format>,
        after: Option<Format>,
        new: &'a Schema,
        newtype: Impact,
    ) {
        let change = match (before, after) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a != b => "changed",
            _ => return,
        };
        let asserted =
            |it: Option<Format>| it.filter(|it| keywords::format_value(*it).check.is_some());
        let effect = match (asserted(before), asserted(after)) {
            (None, None) => Effect::Doc,
            (None, Some(_)) => Effect::Narrows,
            (Some(_), None) => Effect::Widens,
            (Some(a), Some(b)) if a == b => Effect::Doc,
            _ => Effect::Changes,
        };
        let ty = rust::type_name(&new.location);
        let mut rust = Impact::default();
        for (format, name) in [
            (Format::DateTime, "Timestamp"),
            (Format::Decimal, "Decimal"),
        ] {
            if (before == Some(format)) != (after == Some(format)) {
                let text = format!("{ty} becomes or stops being `{name}`");
                rust = rust.and(Crate::Types, Bump::Major, text);
            }
        }
        if rust.items.is_empty() {
            rust = if effect == Effect::Doc {
                docs_change(new)
            } else {
                newtype
            };
        }
        let shown = |it: Option<Format>| it.map_or("none", Format::name);
        let shown = [shown(before), shown(after)];
        self.keyword_change(owner, &keywords::FORMAT, (change, effect), shown, new, rust);
    }

    fn numbers(&mut self, old: &Schema, new: &'a Schema, owner: &str) {
        let (a, b) = (&old.number, &new.number);
        let rust = Impact::one(Crate::Validator, Bump::Patch, "the check changes");
        let value = |it: &Option<Bound>| it.as_ref().map(|it| it.value);
        for (keyword, before, after) in [
            (&keywords::MINIMUM, &a.minimum, &b.minimum),
            (&keywords::MAXIMUM, &a.maximum, &b.maximum),
            (
                &keywords::EXCLUSIVE_MINIMUM,
                &a.exclusive_minimum,
                &b.exclusive_minimum,
            ),
            (
                &keywords::EXCLUSIVE_MAXIMUM,
                &a.exclusive_maximum,
                &b.exclusive_maximum,
            ),
        ] {
            self.bound(
                owner,
                keyword,
                value(before),
                value(after),
                new,
                rust.clone(),
            );
        }
        self.multiple_of(
            owner,
            a.multiple_of.as_ref(),
            b.multiple_of.as_ref(),
            new,
            rust,
        );
    }

    /// `multipleOf`: added narrows, removed widens; a new divisor that divides the old one
    /// widens (`0.01` after `0.02`), one that is a multiple of it narrows (`0.02` after
    /// `0.01`), and any other accepts other numbers.
    fn multiple_of(
        &mut self,
        owner: &str,
        before: Option<&Divisor>,
        after: Option<&Divisor>,
        new: &'a Schema,
        rust: Impact,
    ) {
        let (change, effect) = match (before, after) {
            (None, Some(_)) => ("added", Effect::Narrows),
            (Some(_), None) => ("removed", Effect::Widens),
            (Some(a), Some(b)) if a.text == b.text => return,
            (Some(a), Some(b)) => match (a.is_multiple_of(b), b.is_multiple_of(a)) {
                (true, true) => return,
                (true, false) => ("changed", Effect::Widens),
                (false, true) => ("changed", Effect::Narrows),
                (false, false) => ("changed", Effect::Changes),
            },
            (None, None) => return,
        };
        fn shown(it: Option<&Divisor>) -> &str {
            it.map_or("none", |it| it.text.as_str())
        }
        let keyword = &keywords::MULTIPLE_OF;
        let shown = [shown(before), shown(after)];
        self.keyword_change(owner, keyword, (change, effect), shown, new, rust);
    }

    /// The finding that `keyword` of `new` changed (`change`, with `effect`) from the first
    /// of `shown` to the second.
    fn keyword_change(
        &mut self,
        owner: &str,
        keyword: &Keyword,
        (change, effect): (&'static str, Effect),
        [before, after]: [&str; 2],
        new: &'a Schema,
        rust: Impact,
    ) {
        let message = format!(
            "`{}` of {} {change} ({before} to {after})",
            keyword.name,
            where_(new),
        );
        self.push(
            owner,
            simple(&slug(keyword), change, effect, new, message, rust),
        );
    }

    fn arrays(&mut self, old: &'a Schema, new: &'a Schema, owner: &str) {
        let (a, b) = (&old.array, &new.array);
        let rust = Impact::one(Crate::Validator, Bump::Patch, "the check changes");
        let counts = [
            (&keywords::MIN_ITEMS, a.min_items, b.min_items),
            (&keywords::MAX_ITEMS, a.max_items, b.max_items),
        ];
        self.counts(owner, counts, new, &rust);
        let unique = |it: bool| it.then_some(1.0);
        self.bound(
            owner,
            &keywords::UNIQUE_ITEMS,
            unique(a.unique_items),
            unique(b.unique_items),
            new,
            rust,
        );
        match (&a.items, &b.items) {
            (Some(before), Some(after)) => self.node(before, after, owner),
            (before, after) => self.presence(
                owner,
                &keywords::ITEMS,
                before.is_some(),
                after.is_some(),
                new,
            ),
        }
    }

    /// The bounds that count (characters, items, members), each with its old and new value.
    pub fn counts(
        &mut self,
        owner: &str,
        bounds: [(&Keyword, Option<u64>, Option<u64>); 2],
        new: &'a Schema,
        rust: &Impact,
    ) {
        let count = |it: Option<u64>| it.map(|it| it as f64);
        for (keyword, before, after) in bounds {
            self.bound(
                owner,
                keyword,
                count(before),
                count(after),
                new,
                rust.clone(),
            );
        }
    }

    /// A numeric bound: added narrows, removed widens, a larger value does what the keyword
    /// table's `growth` says, a smaller one the opposite.
    pub fn bound(
        &mut self,
        owner: &str,
        keyword: &Keyword,
        before: Option<f64>,
        after: Option<f64>,
        new: &'a Schema,
        rust: Impact,
    ) {
        let grows = Effect::of(keyword.growth);
        let (change, effect) = match (before, after) {
            (None, Some(_)) => ("added", Effect::Narrows),
            (Some(_), None) => ("removed", Effect::Widens),
            (Some(a), Some(b)) if b > a => ("increased", grows),
            (Some(a), Some(b)) if b < a => ("decreased", grows.opposite()),
            _ => return,
        };
        let shown = |it: Option<f64>| it.map_or_else(|| "none".to_owned(), |it| it.to_string());
        let shown = [shown(before), shown(after)];
        let shown = [shown[0].as_str(), shown[1].as_str()];
        self.keyword_change(owner, keyword, (change, effect), shown, new, rust);
    }

    fn text(
        &mut self,
        owner: &str,
        keyword: &Keyword,
        before: Option<&str>,
        after: Option<&str>,
        new: &'a Schema,
        rust: Impact,
    ) {
        let (change, effect) = match (before, after) {
            (None, Some(_)) => ("added", Effect::Narrows),
            (Some(_), None) => ("removed", Effect::Widens),
            (Some(a), Some(b)) if a != b => ("changed", Effect::of(keyword.growth)),
            _ => return,
        };
        let shown = [before.unwrap_or("none"), after.unwrap_or("none")];
        self.keyword_change(owner, keyword, (change, effect), shown, new, rust);
    }

    fn definition_added(&mut self, name: &str, schema: &'a Schema) {
        let rust = Impact::one(Crate::Types, Bump::Minor, format!("new type `{name}`")).and(
            Crate::Validator,
            Bump::Major,
            format!("`Kind` gains the variant `{name}`, which breaks exhaustive `match`es"),
        );
        let message = format!("the definition `{name}` is added");
        self.push(
            name,
            simple("definition", "added", Effect::Doc, schema, message, rust),
        );
    }

    fn definition_removed(&mut self, name: &str, schema: &'a Schema) {
        let rust = Impact::one(
            Crate::Types,
            Bump::Major,
            format!("the type `{name}` is removed"),
        )
        .and(
            Crate::Validator,
            Bump::Major,
            format!("`Kind::{name}` is removed"),
        );
        let message = format!("the definition `{name}` is removed");
        let mut change = simple(
            "definition",
            "removed",
            Effect::Narrows,
            schema,
            message,
            rust,
        );
        change.side = Side::Old;
        self.push(name, change);
    }
}

/// A change in the new spec.
pub(crate) fn simple<'a>(
    what: &str,
    change: &'static str,
    effect: Effect,
    node: &'a Schema,
    message: String,
    rust: Impact,
) -> Change<'a> {
    Change {
        what: what.to_owned(),
        change,
        effect,
        node,
        side: Side::New,
        message,
        rust,
    }
}

fn reference_changed<'a>(old: &Schema, new: &'a Schema) -> Change<'a> {
    let shown = |it: &Schema| {
        it.reference
            .clone()
            .unwrap_or_else(|| "an inline schema".to_owned())
    };
    let message = format!(
        "{} now refers to {} instead of {}",
        where_(new),
        shown(new),
        shown(old)
    );
    let rust = rust::type_changes(&new.location);
    Change {
        what: super::catalogue::what(&keywords::REF),
        ..simple("", "changed", Effect::Changes, new, message, rust)
    }
}

/// The docs of the node's type change: a patch.
fn docs_change(node: &Schema) -> Impact {
    let text = format!("the docs of {} change", rust::type_name(&node.location));
    Impact::one(Crate::Types, Bump::Patch, text)
}

/// True when typify makes a type of its own for this inline schema (a struct, an enum, a
/// constrained string, a union), which it names after the schema's `title`.
fn makes_a_type(node: &Schema) -> bool {
    let string = &node.string;
    !node.object.properties.is_empty()
        || node.enum_values.is_some()
        || string.min_length.is_some()
        || string.max_length.is_some()
        || string.pattern.is_some()
        || !node.one_of.is_empty()
        || !node.any_of.is_empty()
        || !node.all_of.is_empty()
}

/// Every node of every definition of `api`, parents first.
fn nodes(api: &Api) -> impl Iterator<Item = &Schema> {
    let mut stack: Vec<&Schema> = api.definitions.iter().rev().map(|it| &it.schema).collect();
    std::iter::from_fn(move || {
        let node = stack.pop()?;
        stack.extend(node.children().into_iter().rev().map(|(_, it)| it));
        Some(node)
    })
}

/// The locations of the properties that no `required` lists, in every definition.
fn optional_properties(api: &Api) -> impl Iterator<Item = &str> {
    nodes(api).flat_map(|node| {
        let object = &node.object;
        let required: HashSet<&str> = object.required.iter().map(String::as_str).collect();
        object
            .properties
            .iter()
            .filter(move |it| !required.contains(it.name.as_str()))
            .map(|it| it.schema.location.as_str())
    })
}

/// The definitions that are the branches of a tagged `oneOf`.
fn tagged_branches(api: &Api) -> HashSet<&str> {
    nodes(api)
        .filter_map(|node| node.discriminator.as_ref())
        .flat_map(|tag| tag.variants.iter().map(|(_, name)| name.as_str()))
        .collect()
}

/// A human name of a node: its JSON pointer.
pub(crate) fn where_(node: &Schema) -> String {
    format!("`{}`", node.location)
}

fn changed_word(before: bool, after: bool) -> &'static str {
    match (before, after) {
        (false, true) => "added",
        (true, false) => "removed",
        _ => "changed",
    }
}

/// The instance types a schema allows, with `integer` inside `number`.
fn type_set(schema: &Schema) -> BTreeSet<JsonType> {
    let mut out: BTreeSet<JsonType> = match &schema.types {
        Some(types) => types.iter().copied().collect(),
        None => JsonType::ALL.into_iter().collect(),
    };
    if out.contains(&JsonType::Number) {
        out.insert(JsonType::Integer);
    }
    out
}

fn without_null(set: &BTreeSet<JsonType>) -> BTreeSet<JsonType> {
    set.iter()
        .copied()
        .filter(|it| *it != JsonType::Null)
        .collect()
}

fn names(set: &BTreeSet<JsonType>) -> String {
    let names: Vec<&str> = set.iter().map(|it| it.name()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// True when the node's description tells clients to expect values it does not list.
fn expects_unknown(node: &Schema) -> bool {
    node.description.as_deref().is_some_and(|it| {
        let it = it.to_lowercase();
        it.contains("unknown value") || it.contains("new values") || it.contains("other values")
    })
}
