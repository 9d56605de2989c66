//! go-yaml v2's map key order (`sorter.go`, `keyList.Less`) for string keys.
//!
//! Keys are compared character by character; at the first difference a letter
//! sorts after a non-letter, two letters compare by code point, and otherwise
//! the digit runs starting there compare as numbers ("a2" < "a10"). Go decides
//! "letter" and "digit" with `unicode.IsLetter` / `unicode.IsDigit`, so non-ASCII
//! characters are looked up in generated Unicode tables.

use super::unicode_tables::{DIGIT, LETTER};

/// Sorts `(key, value)` entries into go-yaml v2's key order.
///
/// `Less` is not guaranteed to be a total order for every key set, and Rust's
/// standard sorts may panic on inconsistent comparators, so this is a plain
/// insertion / merge sort that only ever asks "is b less than a?". Go sorts the
/// keys of a randomly ordered map, so for such key sets any deterministic result
/// is as faithful as another (kubectl's own output varies there).
pub(super) fn sort_entries<T: Copy>(entries: &mut [(&str, T)]) {
    const SMALL: usize = 16;
    if entries.len() <= SMALL {
        insertion_sort(entries);
        return;
    }
    for chunk in entries.chunks_mut(SMALL) {
        insertion_sort(chunk);
    }
    // Bottom-up merges of sorted runs through one scratch buffer.
    let mut scratch = Vec::with_capacity(entries.len());
    let mut width = SMALL;
    while width < entries.len() {
        for start in (0..entries.len()).step_by(2 * width) {
            let mid = (start + width).min(entries.len());
            let end = (start + 2 * width).min(entries.len());
            merge(&mut entries[start..end], mid - start, &mut scratch);
        }
        width *= 2;
    }
}

/// Merges the sorted halves `run[..mid]` and `run[mid..]`, left first on ties.
fn merge<'k, T: Copy>(run: &mut [(&'k str, T)], mid: usize, scratch: &mut Vec<(&'k str, T)>) {
    scratch.clear();
    let (mut l, mut r) = (0, mid);
    while l < mid && r < run.len() {
        if key_less(run[r].0, run[l].0) {
            scratch.push(run[r]);
            r += 1;
        } else {
            scratch.push(run[l]);
            l += 1;
        }
    }
    scratch.extend_from_slice(&run[l..mid]);
    scratch.extend_from_slice(&run[r..]);
    run.copy_from_slice(scratch);
}

fn insertion_sort<T: Copy>(items: &mut [(&str, T)]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key_less(items[j].0, items[j - 1].0) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// go-yaml v2 `keyList.Less` for two string keys.
pub(super) fn key_less(a: &str, b: &str) -> bool {
    let Some(diff) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) else {
        // One is a prefix of the other (or they are equal).
        return a.len() < b.len();
    };
    // Both strings share every byte before `diff`, so they share its char boundary.
    let mut start = diff;
    while !a.is_char_boundary(start) {
        start -= 1;
    }
    let (ar, br) = (&a[start..], &b[start..]);
    let ca = ar.chars().next().expect("differs, so not at the end");
    let cb = br.chars().next().expect("differs, so not at the end");
    match (is_letter(ca), is_letter(cb)) {
        (true, true) => return ca < cb,
        (true, false) => return false,
        (false, true) => return true,
        (false, false) => {}
    }
    // When a zero is involved and a nonzero digit precedes it in the same run,
    // v2 starts both numbers at 1 so that the zero is not treated as leading.
    let seed = if ca == '0' || cb == '0' {
        let before = a[..start].chars().rev().take_while(|&c| is_digit(c));
        i64::from(before.into_iter().any(|c| c != '0'))
    } else {
        0
    };
    let (an, a_run) = digit_run(ar, seed);
    let (bn, b_run) = digit_run(br, seed);
    if an != bn {
        return an < bn;
    }
    if a_run != b_run {
        return a_run < b_run;
    }
    ca < cb
}

/// The value (with Go's wrapping `int64` arithmetic and its `rune - '0'` digit
/// value, even for non-ASCII digits) and length of the digit run starting `s`.
fn digit_run(s: &str, seed: i64) -> (i64, usize) {
    s.chars()
        .take_while(|&c| is_digit(c))
        .fold((seed, 0), |(n, len), c| {
            let digit = i64::from(u32::from(c)) - i64::from(u32::from('0'));
            (n.wrapping_mul(10).wrapping_add(digit), len + 1)
        })
}

/// Go's `unicode.IsLetter`.
fn is_letter(c: char) -> bool {
    match u32::from(c) {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1: ª µ º and the accented letters except × and ÷.
        0x80..=0xFF => matches!(c, 'ª' | 'µ' | 'º' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ÿ'),
        cp => in_table(LETTER, cp),
    }
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: char) -> bool {
    match u32::from(c) {
        0..=0xFF => c.is_ascii_digit(),
        cp => in_table(DIGIT, cp),
    }
}

fn in_table(table: &[(u32, u32)], cp: u32) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&'static str]) -> Vec<&'static str> {
        let mut entries: Vec<(&str, ())> = keys.iter().map(|&k| (k, ())).collect();
        sort_entries(&mut entries);
        entries.into_iter().map(|(k, ())| k).collect()
    }

    #[test]
    fn plain_ascii_order() {
        assert_eq!(
            sorted(&["kind", "apiVersion", "metadata", "data", "spec"]),
            ["apiVersion", "data", "kind", "metadata", "spec"]
        );
        // Upper case letters have smaller code points.
        assert_eq!(sorted(&["b", "B", "a", "A"]), ["A", "B", "a", "b"]);
        // A prefix sorts first.
        assert_eq!(sorted(&["ab", "a", "abc"]), ["a", "ab", "abc"]);
    }

    #[test]
    fn non_letters_sort_before_letters() {
        assert_eq!(
            sorted(&["a", "_a", "1", "-", ".x", "Z", "~"]),
            ["-", ".x", "_a", "~", "1", "Z", "a"]
        );
        assert_eq!(
            sorted(&["a.b", "ab", "a-b", "a_b"]),
            ["a-b", "a.b", "a_b", "ab"]
        );
    }

    #[test]
    fn digit_runs_compare_numerically() {
        assert_eq!(
            sorted(&["a10", "a2", "a1", "a02", "a010"]),
            ["a1", "a2", "a02", "a10", "a010"]
        );
        assert_eq!(sorted(&["10", "9", "100", "09"]), ["9", "09", "10", "100"]);
        assert_eq!(sorted(&["x1y", "x1", "x01"]), ["x1", "x1y", "x01"]);
        // A zero after a nonzero digit is not a leading zero.
        assert_eq!(sorted(&["a100", "a19"]), ["a19", "a100"]);
        // At the first difference a digit is a non-letter, so it sorts first.
        assert_eq!(sorted(&["a10", "a1a", "a1"]), ["a1", "a10", "a1a"]);
        assert_eq!(sorted(&["1.10", "1.9", "1.09"]), ["1.9", "1.09", "1.10"]);
    }

    #[test]
    fn unicode_letters_and_digits() {
        assert!(is_letter('é') && is_letter('ж') && is_letter('中') && is_letter('ª'));
        assert!(!is_letter('×') && !is_letter('÷') && !is_letter('😀') && !is_letter('Ⅻ'));
        assert!(is_digit('٣') && is_digit('０') && !is_digit('²') && !is_digit('Ⅻ'));
        // Letters after ASCII letters by code point; symbols before letters.
        assert_eq!(
            sorted(&["été", "ete", "😀", "z"]),
            ["😀", "ete", "z", "été"]
        );
    }

    #[test]
    fn large_key_sets_sort_like_small_ones() {
        let keys: Vec<String> = (0..200).rev().map(|i| format!("key{i}")).collect();
        let mut entries: Vec<(&str, usize)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        sort_entries(&mut entries);
        let expected: Vec<String> = (0..200).map(|i| format!("key{i}")).collect();
        let got: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
        assert_eq!(got, expected);
    }
}
