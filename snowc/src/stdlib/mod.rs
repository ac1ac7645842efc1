//! The standard library's runtime functions and modules: the one
//! description every stage reads (the checker for names and signatures,
//! MIR for the call, C emission for the arguments, `stdlib_doc` for the
//! reference, the tests for `c-support/snow.h` and `rt/`).
//!
//! A function that is a plain C call into the runtime is one line of
//! `table::RT_FNS`: module, name, C name, signature and flags. Its flat
//! name (`string_length`) comes from its module (`modules::MODULES`), its
//! C prototype from its signature and flags (`sig::c_params`), which
//! `tests.rs` checks against `snow.h` and the `#[no_mangle]` bodies in
//! `rt/src`. Adding a function: a table line, its Rust body, its prototype
//! in `snow.h` and a line of prose in `docs/reference/stdlib-functions.txt`
//! (the tests name whatever is missing).
//!
//! C calling convention of an entry `c_name`:
//! `R c_name(snow_ctx *ctx, [const snow_type *ret_desc,] [const snow_type
//! *arg_desc,] P1 p1, ...)` where a parameter or result whose declared type
//! is a type variable (`a`..`e`) is a `snow_word`, and every other type has
//! its natural C type (`int64_t`, `double`, `bool`, `snow_str *`,
//! `snow_list *`, `void *` for Option/Result/tuples, `void` for `()`).
//! With `RET_DESC`, the descriptor of the call's concrete result type is
//! passed, which is how the runtime builds compiler-laid-out values
//! (`Option<T>`, tuples, lists of them).
//!
//! What stays a special form (`types::tast::Builtin`, lowered by `mir`),
//! because it is not one C call at one signature:
//! - protocol dispatch: `to_string`, `inspect`, `hash`, `compare` hold for
//!   any type through its Display/Debug/Hash/Ord implementation (the
//!   checker adds the obligation; `String`'s `to_string` is the string
//!   itself, `compare` builds an `Ordering`);
//! - inline C chosen by type: `Math.abs/min/max` on Int or Float;
//! - typed per arity by the checker: `Tuple.first/second/nth/size`;
//! - generated C: `List.sort` (a merge sort per element type calling the
//!   comparator closure with natural C arguments);
//! - process control: `self`, `spawn`, `send`, `link`,
//!   `Timer.send_after`, services, supervisors and `Job` (entry functions,
//!   message descriptors, desugared bodies).
//!
//! The MIR keeps its own operations for language forms (literals,
//! interpolation, `for` loops, `receive`, pattern tests) and calls table
//! entries for everything the table has (`List.head` in a `[h | t]`
//! pattern is the table's `List.head`).

mod modules;
mod sig;
mod table;
#[cfg(test)]
mod tests;

pub use modules::{protocol_receiver, Module, MODULES};
pub use sig::{c_params, c_type, sig_gen, signature};
pub use table::RT_FNS;

/// Pass the result type's descriptor after `ctx`.
pub const RET_DESC: u16 = 1;
/// May panic: the call site's location is stored in `ctx->loc` first (and
/// the function as a value gets a wrapper per use site).
pub const MAY_PANIC: u16 = 2;
/// Does not take `ctx` (pure leaf functions).
pub const NO_CTX: u16 = 4;
/// A constant written without parentheses (`Math.pi`): the signature is
/// `() -> T` and the value is the call's result.
pub const CONST: u16 = 8;
/// Pass the descriptor of the first argument's concrete type after `ctx`
/// (and after the result's, with `RET_DESC`).
pub const ARG_DESC: u16 = 16;
/// The type variable `a` must be JSON-serialisable (§3.16.2).
pub const SERIAL: u16 = 32;
/// Also a bare global name (`println` is `IO.println`).
pub const GLOBAL: u16 = 64;
/// No flat name although the module has them (`io_println` is not a name).
pub const NO_FLAT: u16 = 128;

/// One runtime function.
pub struct RtFn {
    pub module: &'static str,
    /// `__` names are internal (not reachable as `Module.name`).
    pub name: &'static str,
    pub c_name: &'static str,
    /// `(P1, P2) -> R` over Int Float Bool String () List<T> Map<K, V>
    /// Set<T> Queue<T> Range Pid Json Option<T> Result<T, E> Ordering,
    /// tuples, and type variables `a`..`e`.
    pub sig: &'static str,
    pub flags: u16,
}

impl RtFn {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

/// The stdlib module called `name`.
pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

/// A module the runtime provides (always in scope, `import` optional); the
/// Snow-only modules (`Option`, `Result`) are ordinary prelude modules.
pub fn is_runtime_module(name: &str) -> bool {
    module(name).is_some_and(|m| !m.snow_only)
}

/// The flat name of `module.name` with these flags, if it has one.
pub fn flat_name(module_name: &str, name: &str, flags: u16) -> Option<String> {
    let m = module(module_name)?;
    (m.flat && flags & NO_FLAT == 0 && !name.starts_with("__"))
        .then(|| format!("{}_{name}", m.name.to_lowercase()))
}

/// The entry `module.name` (internal `__` names included).
pub fn lookup(module_name: &str, name: &str) -> Option<usize> {
    let find = |m: &str| RT_FNS.iter().position(|f| f.module == m && f.name == name);
    find(module_name).or_else(|| module(module_name)?.shares.and_then(find))
}

/// Is `bare` a name of `module.name` with these flags: its flat name, or
/// with `GLOBAL` its own? (Without allocating: every bare name that is not
/// a local asks.)
pub fn answers_to(module_name: &str, name: &str, flags: u16, bare: &str) -> bool {
    if flags & GLOBAL != 0 && name == bare {
        return true;
    }
    let (b, n) = (bare.as_bytes(), name.as_bytes());
    if b.len() <= n.len() + 1 || !b.ends_with(n) || b[b.len() - n.len() - 1] != b'_' {
        return false;
    }
    let prefix = &b[..b.len() - n.len() - 1];
    let lower = |m: &Module| {
        m.name
            .bytes()
            .map(|c| c.to_ascii_lowercase())
            .eq(prefix.iter().copied())
    };
    module(module_name)
        .is_some_and(|m| m.flat && flags & NO_FLAT == 0 && !name.starts_with("__") && lower(m))
}

/// The entry a bare name means: a flat name or a global one.
pub fn lookup_bare(bare: &str) -> Option<usize> {
    RT_FNS
        .iter()
        .position(|f| answers_to(f.module, f.name, f.flags, bare))
}

/// The entry `module.name`, which the compiler itself calls.
pub fn entry(module_name: &str, name: &str) -> usize {
    lookup(module_name, name).unwrap_or_else(|| panic!("{module_name}.{name} is in the table"))
}

/// The stdlib module whose functions apply to a receiver of this type
/// (method syntax).
pub fn module_for_receiver(t: &crate::types::ty::Ty) -> Option<&'static str> {
    let crate::types::ty::Ty::Con(c, _) = t else {
        return None;
    };
    MODULES
        .iter()
        .find(|m| m.receiver == Some(*c))
        .map(|m| m.name)
}
