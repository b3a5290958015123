//! A byte scan of JSON text that serde_json has already accepted, to find where the values at given pointers start.
//!
//! serde_json decides what is JSON; these scans only walk text it parsed, so they look at
//! structure (quotes, escapes, brackets, separators) and never at the meaning of a scalar.
//! They still never index past the end, so a text that is not JSON gives a wrong answer,
//! never a panic. Nesting is bounded by serde_json's recursion limit, which the text passed.

use std::borrow::Cow;

/// The index just past the string that starts at `i` (on its opening quote), and whether it
/// holds an escape.
fn skip_string(b: &[u8], i: usize) -> (usize, bool) {
    let mut j = i + 1;
    let mut escaped = false;
    while let Some(rest) = b.get(j..) {
        let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
            break;
        };
        j += k;
        if b[j] == b'"' {
            return (j + 1, escaped);
        }
        escaped = true;
        j += 2;
    }
    (b.len(), escaped)
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// The index just past the value that starts at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i).0,
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(c) = b.get(j) {
                match c {
                    b'"' => {
                        j = skip_string(b, j).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            j
        }
    }
}

/// The offsets at which the items of the array `text` (JSON text that starts with its `[`)
/// start, in order; one scan of the array, which ends at its `]`.
pub(crate) fn array_items(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    let mut next = Some(skip_space(b, 1)).filter(|it| !matches!(b.get(*it), Some(b']') | None));
    std::iter::from_fn(move || {
        let start = next?;
        let end = skip_space(b, skip_value(b, start));
        next = (b.get(end) == Some(&b',')).then(|| skip_space(b, end + 1));
        Some(start)
    })
}

/// The text of the string at `start..end` (quotes included), unescaped only when it needs it.
fn string_text(text: &str, start: usize, end: usize, escaped: bool) -> Cow<'_, str> {
    let Some(raw) = text.get(start..end) else {
        return Cow::Borrowed("");
    };
    if escaped {
        Cow::Owned(serde_json::from_str(raw).unwrap_or_default())
    } else {
        Cow::Borrowed(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default())
    }
}

/// The tokens of a JSON pointer (RFC 6901), unescaped.
fn tokens(pointer: &str) -> Vec<Cow<'_, str>> {
    pointer
        .split('/')
        .skip(1)
        .map(|it| {
            if it.contains('~') {
                Cow::Owned(it.replace("~1", "/").replace("~0", "~"))
            } else {
                Cow::Borrowed(it)
            }
        })
        .collect()
}

/// A pointer to find: its tokens, and its place in the caller's list.
type Target<'p> = (Vec<Cow<'p, str>>, usize);

/// For each pointer, the byte offset where its value starts in `text`, or where its closest
/// existing ancestor starts when the value is not there (a missing property). One walk of the
/// text serves every pointer, and it enters only the containers on the way to one of them.
pub(crate) fn starts(text: &str, pointers: &[&str]) -> Vec<usize> {
    let targets: Vec<Target<'_>> = pointers
        .iter()
        .enumerate()
        .map(|(i, pointer)| (tokens(pointer), i))
        .collect();
    let mut out = vec![0; pointers.len()];
    let all: Vec<&Target<'_>> = targets.iter().collect();
    let b = text.as_bytes();
    walk(text, skip_space(b, 0), 0, all, &mut out);
    out
}

/// Records `i` for every target (all of which lead through the value that starts there),
/// then follows the ones that go deeper.
fn walk(text: &str, i: usize, depth: usize, targets: Vec<&Target<'_>>, out: &mut [usize]) {
    for target in &targets {
        out[target.1] = i;
    }
    // The targets below this value, ordered by their next token so that the ones under each
    // member are a range.
    let mut deeper: Vec<&Target<'_>> = targets
        .into_iter()
        .filter(|it| it.0.len() > depth)
        .collect();
    if deeper.is_empty() {
        return;
    }
    deeper.sort_by(|a, b| a.0[depth].cmp(&b.0[depth]));
    let below = |token: &str| {
        let from = deeper.partition_point(|it| it.0[depth].as_ref() < token);
        let to = from + deeper[from..].partition_point(|it| it.0[depth].as_ref() == token);
        &deeper[from..to]
    };
    let b = text.as_bytes();
    let (open, close) = match b.get(i) {
        Some(b'{') => (b'{', b'}'),
        Some(b'[') => (b'[', b']'),
        _ => return,
    };
    let mut j = skip_space(b, i + 1);
    let mut index = 0usize;
    let mut digits = String::new();
    while let Some(c) = b.get(j) {
        if *c == close {
            return;
        }
        let found = if open == b'{' {
            let (end, escaped) = skip_string(b, j);
            let key = string_text(text, j, end, escaped);
            j = skip_space(b, end);
            // The `:` after the key.
            j = skip_space(b, j + 1);
            below(&key)
        } else {
            use std::fmt::Write as _;
            digits.clear();
            let _ = write!(digits, "{index}");
            index += 1;
            below(&digits)
        };
        if !found.is_empty() {
            walk(text, j, depth + 1, found.to_vec(), out);
        }
        // Always move on, even past a byte that starts no value (only in text that is not JSON).
        j = skip_space(b, skip_value(b, j).max(j + 1));
        // The `,` between members, or the closing bracket.
        if b.get(j) == Some(&b',') {
            j = skip_space(b, j + 1);
        }
    }
}

/// The offsets of the keys (at their opening quote) of the object that starts at `object`
/// that are equal to `key` once unescaped, at most `limit` of them. Scans the object's members
/// in order, skipping their values.
pub(crate) fn key_starts(text: &str, object: usize, key: &str, limit: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(object) != Some(&b'{') {
        return out;
    }
    let mut j = skip_space(b, object + 1);
    while out.len() < limit && b.get(j) == Some(&b'"') {
        let (end, escaped) = skip_string(b, j);
        if string_text(text, j, end, escaped) == key {
            out.push(j);
        }
        // The `:`, the value, and the `,` after it.
        j = skip_space(b, skip_space(b, end) + 1);
        j = skip_space(b, skip_value(b, j).max(j + 1));
        if b.get(j) == Some(&b',') {
            j = skip_space(b, j + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_found_in_one_walk() {
        let text =
            "{\"a\" : [1, {\"b\":\"x\\\"]\"}, [[]]],\n \"c/d\": {\"~\": null}, \"e\\u0041\": 2}";
        let pointers = [
            "", "/a", "/a/1/b", "/a/2/0", "/c~1d/~0", "/eA", "/a/7", "/a/1/z",
        ];
        let found = starts(text, &pointers);
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            found,
            [
                0,
                at("[1,"),
                at("\"x"),
                at("[]"),
                at("null"),
                at("2}"),
                at("[1,"),
                at("{\"b\""),
            ]
        );
    }

    #[test]
    fn keys_are_found_in_their_object_only() {
        let text = r#"{"a": {"k": 1}, "k": [{"k": 2}], "\u006b": 3, "k": 4}"#;
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(
            key_starts(text, 0, "k", 9),
            [at(r#""k": ["#), at("\"\\u"), at(r#""k": 4"#)]
        );
        assert_eq!(key_starts(text, 0, "k", 1), [at(r#""k": ["#)]);
        assert_eq!(key_starts(text, at("{\"k\": 1"), "k", 9), [at(r#""k": 1"#)]);
        assert_eq!(key_starts(text, at("1}"), "k", 9), Vec::<usize>::new());
    }

    #[test]
    fn broken_text_gives_an_answer_not_a_panic() {
        for text in [
            "",
            "{",
            "{\"a",
            "[1,",
            "{\"a\":",
            "\"\\",
            "}}]]",
            "{\"a\" 1}",
        ] {
            let _ = starts(text, &["/a", "/0/b", ""]);
            let _ = key_starts(text, 0, "a", 2);
            let _ = array_items(text).count();
        }
    }

    #[test]
    fn the_items_of_an_array_are_found_where_they_start() {
        let items = |text: &str| array_items(text).collect::<Vec<_>>();
        assert_eq!(items("[]"), Vec::<usize>::new());
        assert_eq!(items("[ \n ]"), Vec::<usize>::new());
        assert_eq!(items("[1]"), [1]);
        assert_eq!(
            items(r#"[ "a,]", [1, [2]] ,{"k": "]"}, -1.5e3 ]"#),
            [2, 9, 19, 31]
        );
    }
}
