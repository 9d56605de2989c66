//! Number formatting as kustomize's output shows numbers.
//!
//! kustomize prints a number after two conversions: Go's `encoding/json` writes the
//! parsed value, then go-yaml v2 re-reads that text (choosing int, uint or float)
//! and prints it with `strconv.FormatFloat(f, 'g', -1, 64)` for floats.
//!
//! Both Go and Rust print the *shortest* decimal digits that read back as the same
//! `f64`, so the digits come from Rust's formatter and only the layout around them
//! (Go's JSON and `'g'` rules) is rebuilt here.

use std::fmt::Write as _;

/// The text kustomize prints for a float value (after the JSON round trip).
///
/// Integral values that fit `i64` or `u64` come back as integers (`1.0` → `1`,
/// `-0.0` → `0`); the rest use Go's `'g'` layout (`1.5`, `1e+20`, `1e-07`,
/// `1.2345675e+06`). Non-finite values, which kustomize refuses to print, give
/// go-yaml's spellings `.nan`, `.inf` and `-.inf`.
pub fn format_float(f: f64) -> String {
    let mut out = String::new();
    write_float(f, &mut out);
    out
}

/// Appends what [`format_float`] returns.
pub(crate) fn write_float(f: f64, out: &mut String) {
    if !f.is_finite() {
        out.push_str(match f {
            f if f.is_nan() => ".nan",
            f if f > 0.0 => ".inf",
            _ => "-.inf",
        });
        return;
    }
    let digits = ShortestDigits::of(f);
    if let Some(int) = digits.json_integer() {
        // go-yaml reads the JSON text back as an int or uint when it fits.
        if let Ok(i) = i64::try_from(int) {
            let _ = write!(out, "{i}");
            return;
        }
        if let Ok(u) = u64::try_from(int) {
            let _ = write!(out, "{u}");
            return;
        }
    }
    digits.write_go_g(out);
}

/// A finite float as its shortest round-tripping decimal digits:
/// `value = ±0.d1d2d3… × 10^point`.
struct ShortestDigits {
    negative: bool,
    /// ASCII digits without leading or trailing zeros ("0" for zero).
    digits: [u8; 17],
    len: usize,
    /// Position of the decimal point relative to the first digit (Go's `dp`).
    point: i32,
}

impl ShortestDigits {
    fn of(f: f64) -> Self {
        Self::nearest(
            format!("{f:e}"),
            |precision| format!("{f:.*e}", precision),
            |text| text.parse::<f64>() == Ok(f),
        )
    }

    /// The same for a float32 (Go's `bitSize` 32): the shortest digits that
    /// read back as the same `f32`.
    fn of_f32(x: f32) -> Self {
        Self::nearest(
            format!("{x:e}"),
            |precision| format!("{x:.*e}", precision),
            |text| text.parse::<f32>() == Ok(x),
        )
    }

    /// `shortest` is Rust's `{:e}`: the shortest round-tripping digits. When
    /// two candidates of that length are equally near the exact value, Rust
    /// and Go may pick differently; Go takes the correctly rounded one (ties
    /// to even), which Rust's fixed-precision formatting (`fixed`) also
    /// produces, so that one wins when it still reads back (`round_trips`).
    fn nearest(
        shortest: String,
        fixed: impl Fn(usize) -> String,
        round_trips: impl Fn(&str) -> bool,
    ) -> Self {
        let len = Self::digit_count(&shortest);
        if len > 1 {
            let rounded = fixed(len - 1);
            if rounded != shortest && round_trips(&rounded) {
                return Self::from_exponent_form(&rounded);
            }
        }
        Self::from_exponent_form(&shortest)
    }

    /// How many mantissa digits `{:e}` text has.
    fn digit_count(text: &str) -> usize {
        text.bytes()
            .take_while(|&b| b != b'e')
            .filter(u8::is_ascii_digit)
            .count()
    }

    /// Reads Rust's `{:e}` text (`-d.ddde-x`).
    fn from_exponent_form(text: &str) -> Self {
        let (mantissa, exponent) = text.split_once('e').expect("`{:e}` always has an exponent");
        let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
        let negative = mantissa.starts_with('-');
        let mut digits = [0u8; 17];
        let mut len = 0;
        for b in mantissa.bytes().filter(u8::is_ascii_digit) {
            digits[len] = b;
            len += 1;
        }
        // Fixed precision keeps trailing zeros the shortest form drops.
        while len > 1 && digits[len - 1] == b'0' {
            len -= 1;
        }
        ShortestDigits {
            negative,
            digits,
            len,
            point: exponent + 1,
        }
    }

    fn digits(&self) -> &[u8] {
        &self.digits[..self.len]
    }

    fn is_zero(&self) -> bool {
        self.digits() == b"0"
    }

    /// The integer Go's JSON encoder writes when its text has no fraction and no
    /// exponent (it uses exponent form only below 1e-6 and from 1e21 on).
    fn json_integer(&self) -> Option<i128> {
        if self.is_zero() {
            return Some(0);
        }
        let exponent = self.point - 1;
        if !(-6..21).contains(&exponent) || self.point < self.len as i32 {
            return None;
        }
        let mut value: i128 = 0;
        for &d in self.digits() {
            value = value * 10 + i128::from(d - b'0');
        }
        for _ in self.len as i32..self.point {
            value *= 10;
        }
        Some(if self.negative { -value } else { value })
    }

    /// `strconv.FormatFloat(f, 'g', -1, 64)`: exponent form when the decimal
    /// exponent is below -4 or at least 6 (Go's fixed threshold for shortest output).
    fn write_go_g(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        let exponent = if self.is_zero() { 0 } else { self.point - 1 };
        if !(-4..6).contains(&exponent) {
            self.write_exponent_form(exponent, out);
        } else {
            self.write_fixed_form(out);
        }
    }

    fn write_exponent_form(&self, exponent: i32, out: &mut String) {
        let digits = self.digits();
        out.push(char::from(digits[0]));
        if digits.len() > 1 {
            out.push('.');
            digits[1..].iter().for_each(|&d| out.push(char::from(d)));
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let _ = write!(out, "{:02}", exponent.unsigned_abs());
    }

    fn write_fixed_form(&self, out: &mut String) {
        let digits = self.digits();
        let point = self.point;
        if point > 0 {
            for i in 0..point as usize {
                out.push(char::from(*digits.get(i).unwrap_or(&b'0')));
            }
        } else {
            out.push('0');
        }
        let fraction = (digits.len() as i32 - point).max(0);
        if fraction > 0 {
            out.push('.');
            for i in 0..fraction {
                let j = point + i;
                let d = if j >= 0 { digits.get(j as usize) } else { None };
                out.push(char::from(*d.unwrap_or(&b'0')));
            }
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` (also what `fmt` prints for
/// `%v`): shortest digits, exponent form (`1e+06`, `1e-05`) when the
/// decimal exponent is below -4 or at least 6; `NaN`, `+Inf`, `-Inf`.
pub fn go_format_g(f: f64) -> String {
    if let Some(special) = go_non_finite(f) {
        return special.to_owned();
    }
    let mut out = String::new();
    ShortestDigits::of(f).write_go_g(&mut out);
    out
}

/// Go's `encoding/json` text for a float64: shortest digits in fixed
/// notation, or exponent form with an unpadded exponent (`1e-7`, `1e+21`)
/// when the magnitude is below 1e-6 or at least 1e21. `None` for NaN and
/// infinities, which it refuses (see [`json_unsupported`]).
pub fn go_json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let digits = ShortestDigits::of(f);
    let mut out = String::new();
    if digits.negative {
        out.push('-');
    }
    let exponent = if digits.is_zero() {
        0
    } else {
        digits.point - 1
    };
    if digits.is_zero() || (-6..21).contains(&exponent) {
        digits.write_fixed_form(&mut out);
    } else {
        digits.write_exponent_form(exponent, &mut out);
        if let Some(at) = out
            .rfind(['-', '+'])
            .filter(|&at| out[at + 1..].starts_with('0'))
        {
            out.remove(at + 1);
        }
    }
    Some(out)
}

/// Go's spelling of a non-finite float (`NaN`, `+Inf`, `-Inf`, as `fmt`,
/// `strconv` and `encoding/json`'s errors print it), or `None` for a finite one.
pub(crate) fn go_non_finite(f: f64) -> Option<&'static str> {
    match f {
        f if f.is_nan() => Some("NaN"),
        f if f == f64::INFINITY => Some("+Inf"),
        f if f == f64::NEG_INFINITY => Some("-Inf"),
        _ => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: `f` rounded to float32, in
/// its shortest round-tripping digits, laid out as `%e` when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `1.2345679e+08`,
/// `1e-05`), else as `%f` (`1000`, `0.33333334`); `+Inf`, `-Inf`, `NaN`.
pub fn go_format_float32(f: f64) -> String {
    let x = f as f32;
    if let Some(special) = go_non_finite(f64::from(x)) {
        return special.to_owned();
    }
    let mut out = String::new();
    ShortestDigits::of_f32(x).write_go_g(&mut out);
    out
}

/// Go's `json.Marshal` refuses infinities and NaN: the message it gives
/// for `f`, or `None` when `f` is finite. kustomize hits it wherever a value
/// goes through JSON (a JSON patch's values, Flux's substituted resources).
pub fn json_unsupported(f: f64) -> Option<String> {
    go_non_finite(f).map(|shown| format!("json: unsupported value: {shown}"))
}

#[cfg(test)]
mod tests {
    use super::format_float;

    #[test]
    fn integral_values_become_integers() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(1000.0), "1000");
        assert_eq!(format_float(-0.0), "0");
        assert_eq!(format_float(0.0), "0");
        assert_eq!(format_float(-12.0), "-12");
        assert_eq!(format_float(1.5e19), "15000000000000000000");
        // JSON writes the shortest digits, so 2^63 reads back as 9223372036854776000.
        assert_eq!(
            format_float(9_223_372_036_854_775_808.0),
            "9223372036854776000"
        );
        // ...and -2^63 as -9223372036854776000, below i64::MIN, so it stays a float.
        assert_eq!(
            format_float(-9_223_372_036_854_775_808.0),
            "-9.223372036854776e+18"
        );
    }

    #[test]
    fn out_of_range_integers_stay_floats() {
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1e21), "1e+21");
        assert_eq!(format_float(-1e19), "-1e+19");
        assert_eq!(
            format_float(1.8446744073709552e19),
            "1.8446744073709552e+19"
        );
        assert_eq!(format_float(1e300), "1e+300");
    }

    #[test]
    fn fractions_use_go_g_layout() {
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(-0.25), "-0.25");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float(0.00001), "1e-05");
        assert_eq!(format_float(1e-7), "1e-07");
        assert_eq!(format_float(123456.5), "123456.5");
        assert_eq!(format_float(1234567.5), "1.2345675e+06");
        assert_eq!(format_float(5e-324), "5e-324");
        assert_eq!(
            format_float(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(format_float(0.1 + 0.2), "0.30000000000000004");
        // Exactly halfway between two 17-digit candidates: Go rounds to even.
        assert_eq!(
            format_float(117_629_715_270_152.0 + 0.125),
            "1.1762971527015212e+14"
        );
    }

    #[test]
    fn non_finite_values_use_yaml_spellings() {
        assert_eq!(format_float(f64::NAN), ".nan");
        assert_eq!(format_float(f64::INFINITY), ".inf");
        assert_eq!(format_float(f64::NEG_INFINITY), "-.inf");
    }

    /// Checked with Go (`strconv.FormatFloat(f, 'g', -1, 64)` and
    /// `json.Marshal`), including ties where the shortest digits have two
    /// equally near candidates and Go takes the correctly rounded one.
    #[test]
    fn go_g_and_json_layouts() {
        use super::{go_format_g, go_json_float};
        assert_eq!(go_format_g(936038335362287.3), "9.360383353622872e+14");
        assert_eq!(
            go_json_float(936038335362287.3).as_deref(),
            Some("936038335362287.2")
        );
        assert_eq!(
            go_json_float(-1737470848118124.3).as_deref(),
            Some("-1737470848118124.2")
        );
        assert_eq!(go_json_float(1e21).as_deref(), Some("1e+21"));
        assert_eq!(go_json_float(1e-7).as_deref(), Some("1e-7"));
        assert_eq!(go_json_float(0.000001).as_deref(), Some("0.000001"));
        assert_eq!(go_json_float(-0.0).as_deref(), Some("-0"));
        assert_eq!(go_json_float(f64::NAN), None);
        assert_eq!(go_format_g(1e6), "1e+06");
        assert_eq!(go_format_g(100000.0), "100000");
        assert_eq!(go_format_g(1234567.0), "1.234567e+06");
        assert_eq!(go_format_g(0.00001), "1e-05");
        assert_eq!(go_format_g(-2.5), "-2.5");
        assert_eq!(go_format_g(0.0), "0");
        assert_eq!(go_format_g(1e21), "1e+21");
        assert_eq!(go_format_g(123.456), "123.456");
        assert_eq!(go_format_g(0.0001), "0.0001");
        assert_eq!(go_format_g(f64::NEG_INFINITY), "-Inf");
    }
}
