//! What the client prints of text it did not write: control characters escaped, e-mail addresses redacted, URL credentials left out.
//!
//! Every message the client builds from an answer (an error body's message, an order ID, an
//! excerpt of a body, a header) goes through [`printable`], and every URL it prints through
//! [`url_without_credentials`], so that a server cannot forge lines or clear a terminal
//! through the client's errors, a log of them shows no address of a recipient, and a base URL
//! with `user:password@` never shows its password.

use std::{borrow::Cow, collections::VecDeque};

use runa_order_validator::escape_control;

/// `text` as an error message may show it: e-mail addresses replaced by `<email>`
/// ([`redact_emails`]), then control characters escaped (`\n`, `\u{1b}`; see
/// `runa_order_validator::escape_control`).
pub(crate) fn printable(text: &str) -> String {
    escape_control(&redact_emails(text)).into_owned()
}

/// A URL (or a reference, such as `/v2/order?to=…`) as an error message may show it: without
/// credentials ([`url_without_credentials`]), with e-mail addresses redacted in each part
/// between the URL's delimiters (`/`, `?`, `&`, `=`, `#`, which an address in a URL would
/// have percent-encoded, but a local part may hold, so that [`redact_emails`] alone would
/// take the path and the query with the address), and control characters escaped.
pub(crate) fn printable_url(url: &str) -> String {
    let url = url_without_credentials(url);
    let mut out = String::with_capacity(url.len());
    let mut rest = &*url;
    while let Some(at) = rest.find(['/', '?', '&', '=', '#']) {
        out.push_str(&redact_emails(&rest[..at]));
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    out.push_str(&redact_emails(rest));
    escape_control(&out).into_owned()
}

/// One character of text as an address is read: a character, or an escape that stands for
/// one in a JSON string (`\u0040`, `\"`, `\n`) or a URL (`%40`).
#[derive(Clone, Copy)]
struct Unit {
    /// The character it stands for.
    c: char,
    /// Its length in bytes.
    len: usize,
}

/// The unit that starts at byte `i` of `text` (a character boundary).
fn unit_at(text: &str, i: usize) -> Option<Unit> {
    let rest = &text[i..];
    let c = rest.chars().next()?;
    let bytes = rest.as_bytes();
    if c == '\\' {
        let escaped = match bytes.get(1) {
            Some(b'u') => rest
                .get(2..6)
                .filter(|hex| hex.bytes().all(|it| it.is_ascii_hexdigit()))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                // A lone surrogate stands for no character: it ends a run like a space.
                .map(|code| (char::from_u32(code).unwrap_or(' '), 6)),
            Some(b'"') => Some(('"', 2)),
            Some(b'\\') => Some(('\\', 2)),
            Some(b'/') => Some(('/', 2)),
            Some(b'b' | b'f' | b'n' | b'r' | b't') => Some(('\n', 2)),
            _ => None,
        };
        if let Some((c, len)) = escaped {
            return Some(Unit { c, len });
        }
    }
    if c == '%' && bytes.get(1) == Some(&b'4') && bytes.get(2) == Some(&b'0') {
        return Some(Unit { c: '@', len: 3 });
    }
    Some(Unit {
        c,
        len: c.len_utf8(),
    })
}

/// A character of an unquoted local part: letters and digits of any script (`josé`), the
/// other characters RFC 5322 allows in an atom, and the dot.
fn is_local(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

/// A character of a domain name, in any script (`exämple.com`).
fn is_domain(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

/// How far back from its closing quote a quoted local part (`"john doe"@`) is looked for, in
/// bytes: RFC 5321 allows 64 characters, and an escape takes at most 6 bytes per character.
const QUOTED_LOOKBACK: usize = 64 * 6;

/// How far a domain literal (`[192.0.2.1]`, `[IPv6:…]`) is read, in bytes.
const LITERAL_LENGTH: usize = 64;

/// Replaces every e-mail address in `text` by `<email>`, so that personal data from answers
/// does not reach error messages and logs.
///
/// It errs on the side of redacting: every address the validator's `email` format accepts is
/// replaced whole, and so is anything that looks like one. An address is an `@` (or
/// `\u0040`, as it appears in a raw JSON body, or `%40` in a URL) with at least one
/// character of a local part before it and of a domain after it. The local part is the run
/// of atom characters and dots before the `@`, letters of any script included (`josé@`),
/// or a quoted string (`"john.doe"@`, `\"john doe\"@` in a raw body); the domain is the run
/// of letters of any script, digits, dots and hyphens after it (`maria@exämple.com` is
/// replaced whole), or a bracketed literal (`[192.0.2.1]`). JSON escapes count as the
/// characters they stand for. One pass over the text, whatever it holds.
pub(crate) fn redact_emails(text: &str) -> String {
    if !text.contains(['@', '\\', '%']) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    // Text before `copied` is in `out`; `run` is where the current run of local-part units
    // starts (or `None` after a unit that is not one); `quotes` are the quote units of the
    // last `QUOTED_LOOKBACK` bytes.
    let (mut copied, mut run, mut i) = (0, None::<usize>, 0);
    let mut quotes: VecDeque<Quote> = VecDeque::new();
    while let Some(unit) = unit_at(text, i) {
        let next = i + unit.len;
        if unit.c == '@' {
            let start = run
                .or_else(|| quoted_start(&quotes, i))
                .filter(|it| *it >= copied);
            if let Some((start, end)) = start.and_then(|it| Some((it, domain_end(text, next)?))) {
                out.push_str(&text[copied..start]);
                out.push_str("<email>");
                copied = end;
                run = None;
                quotes.clear();
                i = end;
                continue;
            }
            run = None;
        } else if is_local(unit.c) {
            run.get_or_insert(i);
        } else {
            if unit.c == '"' {
                while quotes
                    .front()
                    .is_some_and(|it| i - it.start > QUOTED_LOOKBACK)
                {
                    quotes.pop_front();
                }
                quotes.push_back(Quote {
                    start: i,
                    end: next,
                    after_local: run.is_some(),
                });
            }
            run = None;
        }
        i = next;
    }
    out.push_str(&text[copied..]);
    out
}

/// A quote unit (`"`, or `\"` in a raw JSON string).
struct Quote {
    start: usize,
    end: usize,
    /// True when it follows a character of a local part, so that it cannot open one
    /// (`"john\"doe"@`: the escaped quote after `john` is inside the quoted string).
    after_local: bool,
}

/// Where a quoted local part that ends at the `@` at byte `at` starts: its closing quote ends
/// right at the `@`, and it opens at the closest earlier quote that does not follow a
/// character of a local part.
fn quoted_start(quotes: &VecDeque<Quote>, at: usize) -> Option<usize> {
    if quotes.back()?.end != at {
        return None;
    }
    quotes
        .iter()
        .rev()
        .skip(1)
        .find(|it| !it.after_local)
        .map(|it| it.start)
}

/// The byte just past the domain that starts at byte `from`, if there is one.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let first = unit_at(text, from)?;
    if first.c == '[' {
        // `]` is one byte, so the byte after it is a character boundary.
        return text.as_bytes()[from..]
            .iter()
            .take(LITERAL_LENGTH)
            .position(|it| *it == b']')
            .filter(|it| *it > 1)
            .map(|close| from + close + 1);
    }
    let mut end = from;
    while let Some(unit) = unit_at(text, end) {
        if !is_domain(unit.c) {
            break;
        }
        end += unit.len;
    }
    // A dot or hyphen at the end is the sentence's, not the domain's.
    let domain = text[from..end].trim_end_matches(['.', '-']);
    domain
        .chars()
        .any(char::is_alphanumeric)
        .then_some(from + domain.len())
}

/// `url` without the user name and password of its authority (`http://user:S3CRET@host/` is
/// `http://host/`). Text that does not parse as a URL loses everything up to the last `@`
/// of what would be its authority, so that a mistyped URL with credentials, which the
/// builder refuses, does not show them either.
pub(crate) fn url_without_credentials(url: &str) -> Cow<'_, str> {
    if let Some(mut parsed) = reqwest::Url::parse(url)
        .ok()
        .filter(|it| !it.cannot_be_a_base())
    {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return Cow::Borrowed(url);
        }
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        return Cow::Owned(parsed.to_string());
    }
    let authority_start = url.find("//").map_or(0, |it| it + 2);
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |it| authority_start + it);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!(
            "{}<credentials>@{}",
            &url[..authority_start],
            &url[authority_start + at + 1..]
        )),
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn redacted(text: &str, expected: &str) {
        assert_eq!(redact_emails(text), expected, "{text}");
    }

    #[test]
    fn everyday_addresses_are_redacted() {
        redacted(
            r#"invalid value: "maria.k+1@example.com", expected x"#,
            r#"invalid value: "<email>", expected x"#,
        );
        redacted("a@b and c@d.e", "<email> and <email>");
        redacted("no at sign", "no at sign");
        redacted("lonely @ sign", "lonely @ sign");
        redacted("@handle and trailing@", "@handle and trailing@");
        redacted("Maria <maria@example.com>", "Maria <<email>>");
        redacted("a@b@c@d", "<email>@<email>");
        // A domain literal that does not close soon, in text of any script, is no address.
        let long = format!("a@[{}]", "é".repeat(40));
        redacted(&long, &long);
        redacted("a@[é]", "<email>");
    }

    /// Issue 18, item 11: these forms kept the whole address or a part of it.
    #[test]
    fn every_address_the_validator_accepts_is_redacted_whole() {
        for address in [
            "\"john.doe\"@example.com",
            "\"john doe\"@example.com",
            "\"\"@example.com",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "fred.bloggs@example.com",
            "o'brien+tag@sub.example-host.co.uk",
            "x@localhost",
        ] {
            assert!(
                runa_order_validator::formats::is_email(address),
                "the validator accepts {address}"
            );
            redacted(&format!("to {address}."), "to <email>.");
            redacted(&format!("to {address}"), "to <email>");
        }
        // Beyond what the validator accepts, but personal all the same.
        redacted("for josé@example.com!", "for <email>!");
        redacted("maria@exämple.com", "<email>");
        redacted("ü@ñ", "<email>");
    }

    #[test]
    fn escaped_addresses_in_raw_bodies_and_urls_are_redacted() {
        redacted(
            r#"{"email": "fred\u0040example.com"}"#,
            r#"{"email": "<email>"}"#,
        );
        redacted(
            r#"{"email": "fred\u0040EXAMPLE.com"}"#,
            r#"{"email": "<email>"}"#,
        );
        redacted(
            r#"{"email": "jos\u00e9@example.com"}"#,
            r#"{"email": "<email>"}"#,
        );
        redacted(
            r#"{"email": "\"john.doe\"@example.com"}"#,
            r#"{"email": "<email>"}"#,
        );
        redacted(r#""line\nmaria@example.com""#, r#""line\n<email>""#);
        // `?`, `&`, `=` and `/` may be part of a local part: the redaction takes them too,
        // except in a URL, whose parts are redacted one by one.
        redacted("?to=maria%40example.com&x=1", "<email>&x=1");
        assert_eq!(
            printable_url("/o?x=1&to=maria%40example.com&y=fred@example.com#a@b"),
            "/o?x=1&to=<email>&y=<email>#<email>"
        );
        assert_eq!(
            printable_url("http://user:S3CRET@host/v2/\u{9b}?to=maria@example.com"),
            "http://host/v2/%C2%9B?to=<email>"
        );
        assert_eq!(
            printable_url("/v2/order/O-3\u{9b}2J"),
            "/v2/order/O-3\\u{9b}2J"
        );
        // Escapes that are not addresses stay.
        redacted(r#"50% off \u0041 \\ 100%40"#, r#"50% off \u0041 \\ 100%40"#);
    }

    #[test]
    fn printable_text_has_no_control_character_and_no_address() {
        assert_eq!(
            printable("O-1\n\u{1b}[2J maria@example.com\u{9b}"),
            "O-1\\n\\u{1b}[2J <email>\\u{9b}"
        );
    }

    #[test]
    fn redaction_takes_one_pass_over_long_runs() {
        // A long run of local-part characters before many `@` without a domain, and many
        // quotes: each `@` looks back once, not over the run again.
        let text = format!("{}{}", "a".repeat(200_000), "@".repeat(200_000));
        assert_eq!(redact_emails(&text), text);
        let quotes = "\"".repeat(100_000) + "@";
        assert_eq!(redact_emails(&quotes), quotes);
    }

    #[test]
    fn credentials_are_left_out_of_urls() {
        assert_eq!(
            url_without_credentials("http://user:S3CRET@127.0.0.1:8080/v2"),
            "http://127.0.0.1:8080/v2"
        );
        assert_eq!(
            url_without_credentials("https://api.example.com/v2"),
            "https://api.example.com/v2"
        );
        assert_eq!(
            url_without_credentials("http://user:S3CRET@exa mple.com/v2"),
            "http://<credentials>@exa mple.com/v2"
        );
        assert_eq!(
            url_without_credentials("user:S3CRET@host"),
            "<credentials>@host"
        );
    }
}
