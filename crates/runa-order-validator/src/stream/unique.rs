//! `uniqueItems` on text: the first pair of equal items of an array, found with a table of the items' places in the array's text.
//!
//! The items are not kept: the table holds each distinct item's offset in the array's text
//! (4 bytes, or 8 in an array of 4 GiB or more), indexed by the hash of the item's canonical
//! form (`rt::hash_value`, so `1` equals `1.0` and members compare whatever their order), and
//! an item is read again from the text only to compare it with a new item of the same hash.
//! The table is sized once, from the number of items (a byte scan of the array), so it never
//! grows: with the table's control bytes and its free quarter, that is 6 to 11 bytes per
//! item, 2.3 times the text at most for the shortest distinct items (`"ab",`, 5 bytes).
//! Time is expected linear in the array: one scan to count, one reading of each item, and
//! one comparison per earlier item of the same hash (the hash has random keys).

use std::hash::RandomState;

use hashbrown::{HashTable, hash_table::Entry};
use serde::de::{DeserializeSeed, Deserializer};
use serde_json::{Value, de::StrRead, value::RawValue};

use super::{Strict, invalid, lift, note_read_again};
use crate::{rt, scan};

/// Reads a value for a seed whose arrays have `uniqueItems`: the value is captured as text,
/// read with `read` (the seed's own checks: items, counts, other JSON types), and, when it
/// is an array, refused if two of its items are equal.
pub fn distinct_items<'de, D, F>(deserializer: D, read: F) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&mut serde_json::Deserializer<StrRead<'de>>) -> Result<(), serde_json::Error>,
{
    let raw = <&'de RawValue as serde::Deserialize<'de>>::deserialize(deserializer)?;
    note_read_again(raw.get());
    let mut de = serde_json::Deserializer::from_str(raw.get());
    // The items' checks first: an array of bad items fails before any is hashed.
    lift(read(&mut de))?;
    match first_duplicate(raw) {
        Ok(None) => Ok(()),
        _ => Err(invalid()),
    }
}

/// The indices of the first two equal items of `raw` (the second is the first item equal to
/// an earlier one), or `None` when its items are distinct or it is not an array. Fails when
/// an item is not JSON (a repeated key), which text read before has ruled out.
pub fn first_duplicate(raw: &RawValue) -> Result<Option<(usize, usize)>, serde_json::Error> {
    let text = raw.get();
    if !text.starts_with('[') {
        return Ok(None);
    }
    if u32::try_from(text.len()).is_ok() {
        find::<u32>(text)
    } else {
        find::<u64>(text)
    }
}

/// An offset in the array's text, as the table keeps it.
trait Offset: Copy {
    fn of(at: usize) -> Self;
    fn at(self) -> usize;
}

impl Offset for u32 {
    // Only used for text shorter than 4 GiB.
    fn of(at: usize) -> u32 {
        at as u32
    }
    fn at(self) -> usize {
        self as usize
    }
}

impl Offset for u64 {
    fn of(at: usize) -> u64 {
        at as u64
    }
    fn at(self) -> usize {
        self as usize
    }
}

fn find<O: Offset>(text: &str) -> Result<Option<(usize, usize)>, serde_json::Error> {
    let count = scan::array_items(text).count();
    let state = RandomState::new();
    let mut table: HashTable<O> = HashTable::with_capacity(count);
    // The item that starts at `at`, read again from the text (one value, nothing after it).
    let item = |at: usize| -> Result<Value, serde_json::Error> {
        Strict.deserialize(&mut serde_json::Deserializer::from_str(&text[at..]))
    };
    for (j, start) in scan::array_items(text).enumerate() {
        let value = item(start)?;
        let hash = rt::hash_value(&value, &state);
        let entry = table.entry(
            hash,
            |earlier| item(earlier.at()).is_ok_and(|it| rt::json_equal(&it, &value)),
            // Never called: the table was sized for every item.
            |earlier| item(earlier.at()).map_or(0, |it| rt::hash_value(&it, &state)),
        );
        match entry {
            Entry::Occupied(found) => {
                let earlier = found.get().at();
                let i = scan::array_items(text)
                    .take_while(|it| *it < earlier)
                    .count();
                return Ok(Some((i, j)));
            }
            Entry::Vacant(place) => {
                place.insert(O::of(start));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(text: &str) -> Option<(usize, usize)> {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        first_duplicate(&raw).unwrap()
    }

    #[test]
    fn the_first_repeat_is_found_under_json_equality() {
        assert_eq!(duplicate("[]"), None);
        assert_eq!(duplicate("[1]"), None);
        assert_eq!(duplicate(r#"[1, "1", [1], {"a": 1}, true, null]"#), None);
        assert_eq!(duplicate("[1, 2, 1.0]"), Some((0, 2)));
        assert_eq!(duplicate("[ 0 , 1e0 , 10e-1 ]"), Some((1, 2)));
        assert_eq!(
            duplicate(r#"["x", {"a": [1, {"b": 2}], "c": 3}, {"c": 3.0, "a": [1e0, {"b": 2}]}]"#),
            Some((1, 2))
        );
        assert_eq!(duplicate(r#"["a\"b", "a\u0022b"]"#), Some((0, 1)));
        assert_eq!(duplicate(r#"{"a": [1, 1]}"#), None);
        assert_eq!(duplicate(r#""[1, 1]""#), None);
    }
}
