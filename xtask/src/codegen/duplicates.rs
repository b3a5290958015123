//! The last check of the emitted Rust before anything is written: a name defined twice in one scope, which rustc would refuse.
//!
//! `lower` refuses the spec constructs known to make colliding names (properties, enum values,
//! definitions, the client's names), but typify also names things the generator does not
//! predict (an inline object `meta` of `TreeNode` becomes `TreeNodeMeta`, which a definition
//! may already be called). This pass walks the syntax tree once and reports every name that
//! a module, an inherent `impl`, a struct, an enum or a function's parameters define twice,
//! so that such output becomes a diagnostic instead of a crate that does not build.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{Fields, FnArg, ImplItem, Item, Pat, Signature};

/// A name defined twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The name, as written in the code.
    pub name: String,
    /// Where, for the message: "the types of module `builder`", "the fields of `Foo`", ….
    pub scope: String,
}

/// Every name `file` defines twice in one scope, in the order they are met.
pub fn duplicates(file: &syn::File) -> Vec<Duplicate> {
    let mut out = Vec::new();
    // Each frame: the items of a module and the module's path.
    let mut modules: Vec<(&[Item], String)> = vec![(&file.items, "the root".to_owned())];
    while let Some((items, path)) = modules.pop() {
        let mut types = Names::new(format!("the types of {path}"));
        let mut values = Names::new(format!("the values of {path}"));
        let mut impls: BTreeMap<String, Names> = BTreeMap::new();
        for item in items {
            match item {
                Item::Struct(it) => {
                    types.add(&it.ident, &mut out);
                    if !matches!(it.fields, Fields::Named(_)) {
                        values.add(&it.ident, &mut out);
                    }
                    let mut fields = Names::new(format!("the fields of `{}`", it.ident));
                    for field in &it.fields {
                        if let Some(ident) = &field.ident {
                            fields.add(ident, &mut out);
                        }
                    }
                }
                Item::Enum(it) => {
                    types.add(&it.ident, &mut out);
                    let mut variants = Names::new(format!("the variants of `{}`", it.ident));
                    for variant in &it.variants {
                        variants.add(&variant.ident, &mut out);
                    }
                }
                Item::Union(it) => types.add(&it.ident, &mut out),
                Item::Trait(it) => types.add(&it.ident, &mut out),
                Item::Type(it) => types.add(&it.ident, &mut out),
                Item::Mod(it) => {
                    types.add(&it.ident, &mut out);
                    if let Some((_, content)) = &it.content {
                        modules.push((content, format!("module `{}`", it.ident)));
                    }
                }
                Item::Fn(it) => {
                    values.add(&it.sig.ident, &mut out);
                    parameters(&it.sig, &mut out);
                }
                // `const _` may be repeated.
                Item::Const(it) if it.ident != "_" => values.add(&it.ident, &mut out),
                Item::Static(it) => values.add(&it.ident, &mut out),
                Item::Impl(it) if it.trait_.is_none() => {
                    let self_ty = it.self_ty.to_token_stream().to_string();
                    let names = impls.entry(self_ty.clone()).or_insert_with(|| {
                        Names::new(format!("the associated items of `{self_ty}` in {path}"))
                    });
                    for item in &it.items {
                        match item {
                            ImplItem::Fn(it) => {
                                names.add(&it.sig.ident, &mut out);
                                parameters(&it.sig, &mut out);
                            }
                            ImplItem::Const(it) => names.add(&it.ident, &mut out),
                            ImplItem::Type(it) => names.add(&it.ident, &mut out),
                            _ => {}
                        }
                    }
                }
                Item::Impl(it) => {
                    for item in &it.items {
                        if let ImplItem::Fn(it) = item {
                            parameters(&it.sig, &mut out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The parameters of a function, each bound once.
fn parameters(sig: &Signature, out: &mut Vec<Duplicate>) {
    let mut names = Names::new(format!("the parameters of `{}`", sig.ident));
    for input in &sig.inputs {
        if let FnArg::Typed(it) = input
            && let Pat::Ident(pat) = &*it.pat
        {
            names.add(&pat.ident, out);
        }
    }
}

/// The names seen in one scope.
struct Names {
    scope: String,
    seen: BTreeSet<String>,
}

impl Names {
    fn new(scope: String) -> Names {
        Names {
            scope,
            seen: BTreeSet::new(),
        }
    }

    fn add(&mut self, ident: &syn::Ident, out: &mut Vec<Duplicate>) {
        let name = ident.to_string();
        if !self.seen.insert(name.clone()) {
            out.push(Duplicate {
                name,
                scope: self.scope.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: &str) -> Vec<String> {
        duplicates(&syn::parse_file(code).unwrap())
            .into_iter()
            .map(|it| format!("{} in {}", it.name, it.scope))
            .collect()
    }

    #[test]
    fn every_kind_of_scope_is_checked() {
        let found = check(
            "pub struct A { x: u8, x: u8 }
             pub enum A { V, V }
             pub mod m { pub struct B; pub fn B() {} pub const C: u8 = 0; pub static C: u8 = 0; }
             impl A { fn f(a: u8, a: u8) {} }
             impl A { fn f() {} }
             const _: () = (); const _: () = ();",
        );
        assert_eq!(
            found,
            vec![
                "x in the fields of `A`",
                "A in the types of the root",
                "V in the variants of `A`",
                "a in the parameters of `f`",
                "f in the associated items of `A` in the root",
                "B in the values of module `m`",
                "C in the values of module `m`",
            ]
        );
    }

    #[test]
    fn distinct_names_and_namespaces_pass() {
        assert!(
            check(
                "pub struct A { x: u8 } pub fn A() {} pub mod a {} pub struct B(u8);
                 impl std::fmt::Display for A { fn fmt(&self) {} } impl A { fn fmt() {} }"
            )
            .is_empty()
        );
    }
}
