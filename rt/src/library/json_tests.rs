//! The one-pass `from_json` decoder against the two-pass definition: for
//! every document, the fast path either gives up or builds a value that
//! encodes exactly like the one the definition builds.

use crate::base::abi::*;
use crate::gc::testutil::*;
use crate::library::json::parse_value;
use crate::library::json_stream::decode_fast;
use crate::library::json_value::{decode_tree, snow_json_encode_value};

fn variant(
    name: &'static core::ffi::CStr,
    tag: i64,
    fields: Vec<&'static SnowType>,
) -> &'static SnowType {
    let offsets = (0..fields.len() as u32).map(|i| 24 + 8 * i).collect();
    let size = 24 + 8 * fields.len() as u32;
    desc(K_VARIANT, F_DEBUG, name, size, fields, offsets, vec![], tag)
}

/// struct Rec { m :: Map<String, Int>, o :: Option<String>, s :: Shape,
/// xs :: List<Float> } with type Shape do Circle(Float) Pair(Int, String) Dot end
fn rec() -> &'static SnowType {
    let map = desc(
        K_MAP,
        F_DEBUG,
        c"Map",
        0,
        vec![&snow_t_String, &snow_t_Int],
        vec![],
        vec![],
        0,
    );
    let opt = desc(
        K_SUM,
        F_OPTION | F_DEBUG,
        c"Option",
        0,
        vec![
            variant(c"Some", 0, vec![&snow_t_String]),
            variant(c"None", 1, vec![]),
        ],
        vec![],
        vec![],
        0,
    );
    let shape = desc(
        K_SUM,
        F_DEBUG,
        c"Shape",
        0,
        vec![
            variant(c"Circle", 0, vec![&snow_t_Float]),
            variant(c"Pair", 1, vec![&snow_t_Int, &snow_t_String]),
            variant(c"Dot", 2, vec![]),
        ],
        vec![],
        vec![],
        0,
    );
    let list = desc(
        K_LIST,
        F_DEBUG,
        c"List",
        0,
        vec![&snow_t_Float],
        vec![],
        vec![],
        0,
    );
    desc(
        K_STRUCT,
        F_DEBUG,
        c"Rec",
        48,
        vec![map, opt, shape, list],
        vec![16, 24, 32, 40],
        vec![c"m", c"o", c"s", c"xs"],
        0,
    )
}

/// The encoding (canonical) and the Debug text (which shows Map insertion
/// order, which the encoding sorts away).
unsafe fn encoded(ctx: *mut Ctx, t: &SnowType, w: Word) -> String {
    let debug = crate::values::fmt::to_bytes(ctx, t, w, crate::values::fmt::Mode::Debug);
    format!(
        "{} {}",
        text(snow_json_encode_value(ctx, t, w)),
        String::from_utf8_lossy(&debug)
    )
}

/// (fast result's encoding, definition's encoding or error)
fn both(text_in: &str) -> (Option<String>, Result<String, String>) {
    with_ctx(true, |ctx| unsafe {
        let t = rec();
        let fast = decode_fast(ctx, t, text_in).map(|w| encoded(ctx, t, w));
        let slow = parse_value(text_in)
            .and_then(|doc| decode_tree(ctx, t, &doc))
            .map(|w| encoded(ctx, t, w));
        (fast, slow)
    })
}

#[test]
fn fast_path_agrees_with_the_definition() {
    let ok = [
        r#"{"m":{"a":1,"b":2},"o":"x","s":{"fields":[1.5],"tag":"Circle"},"xs":[1,2.5]}"#,
        // unsorted and repeated map keys: sorted order, last value wins
        r#"{"m":{"b":2,"a":1,"b":3},"s":{"tag":"Dot"},"xs":[]}"#,
        // tag before fields, extra payload elements, extra members
        r#"{"s":{"tag":"Pair","fields":[4,"y",9],"z":0},"m":{},"o":null,"xs":[],"q":[1]}"#,
        // fields before tag; a repeated struct member (last wins)
        r#"{"s":{"fields":[2.9,"n"],"tag":"Pair"},"m":{},"xs":[1],"xs":[2]}"#,
        // a nullary variant ignores its fields entirely
        r#"{"s":{"fields":{"bad":1},"tag":"Dot"},"m":{"k":-0},"xs":[]}"#,
    ];
    for t in ok {
        let (fast, slow) = both(t);
        assert!(slow.is_ok(), "{t}: {slow:?}");
        assert_eq!(fast.as_ref(), slow.as_ref().ok(), "{t}");
    }
}

#[test]
fn fast_path_gives_up_on_every_error() {
    let bad = [
        r#"{"m":{},"s":{"tag":"Dot"}}"#,
        r#"{"m":{},"s":{"tag":"Nope"},"xs":[]}"#,
        r#"{"m":{},"s":{"tag":"Pair","fields":[1]},"xs":[]}"#,
        r#"{"m":{},"s":{"fields":[1],"tag":"Pair"},"xs":[]}"#,
        r#"{"m":{"a":"x"},"s":{"tag":"Dot"},"xs":[]}"#,
        r#"{"m":{},"s":{"tag":"Dot"},"xs":[true]}"#,
        r#"{"m":{},"s":{"tag":"Dot"},"xs":[]} x"#,
        r#"[]"#,
        // Ints outside the 64-bit range, as integers and as floats
        r#"{"m":{"a":9223372036854775808},"s":{"tag":"Dot"},"xs":[]}"#,
        r#"{"m":{"a":18446744073709551617},"s":{"tag":"Dot"},"xs":[]}"#,
        r#"{"m":{"a":1e300},"s":{"tag":"Dot"},"xs":[]}"#,
        r#"{"m":{"a":-1e30},"s":{"tag":"Dot"},"xs":[]}"#,
        r#"{"m":{"a":9.3e18},"s":{"tag":"Dot"},"xs":[]}"#,
    ];
    for t in bad {
        let (fast, slow) = both(t);
        assert!(slow.is_err(), "{t}");
        assert_eq!(fast, None, "{t}");
    }
}

#[test]
fn ints_out_of_range_are_errors_not_saturated() {
    for t in [
        "9223372036854775808",
        "-9223372036854777856",
        "1e300",
        "-1e30",
    ] {
        let doc = format!(r#"{{"m":{{"a":{t}}},"s":{{"tag":"Dot"}},"xs":[]}}"#);
        let (_, slow) = both(&doc);
        assert_eq!(slow, Err("number out of range for Int".to_string()), "{t}");
    }
    // The edges of the range, and a Float truncated toward zero, still decode.
    let doc = r#"{"m":{"a":9223372036854775807,"b":-9223372036854775808,"c":-9.2e18,"d":-2.9},"s":{"tag":"Dot"},"xs":[]}"#;
    let (fast, slow) = both(doc);
    let want = r#"{"m":{"a":9223372036854775807,"b":-9223372036854775808,"c":-9200000000000000000,"d":-2}"#;
    assert!(slow.as_ref().unwrap().starts_with(want), "{slow:?}");
    assert_eq!(fast.as_ref(), slow.as_ref().ok());
}
