//! Finds the `oneOf`s whose branches a `type`-like tag tells apart (`Schema::discriminator`).

use std::collections::BTreeMap;

use super::super::{
    ir::{Definition, Discriminator, JsonType, Literal, Schema},
    keywords,
};

/// Finds the `oneOf`s whose branches a `type`-like tag tells apart, and records how.
pub fn resolve_discriminators(definitions: &mut [Definition]) {
    // For every definition: its required properties that allow exactly one string.
    let tags: BTreeMap<String, BTreeMap<String, String>> = definitions
        .iter()
        .map(|def| (def.name.clone(), single_string_properties(&def.schema)))
        .collect();
    for def in definitions.iter_mut() {
        def.schema.visit_mut(&mut |schema| {
            if let Some(discriminator) = discriminate(&schema.one_of, &tags) {
                schema.discriminator = Some(discriminator);
            }
        });
    }
}

fn discriminate(
    branches: &[Schema],
    tags: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<Discriminator> {
    if branches.is_empty() {
        return None;
    }
    let targets: Vec<&String> = branches
        .iter()
        .map(|it| it.reference.as_ref())
        .collect::<Option<_>>()?;
    if branches.iter().any(|it| !is_pure_reference(it)) {
        return None;
    }
    let first = tags.get(targets[0])?;
    let mut candidates: Vec<&String> = first.keys().collect();
    // Prefer `type`, the tag of this API (spelt like the keyword), then the alphabetical first.
    candidates.sort_by_key(|it| (it.as_str() != keywords::TYPE.name, it.as_str()));
    'candidate: for property in candidates {
        let mut variants = Vec::new();
        for target in &targets {
            let value = tags.get(*target)?.get(property);
            match value {
                Some(value)
                    if !variants
                        .iter()
                        .any(|(it, _): &(String, String)| it == value) =>
                {
                    variants.push((value.clone(), (*target).clone()));
                }
                _ => continue 'candidate,
            }
        }
        return Some(Discriminator {
            property: property.clone(),
            variants,
        });
    }
    None
}

fn is_pure_reference(schema: &Schema) -> bool {
    let bare = Schema {
        reference: schema.reference.clone(),
        default: None,
        ..schema.annotations()
    };
    *schema == bare
}

/// Required properties of an object schema whose value can only be one string.
fn single_string_properties(schema: &Schema) -> BTreeMap<String, String> {
    if schema.types.as_deref() != Some(&[JsonType::Object])
        || !schema.one_of.is_empty()
        || !schema.all_of.is_empty()
        || !schema.any_of.is_empty()
    {
        return BTreeMap::new();
    }
    schema
        .object
        .properties
        .iter()
        .filter(|it| schema.object.required.contains(&it.name))
        .filter_map(|it| {
            let only = match (&it.schema.enum_values, &it.schema.const_value) {
                (Some(values), None) if values.len() == 1 => &values[0],
                (None, Some(value)) => value,
                _ => return None,
            };
            match only {
                Literal::String(value) => Some((it.name.clone(), value.clone())),
                _ => None,
            }
        })
        .collect()
}
