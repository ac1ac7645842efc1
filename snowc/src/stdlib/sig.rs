//! The signature language of the runtime table (`(List<a>, Int) -> a`) and
//! the C prototype each entry's signature and flags call for.

use super::{RtFn, ARG_DESC, NO_CTX, RET_DESC};
use crate::types::ty::{GenId, Opaque, Ty, TyCon, OPTION, ORDERING, RESULT};

/// Local generic parameter `i` of a table signature, numbered from the top
/// so it meets no program's generics (the special forms' signatures in
/// `types::builtins` use the same numbering; instantiation replaces them).
pub fn sig_gen(i: u32) -> GenId {
    GenId(u32::MAX - i)
}

/// The entry's type, with its type variables as `sig_gen(0..n)`; returns
/// the number of variables.
pub fn signature(sig: &str) -> (u32, Ty) {
    let mut p = SigParser {
        s: sig.as_bytes(),
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
        if let Some(o) = Opaque::from_name(&name) {
            return con(TyCon::Opaque(o));
        }
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
            // `Fun(P1, P2) -> R`: a closure argument.
            "Fun" => self.fun(),
            v if v.len() == 1 && v.as_bytes()[0].is_ascii_lowercase() => {
                let i = (v.as_bytes()[0] - b'a') as u32;
                self.nvars = self.nvars.max(i + 1);
                Ty::Gen(sig_gen(i))
            }
            other => panic!("unknown type {other} in a runtime signature"),
        }
    }
}

/// The C type of a table parameter or result: a type variable travels as a
/// word, a compiler-laid-out value (Option, Result, tuples) as `void *`.
pub fn c_type(t: &Ty) -> &'static str {
    match t {
        Ty::Gen(_) => "snow_word",
        Ty::Con(TyCon::Int, _) => "int64_t",
        Ty::Con(TyCon::Float, _) => "double",
        Ty::Con(TyCon::Bool, _) => "bool",
        Ty::Con(TyCon::String, _) => "snow_str *",
        Ty::Con(TyCon::List, _) => "snow_list *",
        Ty::Con(TyCon::Map, _) => "snow_map *",
        Ty::Con(TyCon::Set, _) => "snow_set *",
        Ty::Con(TyCon::Queue, _) => "snow_queue *",
        Ty::Con(TyCon::Range, _) => "snow_range *",
        Ty::Con(TyCon::Json, _) => "snow_json *",
        Ty::Con(TyCon::Pid, _) => "snow_pid",
        Ty::Fun(..) => "snow_closure *",
        _ if t.is_unit() => "void",
        _ => "void *",
    }
}

/// The C parameter types of an entry, in call order: `snow_ctx *` unless
/// `NO_CTX`, the result's then the first argument's descriptor with
/// `RET_DESC` / `ARG_DESC`, then the Snow parameters.
pub fn c_params(f: &RtFn) -> (Vec<&'static str>, &'static str) {
    let (_, t) = signature(f.sig);
    let Ty::Fun(ps, r) = t else {
        unreachable!("signatures are functions")
    };
    let mut out = Vec::new();
    if f.flags & NO_CTX == 0 {
        out.push("snow_ctx *");
    }
    if f.flags & RET_DESC != 0 {
        out.push("const snow_type *");
    }
    if f.flags & ARG_DESC != 0 {
        out.push("const snow_type *");
    }
    out.extend(ps.iter().map(c_type));
    (out, c_type(&r))
}
