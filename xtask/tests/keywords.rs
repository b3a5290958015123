//! Holds `xtask/src` to its keyword table: each keyword's spelling is a string literal of
//! `codegen/keywords.rs` only, so a keyword is added, renamed or refused in one place.

use std::{fs, path::Path, str::FromStr};

use proc_macro2::{TokenStream, TokenTree};
use xtask::codegen::keywords;

/// The file that holds the spellings.
const TABLE_FILE: &str = "codegen/keywords.rs";

/// Files that write spec documents as data, in the spec's own language, the way the fixture
/// files under `tests/fixtures` do: their keys are JSON, not the generator's knowledge
/// (`suite.rs` reads the JSON-Schema-Test-Suite through the table; its tests write suite
/// schemas).
const SPEC_DOCUMENTS: &[&str] = &["synthetic.rs", "suite.rs"];

/// Every string literal of a file, including those inside macros (`quote!`, `json!`,
/// `format!`) and doc comments, with its source text.
fn string_literals(tokens: TokenStream, out: &mut Vec<(String, String)>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => string_literals(group.stream(), out),
            TokenTree::Literal(literal) => {
                if let Ok(syn::Lit::Str(it)) = syn::parse_str::<syn::Lit>(&literal.to_string()) {
                    out.push((literal.to_string(), it.value()));
                }
            }
            _ => {}
        }
    }
}

/// True when `text` is the keyword `name`, or a JSON pointer with `name` as a segment
/// (`{loc}/minimum`, `#/$defs/`): a location built from a spelling outside the table. Prose
/// (text with spaces, such as a message or a doc comment) may name keywords.
fn spells(text: &str, name: &str) -> bool {
    text == name
        || !text.contains(char::is_whitespace)
            && text.split('/').skip(1).any(|segment| segment == name)
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|it| it == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn keyword_spellings_live_in_the_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let mut found = Vec::new();
    let mut checked_table = false;
    for path in files {
        let relative = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(&path).unwrap();
        let tokens = TokenStream::from_str(&text).unwrap();
        let mut literals = Vec::new();
        string_literals(tokens, &mut literals);
        if relative == TABLE_FILE {
            // The table itself spells every keyword.
            for keyword in keywords::TABLE {
                assert!(literals.iter().any(|(_, it)| it == keyword.name));
            }
            checked_table = true;
            continue;
        }
        if SPEC_DOCUMENTS.contains(&relative.as_str()) {
            continue;
        }
        for (source, literal) in literals {
            for keyword in keywords::TABLE {
                if spells(&literal, keyword.name) {
                    let line = text
                        .find(&source)
                        .map_or(0, |at| text[..at].lines().count() + 1);
                    found.push(format!(
                        "xtask/src/{relative}:{line}: {source} spells `{}`",
                        keyword.name
                    ));
                }
            }
        }
    }
    assert!(checked_table, "{TABLE_FILE} was not found");
    assert!(
        found.is_empty(),
        "keyword spellings outside {TABLE_FILE}; use the table's rows (`keywords::TYPE.name`, `keywords::lookup`):\n{}",
        found.join("\n")
    );
}

/// The scan sees through macros and pointers, so it cannot pass by missing what it looks for.
#[test]
fn the_scan_finds_spellings_in_macros_and_pointers() {
    let tokens = TokenStream::from_str(
        r#"fn f() { quote! { cx.error("minItems", x) }; json!({"type": 1}); format!("{loc}/maximum"); }"#,
    )
    .unwrap();
    let mut literals = Vec::new();
    string_literals(tokens, &mut literals);
    let hits: Vec<&str> = ["minItems", "type", "maximum", "minimum"]
        .into_iter()
        .filter(|name| literals.iter().any(|(_, it)| spells(it, name)))
        .collect();
    assert_eq!(hits, ["minItems", "type", "maximum"]);
}
