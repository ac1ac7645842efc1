//! `T.from_row` of a struct deriving Row (chapter 05 §5.7), driven by the
//! descriptor of `Result<T, String>` the compiler passes, as `T.from_json`
//! is: the checker has already proved every field an Int, Float, Bool,
//! String or an Option of one of those.
//!
//! The row is read and every field parsed first (`decode`, plain Rust,
//! copying the texts out of the map), and only then is the struct
//! allocated and filled, so no allocation happens while the map's strings
//! are borrowed (the GC discipline of `gc`).

use crate::base::abi::*;
use crate::gc;
use crate::values::hash_table;
use crate::values::layout::{self, write_field, OK, SOME};
use crate::values::string::{new_str, str_of};
use crate::values::{list, map};
use std::collections::HashMap;

/// The scalar a field (or its Option's payload) is parsed as.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Int,
    Float,
    Bool,
    Str,
}

/// One struct field: its name (the column key), its scalar, and whether
/// it is an `Option` of that scalar.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub name: &'a str,
    pub scalar: Scalar,
    pub optional: bool,
}

/// A parsed field value; `None` is an Option field's `None`.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    None,
}

fn cannot(v: &str, what: &str) -> String {
    // The value as it arrived (untrimmed, original case): docs/decisions.md.
    format!("cannot parse '{v}' as {what}")
}

/// An optional sign and decimal digits, within i64 (`30.0`, `1e3`, `0x1`
/// are not Ints). Rust's integer parser accepts exactly that.
pub fn parse_int(v: &str) -> Result<i64, String> {
    v.trim().parse::<i64>().map_err(|_| cannot(v, "Int"))
}

/// Decimal or exponent notation (`.5`, `5.`, `-1e-3`), and `inf`,
/// `infinity`, `nan` in any case with an optional sign (PostgreSQL's
/// `Infinity`, `-Infinity`, `NaN`): what Rust's float parser accepts.
pub fn parse_float(v: &str) -> Result<f64, String> {
    v.trim().parse::<f64>().map_err(|_| cannot(v, "Float"))
}

/// `true t 1 yes` / `false f 0 no` in any case (PostgreSQL sends `t`/`f`,
/// SQLite `1`/`0`).
pub fn parse_bool(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" => Ok(true),
        "false" | "f" | "0" | "no" => Ok(false),
        _ => Err(cannot(v, "Bool")),
    }
}

fn parse(s: Scalar, v: &str) -> Result<Cell, String> {
    Ok(match s {
        Scalar::Int => Cell::Int(parse_int(v)?),
        Scalar::Float => Cell::Float(parse_float(v)?),
        Scalar::Bool => Cell::Bool(parse_bool(v)?),
        Scalar::Str => Cell::Str(v.to_string()),
    })
}

/// The fields' values from a row (`column` looks a column up by name), in
/// declaration order; the first missing column or bad value is the error.
/// NULL arrives as `""`: an Option field is then `None` (as when its column
/// is missing), a String field `""`, any other field a parse error.
pub fn decode<'r>(
    fields: &[Field],
    column: impl Fn(&str) -> Option<&'r str>,
) -> Result<Vec<Cell>, String> {
    fields
        .iter()
        .map(|f| match column(f.name) {
            None if f.optional => Ok(Cell::None),
            None => Err(format!("missing column: {}", f.name)),
            Some("") if f.optional => Ok(Cell::None),
            Some(v) => parse(f.scalar, v),
        })
        .collect()
}

unsafe fn scalar_of(t: &SnowType) -> Scalar {
    match t.kind {
        K_INT => Scalar::Int,
        K_FLOAT => Scalar::Float,
        K_BOOL => Scalar::Bool,
        _ => Scalar::Str,
    }
}

/// The fields of the struct descriptor `t`.
unsafe fn fields_of(t: &SnowType) -> Vec<Field<'_>> {
    (0..t.nparams as usize)
        .map(|i| {
            let ft = t.param(i);
            let optional = super::json_value::is_option(ft);
            let st = if optional {
                ft.param(SOME).param(0)
            } else {
                ft
            };
            Field {
                name: core::str::from_utf8(t.field_name(i)).unwrap_or_default(),
                scalar: scalar_of(st),
                optional,
            }
        })
        .collect()
}

/// The word of a parsed scalar; strings are allocated here.
unsafe fn word(ctx: *mut Ctx, c: &Cell) -> Word {
    match c {
        Cell::Int(i) => *i as Word,
        Cell::Float(x) => x.to_bits(),
        Cell::Bool(b) => *b as Word,
        Cell::Str(s) => new_str(ctx, s.as_bytes()) as usize as Word,
        Cell::None => 0,
    }
}

/// `T.from_row(row)`: `res` is the descriptor of `Result<T, String>`.
///
/// # Safety
/// `res` is a `Result<T, String>` descriptor of a struct `T` deriving Row;
/// `row` is a live `Map<String, String>`.
#[no_mangle]
pub unsafe extern "C" fn snow_row_decode(
    ctx: *mut Ctx,
    res: *const SnowType,
    row: *mut crate::gc::store::Table,
) -> *mut u8 {
    let t = (*res).param(OK).param(0);
    let fields = fields_of(t);
    let mut columns: HashMap<&str, &str> = HashMap::new();
    hash_table::for_each(row, |k, v| {
        columns.insert(
            str_of(k as usize as *const SnowStr),
            str_of(v as usize as *const SnowStr),
        );
    });
    let cells = match decode(&fields, |name| columns.get(name).copied()) {
        Ok(cells) => cells,
        Err(e) => return layout::result(ctx, res, Err(e.as_bytes())),
    };
    // Each new string or Option is stored into the held struct at once.
    let o = gc::alloc(ctx, t, t.size as usize);
    for (i, c) in cells.iter().enumerate() {
        let ft = t.param(i);
        let w = if super::json_value::is_option(ft) {
            let inner = (!matches!(c, Cell::None)).then(|| word(ctx, c));
            layout::option(ctx, ft, inner) as usize as Word
        } else {
            word(ctx, c)
        };
        write_field(o.add(t.offset(i)), ft.kind, w);
    }
    layout::result(ctx, res, Ok(o as usize as Word))
}

/// A result row of a database query: (column name, text) in column order.
pub type Row = Vec<(String, String)>;

/// The rows as a `List<Map<String, String>>` of type `list_type` (a later
/// duplicate column wins), the value table both databases return. The
/// collector scans this stack, so the locals keep the parts.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn rows_list(ctx: *mut Ctx, list_type: &SnowType, rows: &[Row]) -> *mut SnowList {
    let map_type = layout::elem(list_type);
    let b = list::snow_list_builder(ctx, list_type, rows.len() as i64);
    for row in rows {
        let mut m = map::snow_map_new(ctx, map_type);
        for (k, v) in row {
            let k = new_str(ctx, k.as_bytes()) as usize as Word;
            let v = new_str(ctx, v.as_bytes()) as usize as Word;
            m = map::snow_map_put(ctx, m, k, v);
        }
        list::snow_list_builder_push(ctx, b, m as usize as Word);
    }
    b
}
