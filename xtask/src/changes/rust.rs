//! What a finding does to the public API of the generated crates, and the semver bump of each.

use std::collections::BTreeMap;

use super::Finding;

/// A crate whose code is generated from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Crate {
    Types,
    Validator,
    Client,
}

impl Crate {
    pub const ALL: [Crate; 3] = [Crate::Types, Crate::Validator, Crate::Client];

    pub fn name(self) -> &'static str {
        match self {
            Crate::Types => "runa-order-types",
            Crate::Validator => "runa-order-validator",
            Crate::Client => "runa-order-client",
        }
    }
}

/// A semver bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn name(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The effect of one finding on the generated crates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Impact {
    /// One line per public item touched, naming its crate, with the bump it calls for.
    pub items: Vec<(Crate, Bump, String)>,
}

impl Impact {
    /// One item.
    pub fn one(krate: Crate, bump: Bump, text: impl Into<String>) -> Impact {
        Impact {
            items: vec![(krate, bump, text.into())],
        }
    }

    /// Adds an item.
    pub fn and(mut self, krate: Crate, bump: Bump, text: impl Into<String>) -> Impact {
        self.items.push((krate, bump, text.into()));
        self
    }

    /// The largest bump of any item.
    pub fn semver(&self) -> Bump {
        self.items.iter().map(|it| it.1).max().unwrap_or(Bump::None)
    }

    /// Each item as `crate: text`.
    pub fn lines(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|(krate, bump, text)| format!("{} ({}): {text}", krate.name(), bump.name()))
            .collect()
    }
}

/// The bump each crate needs: the largest over all findings (`none` when nothing touches it).
pub fn bumps(findings: &[Finding]) -> BTreeMap<Crate, Bump> {
    let mut out: BTreeMap<Crate, Bump> =
        Crate::ALL.into_iter().map(|it| (it, Bump::None)).collect();
    for finding in findings {
        for (krate, bump, _) in &finding.rust.items {
            let entry = out.entry(*krate).or_insert(Bump::None);
            *entry = (*entry).max(*bump);
        }
    }
    out
}

/// The types crate's type of the schema at `location` changes: a major bump.
pub fn type_changes(location: &str) -> Impact {
    let text = format!("the Rust type of {} changes", type_name(location));
    Impact::one(Crate::Types, Bump::Major, text)
}

/// True when `location` is a definition itself (`#/$defs/X`), not a node inside one.
pub fn is_definition(location: &str) -> bool {
    let rest = location.trim_start_matches('#');
    rest.split('/').filter(|it| !it.is_empty()).count() == 2
}

/// How the types crate names the Rust type of the schema at `location` (`#/$defs/X/…`): the
/// definition's own type, or an inline type typify names after it.
pub fn type_name(location: &str) -> String {
    let rest = location.trim_start_matches('#');
    let mut segments = rest.split('/').filter(|it| !it.is_empty());
    let _defs = segments.next();
    let name = segments.next().unwrap_or_default();
    if segments.next().is_none() {
        format!("`{name}`")
    } else {
        format!("a type inside `{name}`")
    }
}
