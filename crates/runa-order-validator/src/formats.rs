//! The two formats the spec asserts: `date-time` (RFC 3339) and `email` (RFC 5321 mailbox).
//!
//! Both follow the behaviour of the reference validator (the `jsonschema` crate with format
//! assertions on), which the differential tests compare against.

use std::{
    net::{Ipv4Addr, Ipv6Addr},
    str::FromStr,
};

/// `date-time` of RFC 3339 §5.6: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with `T`/`Z` in
/// either case. The date must exist; a leap second (`:60`) is only accepted at 23:59 UTC.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't') {
        return false;
    }
    is_date(&b[..10]) && is_time(&b[11..])
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

fn is_date(b: &[u8]) -> bool {
    if b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_time(b: &[u8]) -> bool {
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(&b[..2]), digits(&b[3..5]), digits(&b[6..8]))
    else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &b[8..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    // The offset, as minutes to add to local time to get UTC.
    let to_utc: i32 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (Some(oh), Some(om)) = (digits(&[*h1, *h2]), digits(&[*m1, *m2])) else {
                return false;
            };
            if oh > 23 || om > 59 {
                return false;
            }
            let minutes = (oh * 60 + om) as i32;
            if *sign == b'+' { -minutes } else { minutes }
        }
        _ => return false,
    };
    if second == 60 {
        // A leap second is inserted at the end of a UTC day.
        let utc = ((hour * 60 + minute) as i32 + to_utc).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// `email`: an address the `email_address` crate parses, with an ASCII local part and a
/// domain that is a host name or an IP address literal (`[192.0.2.1]`, `[IPv6:…]`).
pub fn is_email(s: &str) -> bool {
    // Every form `email_address` accepts has an `@`.
    plain_email(s) || (s.contains('@') && full_email(s))
}

/// True for the everyday shape of address, `dot.atom@host.name` in ASCII, which both
/// `email_address` and the host-name rules accept. Anything else (quoted local parts, IP
/// literals, display names, non-ASCII) is decided by [`full_email`], so this shortcut never
/// changes a verdict; it only avoids the general parser's scans and allocation.
fn plain_email(s: &str) -> bool {
    let Some(at) = s.bytes().position(|b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&s.as_bytes()[..at], &s[at + 1..]);
    let atext = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(b);
    !local.is_empty()
        && local.len() <= 64
        && local
            .split(|b| *b == b'.')
            .all(|atom| !atom.is_empty() && atom.iter().all(atext))
        && is_host_name(domain)
}

/// The general check: the `email_address` crate, then the domain.
fn full_email(s: &str) -> bool {
    // RFC 5321 allows an empty quoted local part, which `email_address` refuses.
    if let Some(domain) = s.strip_prefix("\"\"@") {
        return full_email(&format!("\"a\"@{domain}"));
    }
    let Ok(address) = email_address::EmailAddress::from_str(s) else {
        return false;
    };
    if !address.local_part().is_ascii() {
        return false;
    }
    let domain = address.domain();
    match domain.strip_prefix('[').and_then(|it| it.strip_suffix(']')) {
        Some(literal) => match literal.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => {
                Ipv6Addr::from_str(&literal[5..]).is_ok()
            }
            _ => Ipv4Addr::from_str(literal).is_ok(),
        },
        None => is_host_name(domain),
    }
}

/// A host name of RFC 1123: at most 253 characters, dot-separated labels of 1 to 63 letters,
/// digits and hyphens, not starting or ending with a hyphen. A hyphen in both the third and
/// fourth place is reserved for A-labels (`xn--`, RFC 5891), whose Punycode is not decoded here.
fn is_host_name(name: &str) -> bool {
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 253 || b[b.len() - 1] == b'.' {
        return false;
    }
    let label = |l: &[u8]| {
        !l.is_empty()
            && l.len() <= 63
            && l[0] != b'-'
            && l[l.len() - 1] != b'-'
            && (l.len() < 4 || &l[2..4] != b"--" || l[..2].eq_ignore_ascii_case(b"xn"))
    };
    let mut start = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == b'.' {
            if !label(&b[start..i]) {
                return false;
            }
            start = i + 1;
        } else if !(c.is_ascii_alphanumeric() || *c == b'-') {
            return false;
        }
    }
    label(&b[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for ok in [
            "2023-11-14T14:37:54.093824+00:00",
            "2023-11-07T05:31:56Z",
            "2024-02-29t00:00:00z",
            "1998-12-31T23:59:60Z",
            "1998-12-31T15:59:60-08:00",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2023-11-14 14:37:54Z",
            "2023-02-29T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T14:37:54",
            "2023-11-14T14:37:54.Z",
            "2023-11-14T14:37:54+0000",
            "2023-11-14T14:37:60Z",
            "2023-1-14T14:37:54Z",
            "2023-11-14T14:37:54+24:00",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn the_shortcut_agrees_with_the_full_check() {
        for s in [
            "fred@example.com",
            "a.b@c.d",
            "a..b@c.d",
            ".a@c.d",
            "a.@c.d",
            "a@b",
            "a@-b.c",
            "a@b-.c",
            "a@b--c.d",
            "a@xn--b.c",
            "a@b.c.",
            "a@@b.c",
            "a b@c.d",
            "\"a\"@b.c",
            "a@[1.2.3.4]",
            "é@b.c",
            "a@é.c",
            "!#$%&'*+-/=?^_`{|}~@b.c",
            "a@b_c.d",
        ] {
            if plain_email(s) {
                assert!(
                    full_email(s),
                    "{s} passes the shortcut but not the full check"
                );
            }
        }
        let long_local = format!("{}@b.c", "a".repeat(65));
        assert!(!plain_email(&long_local) && !full_email(&long_local));
    }

    #[test]
    fn emails() {
        for ok in [
            "fred@example.com",
            "a.b+c@mail.example.co.uk",
            "x@[192.0.2.1]",
            "x@[IPv6:::1]",
            "\"\"@example.com",
            "x@localhost",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "maria",
            "@example.com",
            "a@",
            "a b@example.com",
            "a@-example.com",
            "a@example..com",
            "a@ab--cd.com",
            "é@example.com",
            "a@example.com.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
