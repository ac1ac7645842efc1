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
];

/// Modules whose functions have flat names (`string_length`).
const FLAT_MODULES: &[&str] = &[
    "String", "List", "Map", "Set", "Tuple", "Range", "Queue", "File", "IO", "Env", "JSON",
];

pub fn lookup(module: &str, name: &str) -> Option<usize> {
    let module = if module == "Json" { "JSON" } else { module };
    RT_FNS
        .iter()
        .position(|f| f.module == module && f.name == name)
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
