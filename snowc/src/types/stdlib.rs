//! The table of standard-library functions implemented in the runtime.
//!
//! One entry per function; the checker, lowering and C emission treat every
//! entry alike, so adding a runtime function means adding a line here, its
//! declaration in `c-support/snow.h` and its definition in `rt/`.
//!
//! C calling convention of an entry `c_name`:
//! `R c_name(snow_ctx *ctx, [const snow_type *ret_desc,] P1 p1, ...)` where a
//! parameter or result whose declared type is a type variable (`a`..`e`) is
//! a `snow_word`, and every other type has its natural C type (`int64_t`,
//! `double`, `bool`, `snow_str *`, `snow_list *`, a struct pointer for
//! Option/Result/tuples, `snow_unit` for `()`). With `RET_DESC`, the
//! descriptor of the call's concrete result type is passed, which is how the
//! runtime builds compiler-laid-out values (`Option<T>`, tuples, lists of
//! them).

use super::ty::{GenId, Ty, TyCon, OPTION, ORDERING, RESULT};

/// Pass the result type's descriptor after `ctx`.
pub const RET_DESC: u8 = 1;
/// May panic: the call site's location is stored in `ctx->loc` first.
pub const MAY_PANIC: u8 = 2;
/// Does not take `ctx` (pure leaf functions).
pub const NO_CTX: u8 = 4;
/// A constant written without parentheses (`Math.pi`): the signature is
/// `() -> T` and the value is the call's result.
pub const CONST: u8 = 8;
/// Pass the descriptor of the first argument's concrete type after `ctx`
/// (and after the result's, with `RET_DESC`).
pub const ARG_DESC: u8 = 16;
/// The type variable `a` must be JSON-serialisable (§3.16.2).
pub const SERIAL: u8 = 32;

pub struct RtFn {
    pub module: &'static str,
    pub name: &'static str,
    pub c_name: &'static str,
    /// `(P1, P2) -> R` over Int Float Bool String () List<T> Map<K, V>
    /// Set<T> Queue<T> Range Option<T> Result<T, E> Ordering, tuples, and
    /// type variables `a`..`e`.
    pub sig: &'static str,
    pub flags: u8,
}

macro_rules! rt {
    ($m:literal, $n:literal, $c:literal, $s:literal) => {
        RtFn {
            module: $m,
            name: $n,
            c_name: $c,
            sig: $s,
            flags: 0,
        }
    };
    ($m:literal, $n:literal, $c:literal, $s:literal, $f:expr) => {
        RtFn {
            module: $m,
            name: $n,
            c_name: $c,
            sig: $s,
            flags: $f,
        }
    };
}

pub const RT_FNS: &[RtFn] = &[
    rt!("Timer", "sleep", "snow_sleep", "(Int) -> ()"),
    rt!("Process", "register", "snow_register", "(String) -> Bool"),
    rt!(
        "Process",
        "whereis",
        "snow_process_whereis",
        "(String) -> Option<Pid>",
        RET_DESC
    ),
    rt!(
        "String",
        "length",
        "snow_str_length",
        "(String) -> Int",
        NO_CTX
    ),
    rt!(
        "List",
        "head",
        "snow_list_head",
        "(List<a>) -> a",
        MAY_PANIC
    ),
    rt!(
        "List",
        "last",
        "snow_list_last",
        "(List<a>) -> a",
        MAY_PANIC
    ),
    rt!(
        "List",
        "get",
        "snow_list_get",
        "(List<a>, Int) -> a",
        MAY_PANIC
    ),
    rt!(
        "List",
        "nth",
        "snow_list_get",
        "(List<a>, Int) -> a",
        MAY_PANIC
    ),
    rt!(
        "List",
        "tail",
        "snow_list_tail",
        "(List<a>) -> List<a>",
        MAY_PANIC
    ),
    rt!(
        "List",
        "append",
        "snow_list_append",
        "(List<a>, a) -> List<a>"
    ),
    rt!(
        "List",
        "prepend",
        "snow_list_prepend",
        "(List<a>, a) -> List<a>"
    ),
    rt!(
        "List",
        "concat",
        "snow_list_concat",
        "(List<a>, List<a>) -> List<a>"
    ),
    rt!(
        "List",
        "reverse",
        "snow_list_reverse",
        "(List<a>) -> List<a>"
    ),
    // String (§3.7)
    rt!(
        "String",
        "slice",
        "snow_str_slice",
        "(String, Int, Int) -> String"
    ),
    rt!(
        "String",
        "contains",
        "snow_str_contains",
        "(String, String) -> Bool",
        NO_CTX
    ),
    rt!(
        "String",
        "starts_with",
        "snow_str_starts_with",
        "(String, String) -> Bool",
        NO_CTX
    ),
    rt!(
        "String",
        "ends_with",
        "snow_str_ends_with",
        "(String, String) -> Bool",
        NO_CTX
    ),
    rt!(
        "String",
        "is_empty",
        "snow_str_is_empty",
        "(String) -> Bool",
        NO_CTX
    ),
    rt!("String", "trim", "snow_str_trim", "(String) -> String"),
    rt!(
        "String",
        "to_upper",
        "snow_str_to_upper",
        "(String) -> String"
    ),
    rt!(
        "String",
        "to_lower",
        "snow_str_to_lower",
        "(String) -> String"
    ),
    rt!(
        "String",
        "replace",
        "snow_str_replace",
        "(String, String, String) -> String"
    ),
    rt!(
        "String",
        "split",
        "snow_str_split",
        "(String, String) -> List<String>",
        RET_DESC
    ),
    rt!(
        "String",
        "chars",
        "snow_str_chars",
        "(String) -> List<String>",
        RET_DESC
    ),
    rt!(
        "String",
        "join",
        "snow_str_join",
        "(List<String>, String) -> String"
    ),
    rt!(
        "String",
        "to_int",
        "snow_str_to_int",
        "(String) -> Option<Int>",
        RET_DESC
    ),
    rt!(
        "String",
        "to_float",
        "snow_str_to_float",
        "(String) -> Option<Float>",
        RET_DESC
    ),
    // IO, Env, File (§3.4–§3.6)
    rt!(
        "IO",
        "read_line",
        "snow_io_read_line",
        "() -> Result<String, String>",
        RET_DESC
    ),
    rt!(
        "Env",
        "get",
        "snow_env_get",
        "(String) -> Option<String>",
        RET_DESC
    ),
    rt!(
        "Env",
        "args",
        "snow_env_args",
        "() -> List<String>",
        RET_DESC
    ),
    rt!(
        "File",
        "read",
        "snow_file_read",
        "(String) -> Result<String, String>",
        RET_DESC
    ),
    rt!(
        "File",
        "write",
        "snow_file_write",
        "(String, String) -> Result<(), String>",
        RET_DESC
    ),
    rt!(
        "File",
        "append",
        "snow_file_append",
        "(String, String) -> Result<(), String>",
        RET_DESC
    ),
    rt!(
        "File",
        "exists",
        "snow_file_exists",
        "(String) -> Bool",
        NO_CTX
    ),
    rt!(
        "File",
        "delete",
        "snow_file_delete",
        "(String) -> Result<(), String>",
        RET_DESC
    ),
    // List, Map, Set, Range (§3.8–§3.12)
    rt!(
        "List",
        "is_empty",
        "snow_list_is_empty",
        "(List<a>) -> Bool",
        NO_CTX
    ),
    rt!(
        "Map",
        "keys",
        "snow_map_keys",
        "(Map<a, b>) -> List<a>",
        RET_DESC
    ),
    rt!(
        "Map",
        "values",
        "snow_map_values",
        "(Map<a, b>) -> List<b>",
        RET_DESC
    ),
    rt!(
        "Map",
        "merge",
        "snow_map_merge",
        "(Map<a, b>, Map<a, b>) -> Map<a, b>"
    ),
    rt!(
        "Map",
        "to_list",
        "snow_map_to_list",
        "(Map<a, b>) -> List<(a, b)>",
        RET_DESC
    ),
    rt!(
        "Map",
        "from_list",
        "snow_map_from_list",
        "(List<(a, b)>) -> Map<a, b>",
        RET_DESC
    ),
    rt!(
        "Map",
        "find",
        "snow_map_find",
        "(Map<a, b>, a) -> Option<b>",
        RET_DESC
    ),
    rt!("Map", "get_or", "snow_map_get_or", "(Map<a, b>, a, b) -> b"),
    rt!(
        "Set",
        "union",
        "snow_set_union",
        "(Set<a>, Set<a>) -> Set<a>"
    ),
    rt!(
        "Set",
        "intersection",
        "snow_set_intersection",
        "(Set<a>, Set<a>) -> Set<a>"
    ),
    rt!(
        "Set",
        "difference",
        "snow_set_difference",
        "(Set<a>, Set<a>) -> Set<a>"
    ),
    rt!(
        "Set",
        "to_list",
        "snow_set_to_list",
        "(Set<a>) -> List<a>",
        RET_DESC
    ),
    rt!(
        "Set",
        "from_list",
        "snow_set_from_list",
        "(List<a>) -> Set<a>",
        RET_DESC
    ),
    rt!(
        "Range",
        "length",
        "snow_range_length",
        "(Range) -> Int",
        NO_CTX
    ),
    rt!(
        "Range",
        "to_list",
        "snow_range_to_list",
        "(Range) -> List<Int>",
        RET_DESC
    ),
    // Queue (§3.13)
    rt!("Queue", "new", "snow_queue_new", "() -> Queue<a>", RET_DESC),
    rt!(
        "Queue",
        "push",
        "snow_queue_push",
        "(Queue<a>, a) -> Queue<a>"
    ),
    rt!(
        "Queue",
        "pop",
        "snow_queue_pop",
        "(Queue<a>) -> (a, Queue<a>)",
        RET_DESC | MAY_PANIC
    ),
    rt!(
        "Queue",
        "peek",
        "snow_queue_peek",
        "(Queue<a>) -> a",
        MAY_PANIC
    ),
    rt!(
        "Queue",
        "size",
        "snow_queue_size",
        "(Queue<a>) -> Int",
        NO_CTX
    ),
    rt!(
        "Queue",
        "is_empty",
        "snow_queue_is_empty",
        "(Queue<a>) -> Bool",
        NO_CTX
    ),
    // Math (§3.14)
    rt!(
        "Math",
        "pow",
        "snow_math_pow",
        "(Float, Float) -> Float",
        NO_CTX
    ),
    rt!("Math", "sqrt", "snow_math_sqrt", "(Float) -> Float", NO_CTX),
    rt!("Math", "floor", "snow_math_floor", "(Float) -> Int", NO_CTX),
    rt!("Math", "ceil", "snow_math_ceil", "(Float) -> Int", NO_CTX),
    rt!("Math", "round", "snow_math_round", "(Float) -> Int", NO_CTX),
    rt!("Math", "pi", "snow_math_pi", "() -> Float", NO_CTX | CONST),
    // JSON (§3.16)
    rt!(
        "JSON",
        "parse",
        "snow_json_parse",
        "(String) -> Result<Json, String>",
        RET_DESC
    ),
    rt!("JSON", "encode", "snow_json_encode", "(Json) -> String"),
    // `Json.encode` takes any serialisable value; `JSON.encode` only a Json.
    rt!(
        "Json",
        "encode",
        "snow_json_encode_value",
        "(a) -> String",
        ARG_DESC | SERIAL
    ),
    // `T.from_json` of a type deriving Json (resolved by the checker).
    rt!(
        "Json",
        "__decode",
        "snow_json_decode",
        "(String) -> Result<a, String>",
        RET_DESC | SERIAL
    ),
    rt!(
        "JSON",
        "encode_string",
        "snow_json_encode_string",
        "(String) -> String"
    ),
    rt!(
        "JSON",
        "encode_int",
        "snow_json_encode_int",
        "(Int) -> String"
    ),
    rt!(
        "JSON",
        "encode_bool",
        "snow_json_encode_bool",
        "(Bool) -> String"
    ),
    rt!(
        "JSON",
        "encode_float",
        "snow_json_encode_float",
        "(Float) -> String"
    ),
    rt!(
        "JSON",
        "encode_map",
        "snow_json_encode_map",
        "(Map<String, String>) -> String"
    ),
    rt!(
        "JSON",
        "encode_list",
        "snow_json_encode_list",
        "(List<String>) -> String"
    ),
];

/// Modules whose functions have flat names (`string_length`).
const FLAT_MODULES: &[&str] = &[
    "String", "List", "Map", "Set", "Tuple", "Range", "Queue", "File", "IO", "Env", "JSON",
];

pub fn lookup(module: &str, name: &str) -> Option<usize> {
    let find = |module: &str| {
        RT_FNS
            .iter()
            .position(|f| f.module == module && f.name == name)
    };
    // `Json` has its own `encode`; everything else it shares with `JSON`.
    find(module).or_else(|| (module == "Json").then(|| find("JSON")).flatten())
}

/// The entry behind `T.from_json`.
pub fn json_decode() -> usize {
    lookup("Json", "__decode").expect("table has Json.__decode")
}

/// `string_length` → `String.length`.
pub fn lookup_flat(flat: &str) -> Option<usize> {
    FLAT_MODULES.iter().find_map(|m| {
        let rest = flat.strip_prefix(&format!("{}_", m.to_lowercase()))?;
        lookup(m, rest)
    })
}

/// Local generic parameter `i` of a table signature (the same numbering as
/// the other built-in signatures).
pub fn sig_gen(i: u32) -> GenId {
    super::builtins::local_gen(i)
}

/// The entry's type, with its type variables as `sig_gen(0..n)`; returns
/// the number of variables.
pub fn signature(i: usize) -> (u32, Ty) {
    let mut p = SigParser {
        s: RT_FNS[i].sig.as_bytes(),
        pos: 0,
        nvars: 0,
    };
    let t = p.fun();
    (p.nvars, t)
}

struct SigParser<'s> {
    s: &'s [u8],
    pos: usize,
    nvars: u32,
}

impl SigParser<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos] == b' ' {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> String {
        self.ws();
        let start = self.pos;
        while self.pos < self.s.len() && (self.s[self.pos] as char).is_ascii_alphanumeric() {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.pos]).into_owned()
    }
    fn list(&mut self, close: u8) -> Vec<Ty> {
        let mut out = Vec::new();
        if self.eat(close) {
            return out;
        }
        loop {
            out.push(self.ty());
            if self.eat(close) {
                return out;
            }
            assert!(self.eat(b','), "bad runtime signature");
        }
    }
    fn fun(&mut self) -> Ty {
        assert!(self.eat(b'('), "signature starts with (");
        let ps = self.list(b')');
        self.ws();
        assert!(self.eat(b'-') && self.eat(b'>'), "signature has ->");
        let r = self.ty();
        Ty::Fun(ps, Box::new(r))
    }
    fn ty(&mut self) -> Ty {
        if self.eat(b'(') {
            let ts = self.list(b')');
            return if ts.len() == 1 {
                ts.into_iter().next().expect("one")
            } else {
                Ty::Tuple(ts)
            };
        }
        let name = self.ident();
        let args = if self.eat(b'<') {
            self.list(b'>')
        } else {
            vec![]
        };
        let con = |c| Ty::Con(c, args.clone());
        match name.as_str() {
            "Int" => con(TyCon::Int),
            "Float" => con(TyCon::Float),
            "Bool" => con(TyCon::Bool),
            "String" => con(TyCon::String),
            "List" => con(TyCon::List),
            "Map" => con(TyCon::Map),
            "Set" => con(TyCon::Set),
            "Queue" => con(TyCon::Queue),
            "Range" => con(TyCon::Range),
            "Pid" => con(TyCon::Pid),
            "Option" => con(TyCon::Adt(OPTION)),
            "Result" => con(TyCon::Adt(RESULT)),
            "Ordering" => con(TyCon::Adt(ORDERING)),
            "Json" => con(TyCon::Json),
            v if v.len() == 1 && v.as_bytes()[0].is_ascii_lowercase() => {
                let i = (v.as_bytes()[0] - b'a') as u32;
                self.nvars = self.nvars.max(i + 1);
                Ty::Gen(sig_gen(i))
            }
            other => panic!("unknown type {other} in a runtime signature"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signature_parses() {
        for (i, f) in RT_FNS.iter().enumerate() {
            let (_, t) = signature(i);
            assert!(matches!(t, Ty::Fun(..)), "{}", f.sig);
        }
    }

    #[test]
    fn flat_names() {
        assert_eq!(lookup_flat("string_length"), lookup("String", "length"));
        assert!(lookup_flat("list_head").is_some());
        assert!(lookup_flat("nope").is_none());
    }
}
