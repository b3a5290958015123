//! Spec text in generated doc comments and messages: prose and code spans that stay inert, and the check that no generated doc comment holds a code block rustdoc would compile.
//!
//! Text from the spec (descriptions, summaries, names, patterns, enum values) is data. In a
//! doc comment, Markdown would make some of it code: rustdoc compiles and runs every code
//! block whose info string is empty or Rust's (a fenced block, or a line indented by four
//! spaces) as a doctest, and `cargo test` would run what the spec wrote. So:
//!
//! * [`prose`] writes a description as plain text with code spans kept: every code block of
//!   the text (fenced, or indented) becomes a fenced block marked `text`, which rustdoc shows
//!   and never runs; the starts of lines that would open other blocks (lists, whose items can
//!   hold code blocks of their own) are escaped, as are `\`, `<`, `>`, `[` and `]` outside code
//!   spans (no HTML, no link), and a bare URL becomes an autolink (rustdoc warns on bare URLs).
//! * [`code`] writes a value as one inline code span.
//! * Both turn line breaks into `\n` where a line break cannot be kept (code spans), drop the
//!   carriage returns rustc refuses in a doc comment, and write control characters and the
//!   Unicode direction overrides (which rustc refuses in comments and literals) as `\u{…}`.
//! * [`check`] reads every doc comment of a generated file the way rustdoc does (with
//!   `pulldown-cmark`, the Markdown parser rustdoc uses) and refuses any code block that is not
//!   a `text` block, and any character a doc comment must not hold: whatever a bug in the
//!   emitters lets through, no generated doc comment becomes a doctest.

use std::fmt::Write as _;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// The info string of every code block the generator writes: rustdoc shows such a block and
/// neither compiles nor runs it.
const TEXT: &str = "text";

/// True for the characters that must not reach generated code or a terminal raw: control
/// characters (tab and line feed too: callers that keep them handle them first), the Unicode
/// direction overrides and isolates (rustc's `text_direction_codepoint_in_comment` and
/// `…_in_literal` lints refuse them), and the Unicode line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `text` with every character of [`is_unsafe`] written as an escape (`\n`, `\r`, `\t`,
/// `\u{1b}`), so that it prints on one line and carries nothing a terminal or rustc acts on.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` as one inline code span, on one line: fenced with more backticks than any run inside
/// it, with line breaks and control characters escaped.
pub fn code(text: &str) -> String {
    let text = escape(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.ends_with(' ') || text.is_empty() {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// A description from the spec as rustdoc Markdown that holds no code but `text` blocks,
/// no HTML and no link (see the module docs).
pub fn prose(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut clean = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => clean.push(c),
            c => push_escaped(&mut clean, c),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for block in blocks(&clean) {
        match block {
            // Line by line: a code span that went on to the next line could hide the
            // marker that opens a block quote or a list item there from the escaping.
            Block::Paragraph(lines) => out.extend(lines.iter().map(|it| inline(it))),
            Block::Code(lines) => out.push(text_block(&lines)),
            Block::Blank => out.push(String::new()),
        }
    }
    out.join("\n")
}

/// Spec text that sits inside a sentence of the generator's (a summary after an operation's
/// name, a description after a header's): [`prose`] on one line, line breaks and tabs read as
/// spaces, so that it can open no block wherever it is placed.
pub fn phrase(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let one_line = one_line.trim();
    let mut clean = String::with_capacity(one_line.len());
    for c in one_line.chars() {
        push_escaped(&mut clean, c);
    }
    // At the start of a line, three backticks or tildes would open a fenced block: `inline`
    // escapes them, as it does a list marker.
    inline(&clean)
}

/// A part of a description, as CommonMark's block structure reads it.
#[derive(Debug, PartialEq)]
enum Block {
    /// Lines of text, their leading white space removed.
    Paragraph(Vec<String>),
    /// The lines of a fenced or indented code block, as they are in the block.
    Code(Vec<String>),
    Blank,
}

/// The indentation of `line` in columns (a tab goes to the next multiple of four), and the
/// rest of the line.
fn indentation(line: &str) -> (usize, &str) {
    let mut columns = 0;
    for (at, c) in line.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return (columns, &line[at..]),
        }
    }
    (columns, "")
}

/// The fence that opens a fenced code block (three or more backticks or tildes, a backtick
/// fence with no backtick after it) at the start of `rest`: its character and length.
fn opening_fence(rest: &str) -> Option<(char, usize)> {
    let first = rest.chars().next().filter(|it| matches!(it, '`' | '~'))?;
    let length = rest.chars().take_while(|it| *it == first).count();
    let info = &rest[length..];
    (length >= 3 && !(first == '`' && info.contains('`'))).then_some((first, length))
}

/// Splits `text` into paragraphs, code blocks and blank lines as CommonMark would, with
/// no container blocks (`inline` escapes the markers that would open one).
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let (columns, rest) = indentation(line);
        let after_paragraph = matches!(out.last(), Some(Block::Paragraph(_)));
        if rest.is_empty() {
            out.push(Block::Blank);
        } else if columns >= 4 && !after_paragraph {
            // An indented code block: this line, then every line indented as much, and the
            // blank lines between them.
            let mut code = vec![strip_columns(line, 4)];
            let mut blank_run = Vec::new();
            while let Some(next) = lines.peek() {
                let (columns, rest) = indentation(next);
                if rest.is_empty() {
                    blank_run.push(String::new());
                } else if columns >= 4 {
                    code.append(&mut blank_run);
                    code.push(strip_columns(next, 4));
                } else {
                    break;
                }
                lines.next();
            }
            out.push(Block::Code(code));
            out.extend(blank_run.into_iter().map(|_| Block::Blank));
        } else if let Some((fence, length)) = (columns < 4).then(|| opening_fence(rest)).flatten() {
            // A fenced code block ends at a closing fence, or with the text.
            let mut code = Vec::new();
            for next in lines.by_ref() {
                let (columns, rest) = indentation(next);
                let run = rest.chars().take_while(|it| *it == fence).count();
                if columns < 4 && run >= length && rest[run..].trim().is_empty() {
                    break;
                }
                code.push(strip_columns(next, columns.min(3)));
            }
            out.push(Block::Code(code));
        } else if let Some(Block::Paragraph(lines)) = out.last_mut() {
            lines.push(rest.to_owned());
        } else {
            out.push(Block::Paragraph(vec![rest.to_owned()]));
        }
    }
    out
}

/// `line` without its first `columns` columns of indentation.
fn strip_columns(line: &str, columns: usize) -> String {
    let mut seen = 0;
    for (at, c) in line.char_indices() {
        if seen >= columns {
            return line[at..].to_owned();
        }
        match c {
            ' ' => seen += 1,
            '\t' => {
                let width = 4 - seen % 4;
                if seen + width > columns {
                    // Part of the tab is indentation of the code itself.
                    let keep = seen + width - columns;
                    return format!("{}{}", " ".repeat(keep), &line[at + 1..]);
                }
                seen += width;
            }
            _ => return line[at..].to_owned(),
        }
    }
    String::new()
}

/// A fenced `text` block of `lines`, fenced with tildes, more than any line starts with.
fn text_block(lines: &[String]) -> String {
    let longest = lines
        .iter()
        .map(|line| {
            indentation(line)
                .1
                .chars()
                .take_while(|it| *it == '~')
                .count()
        })
        .max()
        .unwrap_or(0);
    let fence = "~".repeat(longest.max(2) + 1);
    let mut out = format!("{fence}{TEXT}\n");
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&fence);
    out
}

/// A line of a paragraph: code spans as they are; elsewhere `\`, `<`, `>`, `[` and `]`
/// escaped, bare URLs made autolinks, and the list marker that starts the line escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    escape_line_start(&mut out, &mut rest);
    // Whether the text between code spans starts a word, where a URL may start.
    let mut word_start = true;
    while !rest.is_empty() {
        let start = rest.find('`').unwrap_or(rest.len());
        plain(&mut out, &rest[..start], &mut word_start);
        rest = &rest[start..];
        if rest.is_empty() {
            break;
        }
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let end = find_run(&rest[ticks..], ticks).map_or(ticks, |it| ticks + it + ticks);
        // A code span is kept as it is; an unmatched run of backticks is literal text.
        out.push_str(&rest[..end]);
        word_start = false;
        rest = &rest[end..];
    }
    out
}

/// The position in `text` of the first run of exactly `ticks` backticks.
fn find_run(text: &str, ticks: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|it| **it == b'`').count();
            if run == ticks {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// Writes the text between code spans, escaped; `word_start` says whether it starts a word,
/// and is left saying whether what follows does.
fn plain(out: &mut String, text: &str, word_start: &mut bool) {
    let mut rest = text;
    while !rest.is_empty() {
        if *word_start && let Some(url) = bare_url(rest) {
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            *word_start = false;
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        if matches!(c, '\\' | '<' | '>' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
        *word_start = c.is_whitespace() || c == '(';
        rest = &rest[c.len_utf8()..];
    }
}

/// Escapes what would open a block at the start of a paragraph's line (a list marker: `-`,
/// `+`, `*`, `1.`, `1)`; three backticks or tildes, which a line indented into the paragraph
/// can start with once its indentation is gone), and moves `rest` past what it wrote.
fn escape_line_start(out: &mut String, rest: &mut &str) {
    if opening_fence(rest).is_some() {
        out.push('\\');
        return;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match rest.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits,
        Some(b'-' | b'+' | b'*') if digits == 0 => 0,
        _ => return,
    };
    let after = &rest[marker + 1..];
    if after.is_empty() || after.starts_with([' ', '\t']) {
        out.push_str(&rest[..marker]);
        out.push('\\');
        out.push_str(&rest[marker..=marker]);
        *rest = after;
    }
}

/// The URL that starts `text` (`http://…` or `https://…`, up to white space or a character
/// an autolink cannot hold, without trailing punctuation), if any.
fn bare_url(text: &str) -> Option<&str> {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"']);
    (url.len() > "https://".len()).then_some(url)
}

/// Checks every doc comment of `file` as rustdoc reads it: no code block but fenced `text`
/// blocks, and no character rustc refuses or a terminal acts on. Returns the first problem.
pub fn check(file: &syn::File) -> Result<(), String> {
    match doc_comments(file).iter().find_map(|it| doc_problems(it)) {
        None => Ok(()),
        Some(problem) => Err(problem),
    }
}

/// Every code block of the doc comments of `file`, as rustdoc reads them: its info string
/// (empty for an indented block) and its text.
pub fn code_blocks(file: &syn::File) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    for doc in doc_comments(file) {
        let mut open: Option<(String, String)> = None;
        for event in Parser::new_ext(&doc, rustdoc_options()) {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let info = match kind {
                        CodeBlockKind::Indented => String::new(),
                        CodeBlockKind::Fenced(info) => info.to_string(),
                    };
                    open = Some((info, String::new()));
                }
                Event::Text(text) => {
                    if let Some((_, content)) = &mut open {
                        content.push_str(&text);
                    }
                }
                Event::End(pulldown_cmark::TagEnd::CodeBlock) => blocks.extend(open.take()),
                _ => {}
            }
        }
    }
    blocks
}

/// The Markdown extensions rustdoc turns on.
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The doc comment of every item, field and variant of `file` (and of the file itself): the
/// lines of its doc attributes joined, as rustdoc joins them.
fn doc_comments(file: &syn::File) -> Vec<String> {
    let mut docs = Vec::new();
    syn::visit::Visit::visit_file(&mut DocWalk { docs: &mut docs }, file);
    docs
}

/// The problems of one doc comment (the joined text of an item's doc attributes).
fn doc_problems(text: &str) -> Option<String> {
    if let Some(c) = text
        .chars()
        .find(|c| *c != '\n' && *c != '\t' && is_unsafe(*c))
    {
        return Some(format!(
            "a doc comment would hold the character {} raw",
            escape(&c.to_string())
        ));
    }
    for event in Parser::new_ext(text, rustdoc_options()) {
        if let Event::Start(Tag::CodeBlock(kind)) = event {
            let runnable = match kind {
                CodeBlockKind::Indented => true,
                CodeBlockKind::Fenced(info) => info.trim() != TEXT,
            };
            if runnable {
                let first = text.lines().next().unwrap_or_default();
                return Some(format!(
                    "a doc comment would hold a code block rustdoc runs as a doctest (in the doc \
                     that starts {})",
                    code(first)
                ));
            }
        }
    }
    None
}

struct DocWalk<'a> {
    docs: &'a mut Vec<String>,
}

impl DocWalk<'_> {
    fn docs(&mut self, attrs: &[syn::Attribute]) {
        let lines: Vec<String> = attrs
            .iter()
            .filter(|it| it.path().is_ident("doc"))
            .filter_map(|it| match &it.meta {
                syn::Meta::NameValue(syn::MetaNameValue {
                    value:
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(text),
                            ..
                        }),
                    ..
                }) => Some(text.value()),
                _ => None,
            })
            .collect();
        if !lines.is_empty() {
            self.docs.push(lines.join("\n"));
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for DocWalk<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        self.docs(&file.attrs);
        syn::visit::visit_file(self, file);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(it) => &it.attrs,
            syn::Item::Enum(it) => &it.attrs,
            syn::Item::ExternCrate(it) => &it.attrs,
            syn::Item::Fn(it) => &it.attrs,
            syn::Item::ForeignMod(it) => &it.attrs,
            syn::Item::Impl(it) => &it.attrs,
            syn::Item::Macro(it) => &it.attrs,
            syn::Item::Mod(it) => &it.attrs,
            syn::Item::Static(it) => &it.attrs,
            syn::Item::Struct(it) => &it.attrs,
            syn::Item::Trait(it) => &it.attrs,
            syn::Item::TraitAlias(it) => &it.attrs,
            syn::Item::Type(it) => &it.attrs,
            syn::Item::Union(it) => &it.attrs,
            syn::Item::Use(it) => &it.attrs,
            _ => &[],
        };
        self.docs(attrs);
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Const(it) => &it.attrs,
            syn::ImplItem::Fn(it) => &it.attrs,
            syn::ImplItem::Type(it) => &it.attrs,
            syn::ImplItem::Macro(it) => &it.attrs,
            _ => &[],
        };
        self.docs(attrs);
        syn::visit::visit_impl_item(self, item);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::TraitItem::Const(it) => &it.attrs,
            syn::TraitItem::Fn(it) => &it.attrs,
            syn::TraitItem::Type(it) => &it.attrs,
            syn::TraitItem::Macro(it) => &it.attrs,
            _ => &[],
        };
        self.docs(attrs);
        syn::visit::visit_trait_item(self, item);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.docs(&field.attrs);
        syn::visit::visit_field(self, field);
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        self.docs(&variant.attrs);
        syn::visit::visit_variant(self, variant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when rustdoc would run some code block of `markdown`.
    fn runs(markdown: &str) -> bool {
        doc_problems(markdown).is_some()
    }

    #[test]
    fn code_blocks_of_the_spec_become_text_blocks() {
        let hostile = [
            "Currency.\n```\nstd::fs::write(\"/tmp/x\", \"\").unwrap();\n```",
            "Currency.\n\n    std::process::exit(1);",
            "```rust\nfn main() {}",
            "~~~\nlet x = 1;\n~~~",
            "- ```\n  let a = 1;\n  ```",
            "1.     indented code in a list item",
            "> ```\n> quoted\n> ```",
            "a\n\n\tcode after a tab",
            "  ```should_panic\n  panic!()\n  ```",
            "````\n```\nnested\n```\n````",
            "text\n```\nunclosed",
            "<div>\n\n```\nx\n```\n</div>",
        ];
        for text in hostile {
            assert!(runs(text), "the case itself should be runnable: {text:?}");
            let out = prose(text);
            assert!(!runs(&out), "{text:?} became {out:?}");
        }
        assert_eq!(
            prose("Before.\n```rust\nlet x = 1;\n```\nAfter."),
            "Before.\n~~~text\nlet x = 1;\n~~~\nAfter."
        );
        assert_eq!(
            prose("Line.\n\n    indented\n    more"),
            "Line.\n\n~~~text\nindented\nmore\n~~~"
        );
    }

    #[test]
    fn prose_keeps_code_spans_and_escapes_html_links_and_urls() {
        assert_eq!(
            prose("Not allowed to order products: <detail>"),
            "Not allowed to order products: \\<detail\\>"
        );
        assert_eq!(
            prose("see [items] and `a<b>[c]`"),
            "see \\[items\\] and `a<b>[c]`"
        );
        assert_eq!(prose("``a ` b`` <x>"), "``a ` b`` \\<x\\>");
        assert_eq!(prose("a lone ` and <y>"), "a lone ` and \\<y\\>");
        assert_eq!(prose("a \\<b>"), "a \\\\\\<b\\>");
        assert_eq!(
            prose("See https://runa.io/docs. Or (http://x.io/a)"),
            "See <https://runa.io/docs>. Or (<http://x.io/a>)"
        );
        assert_eq!(prose("- one\n2. two"), "\\- one\n2\\. two");
        assert_eq!(prose("plain"), "plain");
    }

    #[test]
    fn phrases_stay_on_one_line_wherever_they_are_placed() {
        for text in [
            "```rust\nfn main() {}\n```",
            "~~~\ncode",
            "- ```\n  x",
            "    indented",
        ] {
            let out = phrase(text);
            assert!(!out.contains('\n'), "{out:?}");
            for placed in [
                out.clone(),
                format!("Head {out}"),
                format!("{out}.\n\nMore."),
            ] {
                assert!(!runs(&placed), "{text:?} placed as {placed:?}");
            }
        }
        assert_eq!(
            phrase("Sync orders\nhave one item."),
            "Sync orders have one item."
        );
    }

    #[test]
    fn line_breaks_and_control_characters_are_safe() {
        assert_eq!(
            prose("ISO code.\rThree letters."),
            "ISO code.\nThree letters."
        );
        assert_eq!(
            prose("a\u{1b}[2Jb\u{202e}c"),
            "a\\\\u{1b}\\[2Jb\\\\u{202e}c"
        );
        assert_eq!(code("^a\n    b$"), "`^a\\n    b$`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("USD"), "`USD`");
        assert_eq!(code(""), "`  `");
        assert_eq!(escape("k\u{7f}\u{2066}"), "k\\u{7f}\\u{2066}");
    }

    /// Random texts over the characters that open Markdown blocks: whatever the spec writes,
    /// its prose and its phrases hold no code block rustdoc runs and no raw control character.
    #[test]
    fn no_text_becomes_a_doctest() {
        use rand::{RngExt, SeedableRng, rngs::StdRng};

        const ALPHABET: &[&str] = &[
            "`",
            "```",
            "~~~",
            " ",
            "    ",
            "\t",
            "\n",
            "\n\n",
            "\r",
            ">",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "2) ",
            "<",
            "<div>",
            "[",
            "]",
            "\\",
            "#",
            "x",
            "let a = 1;",
            "rust",
            "\u{1b}",
            "\u{202e}",
        ];
        let mut rng = StdRng::seed_from_u64(17);
        for _ in 0..5_000 {
            let length = rng.random_range(0..24);
            let text: String = (0..length)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
                .collect();
            let out = prose(&text);
            assert_eq!(doc_problems(&out), None, "{text:?} became {out:?}");
            let one = phrase(&text);
            for placed in [
                one.clone(),
                format!("Head {one}"),
                format!("{one}\n\n{out}"),
            ] {
                assert_eq!(doc_problems(&placed), None, "{text:?} placed as {placed:?}");
            }
        }
    }

    #[test]
    fn check_finds_runnable_blocks_and_raw_characters() {
        let file: syn::File = syn::parse_quote! {
            #[doc = " A type."]
            #[doc = ""]
            #[doc = " ```"]
            #[doc = " let x = 1;"]
            #[doc = " ```"]
            pub struct A;
        };
        assert!(check(&file).unwrap_err().contains("doctest"));
        let file: syn::File = syn::parse_quote! {
            pub struct A {
                #[doc = " ~~~text"]
                #[doc = " let x = 1;"]
                #[doc = " ~~~"]
                pub a: u8,
            }
        };
        assert_eq!(check(&file), Ok(()));
        let file: syn::File = syn::parse_quote! {
            pub enum A {
                #[doc = " a\r b"]
                B,
            }
        };
        assert!(check(&file).unwrap_err().contains("\\r"));
    }
}
