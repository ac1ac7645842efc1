//! The pure text algorithms behind the String functions (chapter 03 §3.7),
//! on Rust strings so they can be unit-tested without a heap. Indices and
//! lengths count code points.

/// `String.slice`: code points `start <= i < stop`, both clamped to
/// `[0, length]`; an inverted range is empty.
pub fn slice(s: &str, start: i64, stop: i64) -> &str {
    let len = s.chars().count() as i64;
    let a = start.clamp(0, len) as usize;
    let b = stop.clamp(0, len) as usize;
    if b <= a {
        return "";
    }
    let byte_at = |cp: usize| s.char_indices().nth(cp).map_or(s.len(), |(i, _)| i);
    let from = byte_at(a);
    let to = from
        + s[from..]
            .char_indices()
            .nth(b - a)
            .map_or(s.len() - from, |(i, _)| i);
    &s[from..to]
}

/// `String.replace`: every non-overlapping occurrence, left to right; an
/// empty `from` inserts `to` before every code point and at the end.
pub fn replace(s: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        let mut out = String::with_capacity(s.len() + (s.len() + 1) * to.len());
        for c in s.chars() {
            out.push_str(to);
            out.push(c);
        }
        out.push_str(to);
        return out;
    }
    s.replace(from, to)
}

/// `String.split`: keeps empty pieces; an empty separator yields an empty
/// piece, each code point, and an empty piece.
pub fn split<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    if sep.is_empty() {
        let mut out = vec![""];
        out.extend(s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]));
        out.push("");
        return out;
    }
    s.split(sep).collect()
}

/// `String.to_int`: trimmed, optional sign, one or more ASCII digits, in
/// range. (Rust's `i64::from_str` has exactly this grammar.)
pub fn to_int(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok()
}

/// `String.to_float`: trimmed, then Rust's `f64::from_str` grammar, which
/// also accepts `inf`, `infinity` and `nan` in any case.
pub fn to_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

/// `IO.read_line`'s line ending rule: drop one trailing `\n`, then one `\r`
/// before it.
pub fn strip_line_end(mut line: &[u8]) -> &[u8] {
    if let Some(l) = line.strip_suffix(b"\n") {
        line = l.strip_suffix(b"\r").unwrap_or(l);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_clamps_and_counts_code_points() {
        assert_eq!(slice("abcdef", 1, 4), "bcd");
        assert_eq!(slice("abc", -5, 100), "abc");
        assert_eq!(slice("abc", 2, 1), "");
        assert_eq!(slice("héllo", 1, 3), "él");
        assert_eq!(slice("日本語", 2, 3), "語");
        assert_eq!(slice("", 0, 1), "");
        assert_eq!(slice("abc", 3, 3), "");
        assert_eq!(slice("abc", i64::MIN, i64::MAX), "abc");
    }

    #[test]
    fn replace_cases() {
        assert_eq!(replace("aaa", "aa", "b"), "ba");
        assert_eq!(replace("ab", "", "-"), "-a-b-");
        assert_eq!(replace("", "", "-"), "-");
        assert_eq!(replace("héllo", "l", "L"), "héLLo");
        assert_eq!(replace("abc", "x", "y"), "abc");
    }

    #[test]
    fn split_cases() {
        assert_eq!(split("a,b,,c", ","), ["a", "b", "", "c"]);
        assert_eq!(split("", ","), [""]);
        assert_eq!(split("abc", "x"), ["abc"]);
        assert_eq!(split("ab", ""), ["", "a", "b", ""]);
        assert_eq!(split("é", ""), ["", "é", ""]);
        assert_eq!(split("a--b", "--"), ["a", "b"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(to_int(" 42 "), Some(42));
        assert_eq!(to_int("-0"), Some(0));
        assert_eq!(to_int("+7"), Some(7));
        for bad in [
            "",
            "1_000",
            "0x1F",
            "1e3",
            "12abc",
            "9223372036854775808",
            "+",
            "- 1",
        ] {
            assert_eq!(to_int(bad), None, "{bad}");
        }
        assert_eq!(to_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(to_int("\u{a0}5\u{3000}"), Some(5));
        assert_eq!(to_float(".5"), Some(0.5));
        assert_eq!(to_float("5."), Some(5.0));
        assert_eq!(to_float(" 1e3 "), Some(1000.0));
        assert_eq!(to_float("-2.5E-1"), Some(-0.25));
        assert_eq!(to_float("INF"), Some(f64::INFINITY));
        assert_eq!(to_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(to_float("NaN").unwrap().is_nan());
        for bad in ["bad", "1,5", "0x10", "1_0", "", ".", "e5"] {
            assert_eq!(to_float(bad), None, "{bad}");
        }
    }

    #[test]
    fn line_endings() {
        assert_eq!(strip_line_end(b"alpha\r\n"), b"alpha");
        assert_eq!(strip_line_end(b"beta"), b"beta");
        assert_eq!(strip_line_end(b"x\r"), b"x\r");
        assert_eq!(strip_line_end(b"\n"), b"");
        assert_eq!(strip_line_end(b"a\n\n"), b"a\n");
    }
}
