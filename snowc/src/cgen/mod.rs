//! C emission: MIR to one C11 translation unit that includes only standard
//! headers, `snow.h` and the other headers of `c-support/` it needs.

mod fold;
mod func;
mod grow;
mod names;
mod types;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use crate::diag::SourceMap;
use crate::mir::Program;
use crate::types::tast::Pos;
use crate::CompileOptions;
use types::TypeTable;
pub use types::{c_ident, c_string};

/// Program-wide emission state shared by the function emitters.
pub struct Emitter<'a> {
    pub prog: &'a Program,
    pub sources: &'a SourceMap,
    pub opts: &'a CompileOptions,
    pub types: TypeTable,
    strings: HashMap<String, String>,
    pub string_defs: Vec<String>,
    locs: HashMap<(u32, u32, u32), String>,
    /// Byte offsets of line starts, per file, once needed.
    line_starts: Vec<Option<Vec<usize>>>,
    pub loc_defs: Vec<String>,
    fn_locs: usize,
    fn_values: HashMap<u32, String>,
    pub fn_value_defs: Vec<String>,
    /// The C name of each MIR function.
    fn_names: Vec<String>,
    /// Headers of `c-support/` besides `snow.h` that the program needs.
    pub includes: BTreeSet<&'static str>,
}

impl<'a> Emitter<'a> {
    /// A C expression for a string literal (a static object).
    pub fn string(&mut self, s: &str) -> String {
        if let Some(id) = self.strings.get(s) {
            return format!("SNOW_STR({id})");
        }
        let n = self.strings.len().to_string();
        let id = self.types.derived("str", &n, |n| format!("snow_str_{n}"));
        self.strings.insert(s.to_string(), id.clone());
        self.string_defs
            .push(format!("SNOW_STR_LIT({id}, {});", c_string(s)));
        format!("SNOW_STR({id})")
    }

    pub fn file_path(&self, pos: Pos) -> String {
        self.sources
            .files
            .get(pos.file.0 as usize)
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    /// `(line, col)` of a position (1-based; columns count characters),
    /// by binary search in the file's line starts (computed once per file,
    /// so a long function's locations cost linear time overall).
    pub fn line_col(&mut self, pos: Pos) -> (u32, u32) {
        let Some(file) = self.sources.files.get(pos.file.0 as usize) else {
            return (0, 0);
        };
        let text = file.text.as_str();
        let i = pos.file.0 as usize;
        if self.line_starts.len() <= i {
            self.line_starts.resize(i + 1, None);
        }
        let starts = self.line_starts[i].get_or_insert_with(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(k, _)| k + 1))
                .collect()
        });
        let mut offset = (pos.span.start as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = starts.partition_point(|&s| s <= offset);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line as u32, col as u32)
    }

    /// A pointer to a static `snow_loc` for a position.
    pub fn loc(&mut self, pos: Pos) -> String {
        let (line, col) = self.line_col(pos);
        let key = (pos.file.0, line, col);
        if let Some(id) = self.locs.get(&key) {
            return format!("&{id}");
        }
        let n = self.locs.len().to_string();
        let id = self.types.derived("loc", &n, |n| format!("snow_loc_{n}"));
        let file = self.file_path(pos);
        self.loc_defs.push(format!(
            "static const snow_loc {id} = {{{}, {line}, {col}}};",
            c_string(&file)
        ));
        self.locs.insert(key, id.clone());
        format!("&{id}")
    }

    /// The static `snow_fn_loc` of function `f` for its stack checks, or
    /// `NULL` for a function without a label.
    pub fn fn_loc(&mut self, f: &crate::mir::Func) -> String {
        if f.label.is_empty() {
            return "NULL".into();
        }
        let (line, col) = self.line_col(f.pos);
        let id = format!("fnloc_{}", self.fn_locs);
        self.fn_locs += 1;
        let file = self.file_path(f.pos);
        self.loc_defs.push(format!(
            "static const snow_fn_loc {id} = {{{}, {{{}, {line}, {col}}}}};",
            c_string(&f.label),
            c_string(&file)
        ));
        format!("&{id}")
    }

    /// The static closure object of a wrapper function.
    pub fn fn_value(&mut self, f: crate::mir::FuncId) -> String {
        if let Some(v) = self.fn_values.get(&f.0) {
            return v.clone();
        }
        let name = self.fn_name(f);
        let obj = self.types.derived("obj", &name, |n| format!("{n}_obj"));
        let sname = self.types.closure_struct(&name, &[], &self.prog.adts);
        let desc = self.types.desc_of(&sname);
        self.fn_value_defs.push(format!(
            "static const snow_closure {obj} = {{{{&{desc}, SNOW_GC_STATIC}}, (snow_fnptr){name}}};"
        ));
        let e = format!("((snow_closure *)(void *)&{obj})");
        self.fn_values.insert(f.0, e.clone());
        e
    }

    /// The C name of a MIR function.
    pub fn fn_name(&self, f: crate::mir::FuncId) -> String {
        self.fn_names[f.0 as usize].clone()
    }
}

pub fn emit_program(p: &Program, sources: &SourceMap, opts: &CompileOptions) -> String {
    let mut em = Emitter {
        prog: p,
        sources,
        opts,
        types: TypeTable::default(),
        strings: HashMap::new(),
        string_defs: Vec::new(),
        locs: HashMap::new(),
        line_starts: Vec::new(),
        loc_defs: Vec::new(),
        fn_locs: 0,
        fn_values: HashMap::new(),
        fn_value_defs: Vec::new(),
        fn_names: Vec::new(),
        includes: BTreeSet::new(),
    };
    em.fn_names = (0..p.funcs.len() as u32)
        .map(|i| {
            let wanted = || p.funcs[i as usize].name.clone();
            em.types.names.get(names::Key::Fn(i), wanted)
        })
        .collect();
    em.types.hooks = p
        .hooks
        .iter()
        .map(|h| (h.ty.clone(), h.kind, em.fn_name(h.func)))
        .collect();
    let mut protos = Vec::new();
    let mut bodies = Vec::new();
    for i in 0..p.funcs.len() {
        let id = crate::mir::FuncId(i as u32);
        protos.push(format!("{};", func::signature(&mut em, id)));
        bodies.push(func::emit_func(&mut em, id));
    }
    let mut out = String::new();
    let main_file = sources.files.first().map(|f| f.path.as_str()).unwrap_or("");
    let _ = writeln!(
        out,
        "/* Generated by snowc {} from {main_file}. */",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("#include <math.h>\n#include \"snow.h\"\n");
    for h in &em.includes {
        let _ = writeln!(out, "#include \"{h}\"");
    }
    out.push('\n');
    section(&mut out, "types", &em.types.structs);
    section(&mut out, "type descriptors", &em.types.desc_decls);
    section(
        &mut out,
        "user protocol impls called by the runtime",
        &em.types.hook_protos,
    );
    section(&mut out, "", &em.types.desc_defs);
    section(&mut out, "constructors and constants", &em.types.helpers);
    section(&mut out, "string literals", &em.string_defs);
    section(&mut out, "source locations", &em.loc_defs);
    section(&mut out, "functions", &protos);
    section(&mut out, "function values", &em.fn_value_defs);
    section(&mut out, "", &em.types.hook_defs);
    for b in bodies {
        out.push_str(&b);
        out.push('\n');
    }
    if let Some(entry) = p.entry {
        let name = em.fn_name(entry);
        let _ = write!(
            out,
            "static void snow_entry(snow_ctx *ctx) {{\n    (void){name}(ctx);\n}}\n\nint main(int argc, char **argv) {{\n    return snow_main(argc, argv, snow_entry);\n}}\n"
        );
    }
    out
}

fn section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    if !title.is_empty() {
        let _ = writeln!(out, "/* ---- {title} ---- */\n");
    }
    for i in items {
        out.push_str(i);
        if !i.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push('\n');
}
