//! Turns the simple `pattern`s of the spec (anchored runs of ASCII classes, such as `^[A-Z]{3}$`) into byte loops, so the validator needs no regex engine for them.
//!
//! A pattern qualifies when, parsed with `regex-syntax`, it is `^`, then a sequence of ASCII
//! literals and classes, each repeated greedily between bounds, or optional groups of such a
//! sequence, then `$`; and when no repetition or optional group can start with a byte that
//! could also start what follows it. Then matching greedily, without backtracking, gives the
//! regex's answer. Every other pattern is matched by the `regex` crate.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// One step of a simple pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// A byte from `ranges`, between `min` and `max` times (no `max`: any number).
    Run {
        ranges: Vec<(u8, u8)>,
        min: u32,
        max: Option<u32>,
    },
    /// The pieces, once or not at all.
    Optional(Vec<Piece>),
}

/// The body of `fn(s: &str) -> bool` matching `pattern`, or `None` when the pattern is not
/// simple (see the module docs).
pub fn matcher(pattern: &str) -> Option<TokenStream> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let HirKind::Concat(items) = hir.kind() else {
        return None;
    };
    let (first, rest) = items.split_first()?;
    let (last, middle) = rest.split_last()?;
    if !matches!(first.kind(), HirKind::Look(Look::Start))
        || !matches!(last.kind(), HirKind::Look(Look::End))
    {
        return None;
    }
    let mut pieces = Vec::new();
    for item in middle {
        lower(item, &mut pieces)?;
    }
    if !deterministic(&pieces, &[]) {
        return None;
    }
    let body = emit(&pieces, &quote!(return false));
    Some(quote! {
        let b = s.as_bytes();
        let mut i = 0usize;
        #body
        i == b.len()
    })
}

fn lower(hir: &Hir, out: &mut Vec<Piece>) -> Option<()> {
    match hir.kind() {
        HirKind::Literal(literal) => {
            for byte in literal.0.iter() {
                out.push(Piece::Run {
                    ranges: vec![(ascii(*byte)?, *byte)],
                    min: 1,
                    max: Some(1),
                });
            }
        }
        HirKind::Class(class) => out.push(Piece::Run {
            ranges: ranges(class)?,
            min: 1,
            max: Some(1),
        }),
        HirKind::Capture(capture) => lower(&capture.sub, out)?,
        HirKind::Concat(items) => {
            for item in items {
                lower(item, out)?;
            }
        }
        HirKind::Repetition(repetition) if repetition.greedy => match repetition.sub.kind() {
            HirKind::Class(class) => out.push(Piece::Run {
                ranges: ranges(class)?,
                min: repetition.min,
                max: repetition.max,
            }),
            HirKind::Literal(literal) if literal.0.len() == 1 => out.push(Piece::Run {
                ranges: vec![(ascii(literal.0[0])?, literal.0[0])],
                min: repetition.min,
                max: repetition.max,
            }),
            _ if repetition.min == 0 && repetition.max == Some(1) => {
                let mut group = Vec::new();
                lower(&repetition.sub, &mut group)?;
                out.push(Piece::Optional(group));
            }
            _ => return None,
        },
        _ => return None,
    }
    Some(())
}

fn ascii(byte: u8) -> Option<u8> {
    byte.is_ascii().then_some(byte)
}

/// The class as byte ranges, when it holds only ASCII.
fn ranges(class: &Class) -> Option<Vec<(u8, u8)>> {
    match class {
        Class::Unicode(class) => class
            .iter()
            .map(|it| {
                Some((
                    ascii(u8::try_from(it.start()).ok()?)?,
                    ascii(u8::try_from(it.end()).ok()?)?,
                ))
            })
            .collect(),
        Class::Bytes(class) => class
            .iter()
            .map(|it| Some((ascii(it.start())?, ascii(it.end())?)))
            .collect(),
    }
}

/// The bytes that can start `pieces`, followed by something that starts with `then`.
fn first(pieces: &[Piece], then: &[(u8, u8)]) -> Vec<(u8, u8)> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Run { ranges, min, .. } => {
                out.extend(ranges);
                if *min > 0 {
                    return out;
                }
            }
            Piece::Optional(group) => out.extend(first(group, &[])),
        }
    }
    out.extend(then);
    out
}

fn overlap(a: &[(u8, u8)], b: &[(u8, u8)]) -> bool {
    a.iter()
        .any(|(lo, hi)| b.iter().any(|(lo2, hi2)| lo <= hi2 && lo2 <= hi))
}

/// True when greedy matching without backtracking decides `pieces` followed by something
/// that starts with `then` (nothing for the end of the text).
fn deterministic(pieces: &[Piece], then: &[(u8, u8)]) -> bool {
    pieces.iter().enumerate().all(|(i, piece)| {
        let next = first(&pieces[i + 1..], then);
        match piece {
            Piece::Run { ranges, min, max } => Some(*min) == *max || !overlap(ranges, &next),
            Piece::Optional(group) => {
                !overlap(&first(group, &[]), &next) && deterministic(group, &next)
            }
        }
    })
}

/// Statements that advance `i` over `pieces` in `b`, running `fail` when they do not match.
fn emit(pieces: &[Piece], fail: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for piece in pieces {
        out.extend(match piece {
            Piece::Run { ranges, min, max } => {
                let arms = ranges.iter().map(|(lo, hi)| {
                    let (lo, hi) = (Literal::byte_character(*lo), Literal::byte_character(*hi));
                    if lo.to_string() == hi.to_string() {
                        quote!(#lo)
                    } else {
                        quote!(#lo..=#hi)
                    }
                });
                let class = quote!(matches!(b[i], #(#arms)|*));
                if (*min, *max) == (1, Some(1)) {
                    quote! { if i < b.len() && #class { i += 1; } else { #fail; } }
                } else {
                    let bound = max.map(|max| {
                        let max = Literal::u32_unsuffixed(max);
                        quote!(&& i - start < #max)
                    });
                    let check_min = (*min > 0).then(|| {
                        let min = Literal::u32_unsuffixed(*min);
                        quote! { if i - start < #min { #fail; } }
                    });
                    // `start` only where a bound counts from it (`^a*$` has none).
                    let start =
                        (bound.is_some() || check_min.is_some()).then(|| quote! { let start = i; });
                    quote! {
                        #start
                        while i < b.len() #bound && #class { i += 1; }
                        #check_min
                    }
                }
            }
            Piece::Optional(group) => {
                let body = emit(group, &quote!(return None));
                quote! {
                    let group = |mut i: usize| -> Option<usize> { #body Some(i) };
                    if let Some(end) = group(i) { i = end; }
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_become_loops() {
        for pattern in [
            "^[A-Z]{3}$",
            "^[0-9]+(\\.[0-9]+)?$",
            "^[A-Za-z0-9-_@.]+$",
            "^PSR-[0-9A-HJKMNP-TV-Z]{26}$",
            "^a?b{2,5}c*$",
        ] {
            assert!(matcher(pattern).is_some(), "{pattern}");
        }
    }

    #[test]
    fn other_patterns_stay_with_the_regex_engine() {
        for pattern in [
            // Not anchored at both ends.
            "[A-Z]{3}",
            "^[A-Z]{3}",
            // A repetition that could give back bytes to what follows.
            "^[a-z]+[a-c]$",
            "^[0-9]*(0[a-z])?$",
            "^a?a$",
            // Alternation (of more than single characters), non-ASCII classes, lazy repetition.
            "^(ab|cd)$",
            "^\\d+$",
            "^é$",
            "^a+?$",
        ] {
            assert!(matcher(pattern).is_none(), "{pattern}");
        }
    }
}
