//! Checks that need several schemas at once: `$ref` cycles that never reach a nested value, `required` names that no schema declares, and properties whose Rust fields would collide.
//!
//! The checks work on *groups*: the schemas that apply to one value. A group starts at a
//! definition, a property, an `additionalProperties`, `items` or `propertyNames` schema, and
//! takes in the `allOf`, `anyOf` and `oneOf` branches below it; a `$ref` in a group applies the
//! referenced definition's group to the same value. Everything here is iterative, with
//! explicit stacks and visited sets, so a deep or cyclic spec cannot overflow the stack, and
//! every pass is linear in the size of the spec (the `required` look-up through references is
//! linear per name that the group itself does not declare).

use std::collections::{BTreeMap, BTreeSet};

use super::{
    diagnostic::Diagnostic,
    ir::{Api, Schema},
    keywords,
    load::SourceFile,
    names,
};

/// Runs every check on the lowered schemas of `api`.
pub fn check(api: &Api, file: &SourceFile) -> Vec<Diagnostic> {
    let graph = Graph::new(api);
    let mut diagnostics = Vec::new();
    graph.cycles(file, &mut diagnostics);
    expansions(api, file, &mut diagnostics);
    graph.required(file, &mut diagnostics);
    graph.fields(file, &mut diagnostics);
    definition_names(api, file, &mut diagnostics);
    diagnostics
}

/// The schemas that apply to one value.
#[derive(Default)]
struct Group<'a> {
    /// The group's schemas, the first one starting it, in spec order.
    members: Vec<&'a Schema>,
    /// The definitions the members refer to with `$ref`, with the referring schema.
    references: Vec<(usize, &'a Schema)>,
    /// The property names the members declare.
    declared: BTreeSet<&'a str>,
}

struct Graph<'a> {
    api: &'a Api,
    groups: Vec<Group<'a>>,
    /// The group of each definition.
    roots: Vec<usize>,
}

impl<'a> Graph<'a> {
    fn new(api: &'a Api) -> Graph<'a> {
        let index: BTreeMap<&str, usize> = api.definition_index();
        let mut graph = Graph {
            api,
            groups: Vec::new(),
            roots: Vec::new(),
        };
        for def in &api.definitions {
            let root = graph.groups.len();
            graph.groups.push(Group::default());
            graph.roots.push(root);
            let mut stack: Vec<(&Schema, usize)> = vec![(&def.schema, root)];
            while let Some((schema, group)) = stack.pop() {
                let here = &mut graph.groups[group];
                here.members.push(schema);
                here.declared
                    .extend(schema.object.properties.iter().map(|it| it.name.as_str()));
                if let Some(target) = schema.reference.as_deref().and_then(|it| index.get(it)) {
                    here.references.push((*target, schema));
                }
                // Pushed in reverse, so members are visited in spec order.
                let (same_value, nested): (Vec<_>, Vec<_>) = schema
                    .children()
                    .into_iter()
                    .partition(|(edge, _)| edge.same_value());
                let nested = nested.into_iter().map(|(_, it)| it);
                let same_value = same_value.into_iter().map(|(_, it)| it);
                for child in nested.rev() {
                    let group = graph.groups.len();
                    graph.groups.push(Group::default());
                    stack.push((child, group));
                }
                for branch in same_value.rev() {
                    stack.push((branch, group));
                }
            }
        }
        graph
    }

    /// The definitions whose groups definition `i`'s group refers to, each once, with the
    /// first referring schema.
    fn edges(&self, i: usize) -> Vec<(usize, &'a Schema)> {
        let mut seen = BTreeSet::new();
        self.groups[self.roots[i]]
            .references
            .iter()
            .filter(|(target, _)| seen.insert(*target))
            .copied()
            .collect()
    }

    /// Reports each set of definitions that refer to each other without reaching a nested
    /// value (a strongly connected component with a cycle), once, at the first `$ref` of a
    /// cycle through it.
    fn cycles(&self, file: &SourceFile, out: &mut Vec<Diagnostic>) {
        let n = self.roots.len();
        let edges: Vec<Vec<(usize, &Schema)>> = (0..n).map(|i| self.edges(i)).collect();
        for component in strongly_connected(&edges) {
            let start = component[0];
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let self_loop = edges[start].iter().any(|(it, _)| *it == start);
            if component.len() == 1 && !self_loop {
                continue;
            }
            let Some(path) = cycle_through(start, &edges, &members) else {
                continue;
            };
            let names: Vec<&str> = path
                .iter()
                .map(|(from, _)| self.api.definitions[*from].name.as_str())
                .chain([self.api.definitions[start].name.as_str()])
                .collect();
            let reference = path[0].1;
            out.push(file.diagnostic(
                &keywords::REF.at(&reference.location),
                format!(
                    "`$ref` cycle that never reaches a nested value: {}; `$ref`, `allOf`, `anyOf` \
                     and `oneOf` apply to the same value, so checking it would never end \
                     (recursion must go through `properties`, `additionalProperties` or `items`)",
                    names.join(" -> ")
                ),
            ));
        }
    }

    /// Every `required` name must be declared by a property of the same value: in the group, or
    /// in a definition the group refers to.
    fn required(&self, file: &SourceFile, out: &mut Vec<Diagnostic>) {
        for group in &self.groups {
            for member in &group.members {
                for (i, name) in member.object.required.iter().enumerate() {
                    if group.declared.contains(name.as_str()) || self.reaches(group, name) {
                        continue;
                    }
                    let known = self.known(group);
                    let known: Vec<&str> = known.into_iter().collect();
                    let hint = names::closest(name, &known)
                        .map(|it| format!("; did you mean \"{it}\"?"))
                        .unwrap_or_default();
                    out.push(file.diagnostic(
                        &format!("{}/{i}", keywords::REQUIRED.at(&member.location)),
                        format!(
                            "\"{name}\" is required, but no property of this value is called \
                             that{hint}"
                        ),
                    ));
                }
            }
        }
    }

    /// The definitions reachable from `group` through `$ref`, each once, breadth first.
    fn reachable(&self, group: &Group<'a>) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<usize> = group
            .references
            .iter()
            .map(|it| it.0)
            .filter(|it| seen.insert(*it))
            .collect();
        let mut next = 0;
        while let Some(def) = queue.get(next).copied() {
            next += 1;
            for (target, _) in &self.groups[self.roots[def]].references {
                if seen.insert(*target) {
                    queue.push(*target);
                }
            }
        }
        queue
    }

    fn reaches(&self, group: &Group<'a>, name: &str) -> bool {
        self.reachable(group)
            .into_iter()
            .any(|def| self.groups[self.roots[def]].declared.contains(name))
    }

    /// Every property name of the value, for "did you mean".
    fn known(&self, group: &Group<'a>) -> BTreeSet<&'a str> {
        let mut known = group.declared.clone();
        for def in self.reachable(group) {
            known.extend(self.groups[self.roots[def]].declared.iter().copied());
        }
        known
    }

    /// Two different property names of one value may not become the same Rust field.
    fn fields(&self, file: &SourceFile, out: &mut Vec<Diagnostic>) {
        for group in &self.groups {
            let mut fields: BTreeMap<String, (&str, &str)> = BTreeMap::new();
            for member in &group.members {
                for property in &member.object.properties {
                    let field = names::typify_field(&property.name);
                    match fields.get(&field) {
                        Some((name, _)) if *name == property.name => {}
                        Some((name, location)) => {
                            let first = file
                                .position(location)
                                .map(|it| format!(" (at {}:{})", it.line, it.column))
                                .unwrap_or_default();
                            out.push(file.diagnostic(
                                &property.schema.location,
                                format!(
                                    "properties \"{name}\"{first} and \"{}\" would both be the \
                                     Rust field `{field}`; rename one of them",
                                    property.name
                                ),
                            ));
                        }
                        None => {
                            fields.insert(field, (&property.name, &property.schema.location));
                        }
                    }
                }
            }
        }
    }
}

/// The most schemas one definition may expand to through `allOf` and `$ref`.
///
/// typify merges the branches of an `allOf` into one type, and the validator's streaming
/// seeds merge its object schemas into one state machine, so both expand every `$ref` an
/// `allOf` reaches. Definitions that each join the next two in an `allOf` make that
/// exponential: 16 levels took typify 0.7 s and the validator 3.5 s, and every level doubles
/// it. The real spec's largest expansion is a handful; this bound is fixed.
pub const MAX_ALL_OF_EXPANSION: u64 = 10_000;

/// Refuses definitions that expand to more than [`MAX_ALL_OF_EXPANSION`] schemas through
/// `allOf` and `$ref`, counted once per definition with the counts of the definitions it
/// refers to (an iterative post-order walk, so the count is linear in the spec).
fn expansions(api: &Api, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    let index: BTreeMap<&str, usize> = api.definition_index();
    // For each definition: the schemas of its own `allOf` tree, and the definitions that
    // tree refers to (once per reference).
    let local: Vec<(u64, Vec<usize>)> = api
        .definitions
        .iter()
        .map(|def| {
            let mut count = 0u64;
            let mut targets = Vec::new();
            let mut stack = vec![&def.schema];
            while let Some(schema) = stack.pop() {
                count += 1;
                if let Some(target) = schema.reference.as_deref().and_then(|it| index.get(it)) {
                    targets.push(*target);
                }
                stack.extend(&schema.all_of);
            }
            (count, targets)
        })
        .collect();
    const UNSEEN: u64 = 0;
    const BUSY: u64 = u64::MAX;
    let mut total = vec![UNSEEN; local.len()];
    for root in 0..local.len() {
        if total[root] != UNSEEN {
            continue;
        }
        let mut frames: Vec<(usize, usize)> = vec![(root, 0)];
        total[root] = BUSY;
        while let Some(&mut (def, ref mut next)) = frames.last_mut() {
            if let Some(&target) = local[def].1.get(*next) {
                *next += 1;
                if total[target] == UNSEEN {
                    total[target] = BUSY;
                    frames.push((target, 0));
                }
                continue;
            }
            frames.pop();
            // A target still busy is on a cycle, which `cycles` reports; it counts nothing.
            let sum = local[def].1.iter().fold(local[def].0, |sum, target| {
                let it = total[*target];
                sum.saturating_add(if it == BUSY { 0 } else { it })
            });
            total[def] = sum.min(BUSY - 1);
        }
    }
    // Only where the bound is first crossed: a definition that refers to one already over it
    // is over it too, and says nothing new.
    for (i, def) in api.definitions.iter().enumerate() {
        let count = total[i];
        let crossed_below = local[i]
            .1
            .iter()
            .any(|target| total[*target] > MAX_ALL_OF_EXPANSION && total[*target] != BUSY);
        if count > MAX_ALL_OF_EXPANSION && !crossed_below {
            out.push(file.diagnostic(
                &def.schema.location,
                format!(
                    "this definition expands to {} schemas through `allOf` and `$ref`, more than \
                     the {MAX_ALL_OF_EXPANSION} the generators allow (each level of `allOf` that \
                     joins definitions which join others multiplies the work); join fewer \
                     definitions, or nest objects in properties instead",
                    if count >= BUSY - 1 {
                        "too many".to_owned()
                    } else {
                        count.to_string()
                    }
                ),
            ));
        }
    }
}

/// Definition names must give distinct names to the validator's functions (snake case) and to
/// typify, which recases them before the generator renames them back. Names that are not
/// UpperCamelCase are reported by `lower` already.
fn definition_names(api: &Api, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    let mut snakes: BTreeMap<String, &str> = BTreeMap::new();
    let mut pascals: BTreeMap<String, &str> = BTreeMap::new();
    for def in &api.definitions {
        if names::check_definition_name(&def.name).is_err() {
            continue;
        }
        let snake = names::validator_stem(&def.name);
        let pascal = names::typify_name(&def.name);
        let clash = match (snakes.get(&snake), pascals.get(&pascal)) {
            (Some(first), _) => Some((
                *first,
                format!("`{snake}` in the validator's function names"),
            )),
            (None, Some(first)) => Some((*first, format!("`{pascal}` in typify's type names"))),
            (None, None) => None,
        };
        if let Some((first, what)) = clash {
            out.push(file.diagnostic(
                &def.schema.location,
                format!(
                    "definitions \"{first}\" and \"{}\" would both be {what}; rename one of them",
                    def.name
                ),
            ));
        }
        snakes.entry(snake).or_insert(&def.name);
        pascals.entry(pascal).or_insert(&def.name);
    }
}

/// The strongly connected components of a graph given by its edge lists (Tarjan's algorithm,
/// with an explicit stack), each sorted, in order of their smallest vertex.
fn strongly_connected<T>(edges: &[Vec<(usize, T)>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame is a vertex and the position of its next edge to follow.
        let mut frames: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = frames.last_mut() {
            if let Some((w, _)) = edges[v].get(*next) {
                let w = *w;
                *next += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components.sort_unstable_by_key(|it| it[0]);
    components
}

/// A shortest cycle from `start` back to itself inside `members`, as the edges taken (each the
/// vertex left and the schema whose `$ref` leaves it).
fn cycle_through<'a>(
    start: usize,
    edges: &[Vec<(usize, &'a Schema)>],
    members: &BTreeSet<usize>,
) -> Option<Vec<(usize, &'a Schema)>> {
    // Breadth first from `start`; `came_from[v]` is the edge that first reached `v`.
    let mut came_from: BTreeMap<usize, (usize, &'a Schema)> = BTreeMap::new();
    let mut queue = vec![start];
    let mut next = 0;
    while let Some(v) = queue.get(next).copied() {
        next += 1;
        for (w, via) in &edges[v] {
            if !members.contains(w) {
                continue;
            }
            if *w == start {
                let mut path = vec![(v, *via)];
                let mut at = v;
                while at != start {
                    let step = came_from[&at];
                    path.push(step);
                    at = step.0;
                }
                path.reverse();
                return Some(path);
            }
            if !came_from.contains_key(w) {
                came_from.insert(*w, (v, *via));
                queue.push(*w);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_small_graph() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 3, 4 alone.
        let edges: Vec<Vec<(usize, ())>> = vec![
            vec![(1, ())],
            vec![(2, ())],
            vec![(0, ()), (3, ())],
            vec![(3, ())],
            vec![],
        ];
        assert_eq!(
            strongly_connected(&edges),
            vec![vec![0, 1, 2], vec![3], vec![4]]
        );
    }

    #[test]
    fn a_long_chain_does_not_overflow_the_stack() {
        // 200,000 vertices in one cycle: a recursive search would overflow the stack.
        let n = 200_000;
        let edges: Vec<Vec<(usize, ())>> = (0..n).map(|i| vec![((i + 1) % n, ())]).collect();
        let components = strongly_connected(&edges);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), n);
    }
}
