//! One-to-one C identifiers.
//!
//! Global names (functions, struct tags, descriptors, constructors, static
//! objects) are handed out by one registry: each thing (a `Key`) asks for a
//! readable name built from Snow names (`Main_area`, `Main_Shape_Circle`,
//! `snow_ty_List_Int`) and gets it unless another thing already has it; then
//! it gets the first free `NAME_2`, `NAME_3`, .... So two Snow entities
//! never share a C name however their Snow names look (`id` instantiated at
//! Int next to a function `id__Int`, a struct `P_Y` next to variant `Y` of
//! `P`), and ordinary programs keep the plain names.
//!
//! No global can be hidden by a C keyword, a reserved identifier, a macro of
//! the standard headers or a name of `snow.h`: globals start with an ASCII
//! capital (Snow module names) or with `snow_` and contain a small letter,
//! a shape that standard headers do not use (their names are all small
//! letters, all capitals, or start with `_`), and the names `snow.h`
//! declares are taken from the start. Locals (see `local_names`) never
//! start with a capital or `snow_`, so they cannot hide a global either.

use std::collections::{HashMap, HashSet};

use crate::mir::{Func, LocalDecl};
use crate::types::ty::Ty;

/// What a global C name stands for.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    /// MIR function `i`.
    Fn(u32),
    /// The struct of values of a concrete type.
    Type(Ty),
    /// The struct of variant `v` of a sum type.
    Variant(Ty, u32),
    /// Something made for an already named thing: (`what`, its C name).
    Of(&'static str, String),
}

/// The registry of global names.
pub struct Names {
    by_key: HashMap<Key, String>,
    taken: HashSet<String>,
}

impl Default for Names {
    fn default() -> Self {
        let mut taken: HashSet<String> = ["main", "snow_entry", "argc", "argv"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (path, text) in crate::driver::runtime::C_SUPPORT_FILES {
            if path.ends_with(".h") {
                taken.extend(c_identifiers(&String::from_utf8_lossy(text)));
            }
        }
        Names {
            by_key: HashMap::new(),
            taken,
        }
    }
}

impl Names {
    /// The C name of `key`; the first request decides it, from `wanted`.
    pub fn get(&mut self, key: Key, wanted: impl FnOnce() -> String) -> String {
        if let Some(n) = self.by_key.get(&key) {
            return n.clone();
        }
        let base = global_form(&wanted());
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        self.by_key.insert(key, name.clone());
        name
    }
}

/// Every identifier-like word of a C text.
fn c_identifiers(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(str::to_string)
}

/// `s` as an identifier of the global shape (see the module comment).
fn global_form(s: &str) -> String {
    let mut c = ascii_ident(s);
    if !(c.starts_with(|ch: char| ch.is_ascii_uppercase()) || c.starts_with("snow_")) {
        c = format!("U_{c}");
    }
    if !c.chars().any(|ch| ch.is_ascii_lowercase()) {
        c.push_str("_v");
    }
    c
}

/// Characters a C identifier cannot hold become `_`.
fn ascii_ident(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Lower-case names a local or a struct member must not take: C keywords
/// (up to C23, and GNU's), object-like macros of the standard headers, and
/// the identifiers the generated code and `snow.h`'s macros use inside
/// function bodies.
const RESERVED: &[&str] = &[
    "alignas",
    "alignof",
    "asm",
    "auto",
    "bool",
    "break",
    "case",
    "char",
    "const",
    "constexpr",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "false",
    "float",
    "for",
    "fortran",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "noreturn",
    "nullptr",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "struct",
    "switch",
    "thread_local",
    "true",
    "typedef",
    "typeof",
    "typeof_unqual",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    "complex",
    "imaginary",
    "errno",
    "stdin",
    "stdout",
    "stderr",
    "math_errhandling",
    "unix",
    "linux",
    "i386",
    "offsetof",
    "assert",
    "setjmp",
    "va_arg",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "intptr_t",
    "uintptr_t",
    "size_t",
    "ptrdiff_t",
    "fmod",
    "fabs",
    "fmin",
    "fmax",
    "ctx",
    "env",
    "tail",
    "main",
    "o",
];

/// Is `s` usable as it is for a local or member: small ASCII letter first,
/// then letters, digits and single inner `_`, not ending in a digit (the
/// compiler's own locals do), not `snow_...` and not reserved?
fn plain_local(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.contains("__")
        && !s.ends_with(|c: char| c == '_' || c.is_ascii_digit())
        && !s.starts_with("snow")
        && !RESERVED.contains(&s)
}

/// The escaped form of user name `s` with unique index `i`: it ends in
/// `_<digits>`, which no plain name and no compiler local does.
fn escaped_local(s: &str, i: usize) -> String {
    let c = ascii_ident(s);
    if c.starts_with(|ch: char| ch.is_ascii_lowercase()) && !c.starts_with("snow") {
        format!("{c}_{i}")
    } else {
        format!("v{c}_{i}")
    }
}

/// The C name of a struct member for a Snow field `s`, the `i`th.
pub fn member(s: &str, i: usize) -> String {
    if plain_local(s) && s != "snow_h" {
        s.to_string()
    } else {
        escaped_local(s, i)
    }
}

/// C names of a function's locals, one-to-one: compiler temporaries are
/// their base and index (`t12`); a user name stays as written when plain
/// and not yet used in the function, else it is escaped with its index.
pub fn local_names(f: &Func) -> Vec<String> {
    let mut seen = HashSet::new();
    f.locals
        .iter()
        .enumerate()
        .map(|(i, l)| local_name(l, i, &mut seen))
        .collect()
}

fn local_name(l: &LocalDecl, i: usize, seen: &mut HashSet<String>) -> String {
    if !l.user {
        let base: String = l.name.chars().filter(|c| c.is_ascii_lowercase()).collect();
        let base = if base.is_empty() { "t".into() } else { base };
        return format!("{base}{i}");
    }
    if plain_local(&l.name) && seen.insert(l.name.clone()) {
        l.name.clone()
    } else {
        escaped_local(&l.name, i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_names_are_one_to_one_and_safe() {
        let mut n = Names::default();
        let a = n.get(Key::Fn(0), || "Main_id__Int".into());
        let b = n.get(Key::Fn(1), || "Main_id__Int".into());
        assert_eq!((a.as_str(), b.as_str()), ("Main_id__Int", "Main_id__Int_2"));
        assert_eq!(n.get(Key::Fn(0), || "other".into()), "Main_id__Int");
        let c = n.get(Key::Fn(2), || "Main_id__Int_2".into());
        assert_eq!(c, "Main_id__Int_2_2");
        assert_eq!(n.get(Key::Fn(3), || "INT64_MAX".into()), "INT64_MAX_v");
        assert_eq!(n.get(Key::Fn(4), || "_Bool".into()), "U__Bool");
        assert_eq!(n.get(Key::Fn(5), || "snow_alloc".into()), "snow_alloc_2");
        assert_eq!(n.get(Key::Fn(6), || "Main_caf\u{e9}".into()), "Main_caf_");
    }

    #[test]
    fn locals_are_one_to_one() {
        let decl = |name: &str, user: bool| LocalDecl {
            name: name.into(),
            ty: Ty::int(),
            user,
        };
        let mut seen = HashSet::new();
        let names: Vec<String> = [
            decl("t1", true),
            decl("t", false),
            decl("x", true),
            decl("x", true),
            decl("_Bool", true),
            decl("int64_t", true),
            decl("NULL", true),
            decl("snow_str", true),
            decl("x_w", true),
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| local_name(l, i, &mut seen))
        .collect();
        assert_eq!(
            names,
            [
                "t1_0",
                "t1",
                "x",
                "x_3",
                "v_Bool_4",
                "int64_t_5",
                "vNULL_6",
                "vsnow_str_7",
                "x_w"
            ]
        );
    }
}
