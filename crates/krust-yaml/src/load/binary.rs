//! `!!binary` scalars: go-yaml v3 base64-decodes them into a Go string, and
//! kustomize's JSON step then replaces each invalid UTF-8 byte with U+FFFD.

/// Go's `base64.StdEncoding.DecodeString`: standard alphabet, padding
/// required, `\r` and `\n` ignored anywhere, non-zero trailing bits accepted.
///
/// Public as the one home of this rule: besides `!!binary` scalars, it is how
/// Go's `encoding/json` decodes a `[]byte` field such as a Secret's `data`
/// (which krust-flux reads for `postBuild.substituteFrom`).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quanta = symbols.len() / 4;
    for (index, quantum) in symbols.chunks_exact(4).enumerate() {
        let padding = quantum.iter().rev().take_while(|&&c| c == b'=').count();
        // Padding may only end the final quantum, and at most two `=` fit.
        if padding > 2 || (padding > 0 && index + 1 != quanta) {
            return None;
        }
        let mut bits: u32 = 0;
        for &c in &quantum[..4 - padding] {
            bits = (bits << 6) | u32::from(sextet(c)?);
        }
        bits <<= 6 * padding;
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    Some(out)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Bytes to text as Go's `encoding/json` writes a Go string: every byte that
/// does not begin a valid UTF-8 sequence becomes one U+FFFD.
pub(crate) fn go_lossy_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid` is valid UTF-8 by construction of `valid_up_to`.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                bytes = &rest[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_padded_and_wrapped_input() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            decode_base64("aGVs\nbG8=\n").as_deref(),
            Some(&b"hello"[..])
        );
        assert_eq!(decode_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aA==").as_deref(), Some(&b"h"[..]));
        assert_eq!(decode_base64("").as_deref(), Some(&b""[..]));
        assert_eq!(
            decode_base64("//79").as_deref(),
            Some(&[0xff, 0xfe, 0xfd][..])
        );
        // Go's non-strict decoding ignores non-zero trailing bits.
        assert_eq!(decode_base64("aB==").as_deref(), Some(&b"h"[..]));
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in ["aGVsbG8", "a===", "aGk=aGk=", "aG=k", "aGVs bG8=", "****"] {
            assert_eq!(decode_base64(bad), None, "{bad}");
        }
    }

    #[test]
    fn replaces_each_invalid_byte() {
        assert_eq!(
            go_lossy_utf8(&[0xff, 0xfe, 0xfd]),
            "\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(go_lossy_utf8(&[0xe2, 0x82, b'A']), "\u{fffd}\u{fffd}A");
        assert_eq!(go_lossy_utf8(&[0xe2, 0xe2, 0x82, 0xac]), "\u{fffd}€");
        assert_eq!(go_lossy_utf8(b"plain"), "plain");
    }
}
