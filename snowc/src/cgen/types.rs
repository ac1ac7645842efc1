//! C representations of Snow types: C type names, struct definitions,
//! runtime descriptors, constructors and static objects, all emitted on
//! demand so the output only holds what the program uses.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use crate::types::ty::{AdtDef, AdtKind, Ty, TyCon};

/// Collects the type-level C definitions a program needs.
#[derive(Default)]
pub struct TypeTable {
    /// Struct definitions, in dependency-free order (they hold pointers only).
    pub structs: Vec<String>,
    /// Forward declarations of descriptors.
    pub desc_decls: Vec<String>,
    /// Descriptor definitions (with their arrays).
    pub desc_defs: Vec<String>,
    /// Constructor functions and static objects.
    pub helpers: Vec<String>,
    struct_done: HashSet<String>,
    desc_done: HashMap<String, String>,
    ctor_done: HashMap<String, String>,
    nullary_done: HashMap<String, String>,
    /// C helpers already written (closure structs and constructors, sort
    /// adapters), by their C name.
    pub made: HashSet<String>,
    /// User protocol impls: (type, kind, C function) from `Program::hooks`.
    pub hooks: Vec<(Ty, crate::mir::HookKind, String)>,
    /// Prototypes and definitions of the hook wrappers.
    pub hook_protos: Vec<String>,
    pub hook_defs: Vec<String>,
    /// Every global C name.
    pub names: Names,
}

pub use crate::types::ty::c_ident;

use super::names::{member, Key, Names};
pub use crate::types::ty::mangle;

pub fn is_scalar(t: &Ty) -> bool {
    t.is_scalar() || matches!(t, Ty::Never | Ty::Var(_) | Ty::Gen(_))
}

/// Substitute an ADT's parameters with `args`.
pub fn inst(adt: &AdtDef, args: &[Ty], t: &Ty) -> Ty {
    t.subst_gen(&|g| {
        adt.generics
            .iter()
            .position(|x| *x == g)
            .and_then(|i| args.get(i).cloned())
    })
}

fn escape_c(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' => out.push_str("\\?"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

pub fn c_string(s: &str) -> String {
    escape_c(s)
}

impl TypeTable {
    /// The C type of values of `t`.
    pub fn cty(&mut self, t: &Ty, adts: &[AdtDef]) -> String {
        match t {
            Ty::Con(TyCon::Int, _) => "int64_t".into(),
            Ty::Con(TyCon::Float, _) => "double".into(),
            Ty::Con(TyCon::Bool, _) => "bool".into(),
            Ty::Con(TyCon::Pid, _) => "snow_pid".into(),
            Ty::Con(TyCon::String, _) => "snow_str *".into(),
            Ty::Con(TyCon::List, _) => "snow_list *".into(),
            Ty::Con(TyCon::Map, _) => "snow_map *".into(),
            Ty::Con(TyCon::Set, _) => "snow_set *".into(),
            Ty::Con(TyCon::Range, _) => "snow_range *".into(),
            Ty::Con(TyCon::Queue, _) => "snow_queue *".into(),
            Ty::Con(TyCon::Json, _) => "snow_json *".into(),
            Ty::Con(TyCon::Opaque(_), _) => "void *".into(),
            Ty::Con(TyCon::Adt(_), _) | Ty::Tuple(_) if !t.is_unit() => {
                self.ensure_struct(t, adts);
                format!("struct {} *", self.tname(t, adts))
            }
            Ty::Fun(..) => "snow_closure *".into(),
            _ => "snow_unit".into(),
        }
    }

    /// Field types of a record (tuple or struct) and their C field names.
    pub fn record_fields(t: &Ty, adts: &[AdtDef]) -> Vec<(String, Ty)> {
        match t {
            Ty::Tuple(ts) => ts
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("f{i}"), x.clone()))
                .collect(),
            Ty::Con(TyCon::Adt(id), args) => {
                let a = &adts[id.0 as usize];
                match &a.kind {
                    AdtKind::Struct { fields } => fields
                        .iter()
                        .enumerate()
                        .map(|(i, (n, ft))| (member(n, i), crate::mir_concrete(&inst(a, args, ft))))
                        .collect(),
                    AdtKind::Sum { .. } => vec![],
                }
            }
            _ => vec![],
        }
    }

    /// Payload field types of variant `v` of sum type `t`.
    pub fn variant_fields(t: &Ty, v: u32, adts: &[AdtDef]) -> Vec<Ty> {
        match t {
            Ty::Con(TyCon::Adt(id), args) => {
                let a = &adts[id.0 as usize];
                a.variants()[v as usize]
                    .fields
                    .iter()
                    .map(|ft| crate::mir_concrete(&inst(a, args, ft)))
                    .collect()
            }
            _ => vec![],
        }
    }

    pub fn variant_struct(&mut self, t: &Ty, v: u32, adts: &[AdtDef]) -> String {
        let Ty::Con(TyCon::Adt(id), _) = t else {
            return "snow_hdr".into();
        };
        let base = self.tname(t, adts);
        let vn = &adts[id.0 as usize].variants()[v as usize].name;
        self.names
            .get(Key::Variant(t.clone(), v), || format!("{base}_{vn}"))
    }

    /// The C struct tag of values of `t` (also the base of its other names).
    pub fn tname(&mut self, t: &Ty, adts: &[AdtDef]) -> String {
        self.names.get(Key::Type(t.clone()), || mangle(t, adts))
    }

    /// The C name of the `what` made for the thing named `of`, wanted as
    /// `make(of)`.
    pub fn derived(
        &mut self,
        what: &'static str,
        of: &str,
        make: impl FnOnce(&str) -> String,
    ) -> String {
        self.names.get(Key::Of(what, of.to_string()), || make(of))
    }

    /// The descriptor of the struct named `sname` (a variant or closure).
    pub fn desc_of(&mut self, sname: &str) -> String {
        self.derived("desc", sname, |s| format!("snow_ty_{s}"))
    }

    fn ensure_struct(&mut self, t: &Ty, adts: &[AdtDef]) {
        let name = self.tname(t, adts);
        if self.struct_done.contains(&name) {
            return;
        }
        self.struct_done.insert(name.clone());
        let is_sum = matches!(t, Ty::Con(TyCon::Adt(id), _) if !adts[id.0 as usize].is_struct());
        if is_sum {
            let mut s = format!("struct {name} {{\n    snow_hdr snow_h;\n    int64_t tag;\n}};\n");
            let Ty::Con(TyCon::Adt(id), _) = t else {
                unreachable!("sum types are ADTs")
            };
            for v in 0..adts[id.0 as usize].variants().len() as u32 {
                let fields = Self::variant_fields(t, v, adts);
                if fields.is_empty() {
                    let vs = self.variant_struct(t, v, adts);
                    let _ = writeln!(
                        s,
                        "struct {vs} {{\n    snow_hdr snow_h;\n    int64_t tag;\n}};"
                    );
                    continue;
                }
                let vs = self.variant_struct(t, v, adts);
                let mut body = String::new();
                for (i, f) in fields.iter().enumerate() {
                    let ct = self.cty(f, adts);
                    let _ = writeln!(body, "    {ct}{}f{i};", sep(&ct));
                }
                let _ = writeln!(
                    s,
                    "struct {vs} {{\n    snow_hdr snow_h;\n    int64_t tag;\n{body}}};"
                );
            }
            self.structs.push(s);
        } else {
            let mut body = String::new();
            for (n, f) in Self::record_fields(t, adts) {
                let ct = self.cty(&f, adts);
                let _ = writeln!(body, "    {ct}{}{n};", sep(&ct));
            }
            self.structs.push(format!(
                "struct {name} {{\n    snow_hdr snow_h;\n{body}}};\n"
            ));
        }
    }

    /// The descriptor (a `snow_type` C identifier) of values of `t`.
    pub fn desc(&mut self, t: &Ty, adts: &[AdtDef]) -> String {
        match t {
            Ty::Con(TyCon::Int, _) => return "snow_t_Int".into(),
            Ty::Con(TyCon::Float, _) => return "snow_t_Float".into(),
            Ty::Con(TyCon::Bool, _) => return "snow_t_Bool".into(),
            Ty::Con(TyCon::Pid, _) => return "snow_t_Pid".into(),
            Ty::Con(TyCon::String, _) => return "snow_t_String".into(),
            Ty::Con(TyCon::Range, _) => return "snow_t_Range".into(),
            Ty::Con(TyCon::Json, _) => return "snow_t_Json".into(),
            // A connection is an integer handle (in a pointer-sized word).
            Ty::Con(TyCon::Opaque(o), _) if o.is_handle() => return "snow_t_Int".into(),
            Ty::Con(TyCon::Opaque(o), _) => return format!("snow_t_{}", o.name()),
            _ if t.is_unit() || matches!(t, Ty::Never) => return "snow_t_Unit".into(),
            _ => {}
        }
        let key = self.tname(t, adts);
        if let Some(d) = self.desc_done.get(&key) {
            return d.clone();
        }
        let id = self.desc_of(&key);
        self.desc_done.insert(key.clone(), id.clone());
        self.desc_decls
            .push(format!("static const snow_type {id};"));
        let display_name = type_display_name(t, adts);
        let def = match t {
            Ty::Con(c @ (TyCon::List | TyCon::Set | TyCon::Queue | TyCon::Map), args) => {
                let kind = match c {
                    TyCon::List => "SNOW_K_LIST",
                    TyCon::Set => "SNOW_K_SET",
                    TyCon::Queue => "SNOW_K_QUEUE",
                    _ => "SNOW_K_MAP",
                };
                let ps: Vec<String> = args.iter().map(|a| self.desc(a, adts)).collect();
                self.params_array(&id, &ps);
                self.desc_def(&id, kind, "0", &display_name, "0", &ps, None, None, 0)
            }
            Ty::Tuple(ts) => {
                self.ensure_struct(t, adts);
                let ps: Vec<String> = ts.iter().map(|a| self.desc(a, adts)).collect();
                let names: Vec<String> = (0..ts.len()).map(|i| format!("f{i}")).collect();
                self.record_desc(
                    &id,
                    t,
                    "SNOW_K_TUPLE",
                    "SNOW_F_DISPLAY | SNOW_F_DEBUG",
                    &display_name,
                    &ps,
                    &names,
                    None,
                    adts,
                )
            }
            Ty::Con(TyCon::Adt(aid), _) => {
                let a = &adts[aid.0 as usize];
                let flags = self.flags_with_hooks(t, adts);
                if a.is_struct() {
                    self.ensure_struct(t, adts);
                    let fields = Self::record_fields(t, adts);
                    let ps: Vec<String> = fields.iter().map(|(_, f)| self.desc(f, adts)).collect();
                    let names: Vec<String> = fields.iter().map(|(n, _)| n.clone()).collect();
                    let src_names: Vec<String> = match &a.kind {
                        AdtKind::Struct { fields } => {
                            fields.iter().map(|(n, _)| n.clone()).collect()
                        }
                        AdtKind::Sum { .. } => vec![],
                    };
                    self.record_desc(
                        &id,
                        t,
                        "SNOW_K_STRUCT",
                        &flags,
                        &a.name,
                        &ps,
                        &names,
                        Some(&src_names),
                        adts,
                    )
                } else {
                    self.ensure_struct(t, adts);
                    let nv = a.variants().len() as u32;
                    let vds: Vec<String> = (0..nv)
                        .map(|v| self.variant_desc(t, v, &flags, adts))
                        .collect();
                    self.params_array(&id, &vds);
                    self.desc_def(&id, "SNOW_K_SUM", &flags, &a.name, "0", &vds, None, None, 0)
                }
            }
            Ty::Fun(..) => self.desc_def(
                &id,
                "SNOW_K_CLOSURE",
                "0",
                &display_name,
                "0",
                &[],
                None,
                None,
                0,
            ),
            _ => self.desc_def(
                &id,
                "SNOW_K_OPAQUE",
                "0",
                &display_name,
                "0",
                &[],
                None,
                None,
                0,
            ),
        };
        let mut def = def;
        self.apply_hooks(&mut def, t, adts);
        self.desc_defs.push(def.render());
        id
    }

    /// Display/Debug flags of an ADT: derived, or given by a user impl.
    fn flags_with_hooks(&self, t: &Ty, adts: &[AdtDef]) -> String {
        use crate::mir::HookKind;
        let mut flags = sum_flags(t, adts);
        for (k, f) in [
            (HookKind::Display, "SNOW_F_DISPLAY"),
            (HookKind::Debug, "SNOW_F_DEBUG"),
        ] {
            let hooked = self.hooks.iter().any(|(ht, hk, _)| ht == t && *hk == k);
            if hooked && !flags.contains(f) {
                flags = if flags == "0" {
                    f.to_string()
                } else {
                    format!("{flags} | {f}")
                };
            }
        }
        flags
    }

    /// Fill a descriptor's hook slots with wrappers around user impls.
    fn apply_hooks(&mut self, def: &mut DescDef, t: &Ty, adts: &[AdtDef]) {
        use crate::mir::HookKind;
        let mine: Vec<(HookKind, String)> = self
            .hooks
            .iter()
            .filter(|(ht, _, _)| ht == t)
            .map(|(_, k, f)| (*k, f.clone()))
            .collect();
        if mine.is_empty() {
            return;
        }
        let ct = self.cty(t, adts);
        let m = self.tname(t, adts);
        let desc = self.desc_of(&m);
        for (k, f) in mine {
            let (slot, name, sig, body) = match k {
                HookKind::Display | HookKind::Debug => {
                    let which = if k == HookKind::Display { "display" } else { "debug" };
                    (
                        if k == HookKind::Display { 0 } else { 1 },
                        self.derived(which, &m, |m| format!("snow_hook_{which}_{m}")),
                        "snow_word {}(snow_ctx *ctx, snow_word v)".to_string(),
                        format!("return snow_w_ptr({f}(ctx, ({ct})snow_ptr_w(v)));"),
                    )
                }
                HookKind::Eq => (
                    2,
                    self.derived("eq", &m, |m| format!("snow_hook_eq_{m}")),
                    "bool {}(snow_ctx *ctx, snow_word a, snow_word b)".to_string(),
                    format!("return {f}(ctx, ({ct})snow_ptr_w(a), ({ct})snow_ptr_w(b));"),
                ),
                HookKind::Lt => (
                    3,
                    self.derived("cmp", &m, |m| format!("snow_hook_cmp_{m}")),
                    "int64_t {}(snow_ctx *ctx, snow_word a, snow_word b)".to_string(),
                    // Ord's default: Less if lt, Equal if eq, else Greater.
                    format!(
                        "return {f}(ctx, ({ct})snow_ptr_w(a), ({ct})snow_ptr_w(b)) ? -1 : snow_eq(ctx, &{desc}, a, b) ? 0 : 1;"
                    ),
                ),
                HookKind::Compare => (
                    3,
                    self.derived("cmp", &m, |m| format!("snow_hook_cmp_{m}")),
                    "int64_t {}(snow_ctx *ctx, snow_word a, snow_word b)".to_string(),
                    format!("return {f}(ctx, ({ct})snow_ptr_w(a), ({ct})snow_ptr_w(b))->tag - 1;"),
                ),
                HookKind::Hash => (
                    4,
                    self.derived("hash", &m, |m| format!("snow_hook_hash_{m}")),
                    "int64_t {}(snow_ctx *ctx, snow_word v)".to_string(),
                    format!("return {f}(ctx, ({ct})snow_ptr_w(v));"),
                ),
            };
            let sig = sig.replace("{}", &name);
            self.hook_protos.push(format!("static {sig};"));
            self.hook_defs
                .push(format!("static {sig} {{\n    {body}\n}}\n"));
            def.hooks[slot] = Some(name);
        }
    }

    /// Descriptor of variant `v` of sum type `t` (object layout).
    pub fn variant_desc(&mut self, t: &Ty, v: u32, flags: &str, adts: &[AdtDef]) -> String {
        let vs = self.variant_struct(t, v, adts);
        let id = self.desc_of(&vs);
        if self.desc_done.contains_key(&vs) {
            return id;
        }
        self.desc_done.insert(vs.clone(), id.clone());
        self.desc_decls
            .push(format!("static const snow_type {id};"));
        let fields = Self::variant_fields(t, v, adts);
        let ps: Vec<String> = fields.iter().map(|f| self.desc(f, adts)).collect();
        let names: Vec<String> = (0..fields.len()).map(|i| format!("f{i}")).collect();
        let Ty::Con(TyCon::Adt(aid), _) = t else {
            unreachable!("variants belong to ADTs")
        };
        let vname = adts[aid.0 as usize].variants()[v as usize].name.clone();
        let offs = if names.is_empty() {
            None
        } else {
            Some(self.offsets_array(&id, &vs, &names))
        };
        self.params_array(&id, &ps);
        let def = self.desc_def(
            &id,
            "SNOW_K_VARIANT",
            flags,
            &vname,
            &format!("sizeof(struct {vs})"),
            &ps,
            offs,
            None,
            v as i64,
        );
        self.desc_defs.push(def.render());
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn record_desc(
        &mut self,
        id: &str,
        t: &Ty,
        kind: &str,
        flags: &str,
        name: &str,
        ps: &[String],
        cnames: &[String],
        src_names: Option<&[String]>,
        adts: &[AdtDef],
    ) -> DescDef {
        let sname = self.tname(t, adts);
        let offs = if cnames.is_empty() {
            None
        } else {
            Some(self.offsets_array(id, &sname, cnames))
        };
        self.params_array(id, ps);
        let names = src_names.filter(|n| !n.is_empty()).map(|n| {
            let arr = self.derived("names", id, |id| format!("{id}_names"));
            let items: Vec<String> = n.iter().map(|x| c_string(x)).collect();
            self.desc_defs.push(initialiser(
                &format!("static const char *const {arr}[]"),
                &items,
            ));
            arr
        });
        self.desc_def(
            id,
            kind,
            flags,
            name,
            &format!("sizeof(struct {sname})"),
            ps,
            offs,
            names,
            0,
        )
    }

    fn params_array(&mut self, id: &str, ps: &[String]) {
        if ps.is_empty() {
            return;
        }
        let items: Vec<String> = ps.iter().map(|p| format!("&{p}")).collect();
        let arr = self.params_name(id);
        self.desc_defs.push(initialiser(
            &format!("static const snow_type *const {arr}[]"),
            &items,
        ));
    }

    /// The name of descriptor `id`'s array of parameter descriptors.
    fn params_name(&mut self, id: &str) -> String {
        self.derived("params", id, |id| format!("{id}_params"))
    }

    fn offsets_array(&mut self, id: &str, sname: &str, fields: &[String]) -> String {
        let arr = self.derived("offsets", id, |id| format!("{id}_offsets"));
        let items: Vec<String> = fields
            .iter()
            .map(|f| format!("offsetof(struct {sname}, {f})"))
            .collect();
        self.desc_defs.push(initialiser(
            &format!("static const uint32_t {arr}[]"),
            &items,
        ));
        arr
    }

    /// A constructor function for a record type; returns its name.
    pub fn record_ctor(&mut self, t: &Ty, adts: &[AdtDef]) -> String {
        let sname = self.tname(t, adts);
        let fname = self.derived("new", &sname, |s| format!("{s}_new"));
        if self.ctor_done.contains_key(&fname) {
            return fname;
        }
        self.ctor_done.insert(fname.clone(), String::new());
        let desc = self.desc(t, adts);
        let fields = Self::record_fields(t, adts);
        self.ensure_struct(t, adts);
        let mut params = vec!["snow_ctx *ctx".to_string()];
        let mut sets = String::new();
        // Parameters are positional (`v0`, ...): field names may be `ctx`.
        for (i, (n, ft)) in fields.iter().enumerate() {
            let ct = self.cty(ft, adts);
            params.push(format!("{ct}{}v{i}", sep(&ct)));
            let _ = writeln!(sets, "    o->{n} = v{i};");
        }
        self.helpers.push(format!(
            "static struct {sname} *{fname}({}) {{\n    struct {sname} *o = (struct {sname} *)snow_alloc(ctx, &{desc}, sizeof(struct {sname}));\n{sets}    return o;\n}}\n",
            params.join(", ")
        ));
        fname
    }

    /// A constructor function for a variant with payload.
    pub fn variant_ctor(&mut self, t: &Ty, v: u32, adts: &[AdtDef]) -> String {
        let vs = self.variant_struct(t, v, adts);
        let fname = self.derived("new", &vs, |s| format!("{s}_new"));
        if self.ctor_done.contains_key(&fname) {
            return fname;
        }
        self.ctor_done.insert(fname.clone(), String::new());
        let base = self.tname(t, adts);
        self.ensure_struct(t, adts);
        let vdesc = self.variant_desc(t, v, &self.flags_with_hooks(t, adts), adts);
        let fields = Self::variant_fields(t, v, adts);
        let mut params = vec!["snow_ctx *ctx".to_string()];
        let mut sets = String::new();
        for (i, ft) in fields.iter().enumerate() {
            let ct = self.cty(ft, adts);
            params.push(format!("{ct}{}f{i}", sep(&ct)));
            let _ = writeln!(sets, "    o->f{i} = f{i};");
        }
        self.helpers.push(format!(
            "static struct {base} *{fname}({}) {{\n    struct {vs} *o = (struct {vs} *)snow_alloc(ctx, &{vdesc}, sizeof(struct {vs}));\n    o->tag = {v};\n{sets}    return (struct {base} *)o;\n}}\n",
            params.join(", ")
        ));
        fname
    }

    /// A static object for a nullary variant; returns a C expression.
    pub fn nullary(&mut self, t: &Ty, v: u32, adts: &[AdtDef]) -> String {
        let vs = self.variant_struct(t, v, adts);
        let base = self.tname(t, adts);
        let obj = self.derived("obj", &vs, |s| format!("{s}_obj"));
        if !self.nullary_done.contains_key(&obj) {
            self.nullary_done.insert(obj.clone(), String::new());
            self.ensure_struct(t, adts);
            let flags = self.flags_with_hooks(t, adts);
            let desc = self.variant_desc(t, v, &flags, adts);
            self.helpers.push(format!(
                "static const struct {vs} {obj} = {{{{&{desc}, SNOW_GC_STATIC}}, {v}}};"
            ));
        }
        format!("((struct {base} *)(void *)&{obj})")
    }

    /// The C struct of a closure environment with these capture types.
    pub fn closure_struct(&mut self, fname: &str, caps: &[Ty], adts: &[AdtDef]) -> String {
        let sname = self.derived("env", fname, |f| format!("{f}__env"));
        if self.made.contains(&sname) {
            return sname;
        }
        let mut body = String::new();
        let mut names = Vec::new();
        let mut ps = Vec::new();
        for (i, c) in caps.iter().enumerate() {
            let ct = self.cty(c, adts);
            let _ = writeln!(body, "    {ct}{}c{i};", sep(&ct));
            names.push(format!("c{i}"));
            ps.push(self.desc(c, adts));
        }
        self.structs.push(format!(
            "struct {sname} {{\n    snow_closure c;\n{body}}};\n"
        ));
        let id = self.desc_of(&sname);
        self.desc_decls
            .push(format!("static const snow_type {id};"));
        let offs = if names.is_empty() {
            None
        } else {
            Some(self.offsets_array(&id, &sname, &names))
        };
        self.params_array(&id, &ps);
        let def = self.desc_def(
            &id,
            "SNOW_K_CLOSURE",
            "0",
            fname,
            &format!("sizeof(struct {sname})"),
            &ps,
            offs,
            None,
            0,
        );
        self.desc_defs.push(def.render());
        self.made.insert(sname.clone());
        sname
    }
}

fn adt_flags(a: &AdtDef) -> String {
    let mut flags = Vec::new();
    if a.derives.display {
        flags.push("SNOW_F_DISPLAY");
    }
    if a.derives.debug {
        flags.push("SNOW_F_DEBUG");
    }
    if flags.is_empty() {
        "0".to_string()
    } else {
        flags.join(" | ")
    }
}

fn sum_flags(t: &Ty, adts: &[AdtDef]) -> String {
    match t {
        // The runtime's JSON layer maps Option to null-or-value.
        Ty::Con(TyCon::Adt(id), _) if *id == crate::types::ty::OPTION => {
            format!("{} | SNOW_F_OPTION", adt_flags(&adts[id.0 as usize]))
        }
        Ty::Con(TyCon::Adt(id), _) => adt_flags(&adts[id.0 as usize]),
        _ => "0".into(),
    }
}

/// A space between a C type and a name unless the type ends in `*`.
pub fn sep(ct: &str) -> &'static str {
    if ct.ends_with('*') {
        ""
    } else {
        " "
    }
}

fn type_display_name(t: &Ty, adts: &[AdtDef]) -> String {
    let names = |_| None;
    crate::types::ty::TyDisplay {
        ty: t,
        adts,
        gen_names: &names,
    }
    .to_string()
}

impl TypeTable {
    #[allow(clippy::too_many_arguments)]
    fn desc_def(
        &mut self,
        id: &str,
        kind: &str,
        flags: &str,
        name: &str,
        size: &str,
        ps: &[String],
        offsets: Option<String>,
        names: Option<String>,
        tag: i64,
    ) -> DescDef {
        let params = (!ps.is_empty()).then(|| self.params_name(id));
        DescDef {
            id: id.to_string(),
            kind: kind.to_string(),
            flags: flags.to_string(),
            name: name.to_string(),
            size: size.to_string(),
            nparams: ps.len(),
            params,
            offsets,
            names,
            tag,
            hooks: Default::default(),
        }
    }
}

/// A type descriptor's definition: the fields of `snow_type` it sets.
pub struct DescDef {
    id: String,
    kind: String,
    flags: String,
    name: String,
    size: String,
    nparams: usize,
    params: Option<String>,
    offsets: Option<String>,
    names: Option<String>,
    tag: i64,
    /// display, debug, eq, cmp, hash: wrappers of user impls.
    hooks: [Option<String>; 5],
}

impl DescDef {
    /// A designated initialiser that names only the fields set (the rest
    /// are zero), packed into lines of at most about 100 characters.
    fn render(&self) -> String {
        let mut fields = vec![format!(".kind = {}", self.kind)];
        let mut set = |f: &str, v: Option<String>| {
            if let Some(v) = v {
                fields.push(format!(".{f} = {v}"));
            }
        };
        set("flags", (self.flags != "0").then(|| self.flags.clone()));
        set("name", Some(c_string(&self.name)));
        set("size", (self.size != "0").then(|| self.size.clone()));
        set(
            "nparams",
            (self.nparams > 0).then(|| self.nparams.to_string()),
        );
        set("params", self.params.clone());
        set("offsets", self.offsets.clone());
        set("field_names", self.names.clone());
        set("tag", (self.tag != 0).then(|| self.tag.to_string()));
        for (f, h) in ["display", "debug", "eq", "cmp", "hash"]
            .iter()
            .zip(&self.hooks)
        {
            set(f, h.clone());
        }
        initialiser(&format!("static const snow_type {}", self.id), &fields)
    }
}

/// `head = {items};` on one line when it is short, else with the items
/// packed into indented lines of at most about 100 characters.
fn initialiser(head: &str, items: &[String]) -> String {
    let one = format!("{head} = {{{}}};", items.join(", "));
    if one.len() <= 100 {
        return one;
    }
    let mut out = format!("{head} = {{\n");
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.len() + item.len() + 2 > 96 {
            out.push_str(&format!("    {}\n", line.trim_end()));
            line.clear();
        }
        line.push_str(item);
        line.push_str(", ");
    }
    out.push_str(&format!(
        "    {}\n}};",
        line.trim_end().trim_end_matches(',')
    ));
    out
}
