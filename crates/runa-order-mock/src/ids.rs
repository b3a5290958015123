//! Identifiers the mock makes up: order, item and payout IDs unique through a counter, and the opaque pagination cursors.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::RngExt;

/// Hands out the numbers that make order IDs unique, from 1.
#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    /// The IDs of a new order.
    pub(crate) fn next_order(&self) -> OrderIds {
        OrderIds(self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// The IDs of one order and of its items: unique through the order's number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrderIds(u64);

impl OrderIds {
    /// The order's ID: `O-` and 26 characters.
    pub(crate) fn order(self) -> String {
        new_id("O-", self.0, 26)
    }

    /// The ID of the item at `index`: `E-` and 12 characters.
    pub(crate) fn item(self, index: usize) -> String {
        new_id("E-", self.item_number(index), 12)
    }

    /// The payout URL of the item at `index`.
    pub(crate) fn payout_url(self, index: usize) -> String {
        format!(
            "https://spend.mock.invalid/{}",
            new_id("", self.item_number(index), 32).to_lowercase()
        )
    }

    fn item_number(self, index: usize) -> u64 {
        self.0
            .saturating_mul(1000)
            .saturating_add(u64::try_from(index).unwrap_or(u64::MAX))
    }
}

/// An ID: `prefix`, then `len` Crockford base-32 characters, unique through `n`.
fn new_id(prefix: &str, n: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let mut tail = Vec::with_capacity(len);
    let mut rest = n;
    for _ in 0..13.min(len) {
        tail.push(ALPHABET[(rest % 32) as usize]);
        rest /= 32;
    }
    tail.reverse();
    while tail.len() < len {
        tail.push(ALPHABET[rng.random_range(0..32)]);
    }
    format!("{prefix}{}", String::from_utf8(tail).expect("ASCII"))
}

/// A pagination cursor. Cursors are opaque to clients; here they are `c` and an order's
/// sequence number in hex.
pub(crate) fn cursor(seq: u64) -> String {
    format!("c{seq:x}")
}

/// The sequence number of a cursor, if it is one.
pub(crate) fn parse_cursor(text: &str) -> Option<u64> {
    u64::from_str_radix(text.strip_prefix('c')?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_through_their_number_and_cursors_read_back() {
        let counter = Counter::default();
        let (one, two) = (counter.next_order(), counter.next_order());
        assert_ne!(one.order()[..15], two.order()[..15]);
        assert!(one.order().starts_with("O-") && one.order().len() == 28);
        assert_ne!(one.item(0)[..14], one.item(1)[..14]);
        assert!(one.payout_url(3).starts_with("https://spend.mock.invalid/"));
        assert_eq!(parse_cursor(&cursor(4711)), Some(4711));
        assert_eq!(parse_cursor("x1"), None);
        assert_eq!(parse_cursor("czz"), None);
    }
}
