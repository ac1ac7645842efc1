//! The fast path of `T.from_json`: one serde pass that builds the Snow value
//! while it parses, with no intermediate document tree.
//!
//! It must give exactly the result of the two-pass definition in
//! `json_value.rs` (parse everything, then decode in declaration order), so
//! on *any* failure it gives up and the caller reruns the two-pass decoder,
//! which produces the specified error message; a document that decodes here
//! decodes there to an equal value. The cases where document order matters
//! are handled to keep that true: a repeated struct member overwrites the
//! earlier one (last wins), Map entries are re-sorted by key when the
//! document did not list them sorted, and a sum type's `fields` seen before
//! its `tag` is kept as a tree and decoded once the variant is known.
//!
//! GC discipline of `gc`: each object is allocated before its fields
//! are decoded, and each decoded word is stored into it at once.

use super::json::{canonical_value, new_json, snow_t_Json};
use super::json_value::{decode_tree, int_of_float, is_option, struct_keys, StructKeys};
use crate::base::abi::*;
use crate::gc;
use crate::gc::store::Table;
use crate::values::hash_table;
use crate::values::layout::{self, write_field, SOME};
use crate::values::list;
use crate::values::map::{snow_map_key_at, snow_map_value_at};
use crate::values::recursion::{deeper, IN_FROM_JSON};
use crate::values::string::new_str;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// Decodes `text` as a value of type `t` in one pass; `None` when the text
/// is not a valid encoding of `t` (for any reason).
///
/// # Safety
/// `ctx` is the running context; `t` a serialisable type's descriptor.
pub unsafe fn decode_fast(ctx: *mut Ctx, t: &SnowType, text: &str) -> Option<Word> {
    let mut de = serde_json::Deserializer::from_str(text);
    let w = Seed { ctx, t }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(w)
}

fn give_up<E: de::Error>() -> E {
    E::custom("not an encoding of the type")
}

/// Decodes one value of type `t`.
#[derive(Clone, Copy)]
struct Seed<'t> {
    ctx: *mut Ctx,
    t: &'t SnowType,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Word;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Word, D::Error> {
        let ctx = self.ctx;
        // SAFETY: `ctx` is the running context (as for every seed here).
        unsafe { deeper(ctx, &IN_FROM_JSON, move || self.here(d)) }
    }
}

impl Seed<'_> {
    /// One level of `deserialize`, on a stack with room for it.
    fn here<'de, D: Deserializer<'de>>(self, d: D) -> Result<Word, D::Error> {
        let t = self.t;
        if core::ptr::eq(t, &snow_t_Json) {
            let mut v = <Value as serde::Deserialize>::deserialize(d)?;
            super::json::normalise(&mut v);
            // SAFETY: as above.
            return Ok(
                unsafe { new_json(self.ctx, canonical_value(&v).as_bytes()) } as usize as Word,
            );
        }
        if is_option(t) {
            d.deserialize_option(self)
        } else {
            d.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Word;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON encoding of a Snow value")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Word, E> {
        match self.t.kind {
            K_INT => Ok(v as Word),
            K_FLOAT => Ok((v as f64).to_bits()),
            _ => Err(give_up()),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Word, E> {
        match self.t.kind {
            // Above i64::MAX: the tree pass reports it out of range.
            K_INT => i64::try_from(v).map(|i| i as Word).map_err(|_| give_up()),
            K_FLOAT => Ok((v as f64).to_bits()),
            _ => Err(give_up()),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Word, E> {
        match self.t.kind {
            K_INT => int_of_float(v).map(|i| i as Word).ok_or_else(give_up),
            K_FLOAT => Ok(v.to_bits()),
            _ => Err(give_up()),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Word, E> {
        match self.t.kind {
            K_BOOL => Ok(v as Word),
            _ => Err(give_up()),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Word, E> {
        match self.t.kind {
            // SAFETY: `ctx` is the running context.
            K_STRING => Ok(unsafe { new_str(self.ctx, v.as_bytes()) } as usize as Word),
            _ => Err(give_up()),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Word, E> {
        self.none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Word, E> {
        self.none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Word, D::Error> {
        // SAFETY: an Option descriptor has a `Some` variant with one field.
        let inner = unsafe { self.t.param(SOME).param(0) };
        let w = Seed {
            ctx: self.ctx,
            t: inner,
        }
        .deserialize(d)?;
        // SAFETY: `w` is a word of the payload type.
        Ok(unsafe { layout::option(self.ctx, self.t, Some(w)) } as usize as Word)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Word, A::Error> {
        if self.t.kind != K_LIST {
            return Err(give_up());
        }
        // SAFETY: a List descriptor; the builder is held in this frame and
        // each element is pushed as soon as it exists.
        unsafe {
            let hint = seq.size_hint().unwrap_or(4) as i64;
            let b = list::snow_list_builder(self.ctx, self.t, hint);
            let et = Seed {
                ctx: self.ctx,
                t: self.t.param(0),
            };
            while let Some(w) = seq.next_element_seed(et)? {
                list::snow_list_builder_push(self.ctx, b, w);
            }
            Ok(b as usize as Word)
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Word, A::Error> {
        // SAFETY: the descriptor's kind says which layout to build.
        unsafe {
            match self.t.kind {
                K_STRUCT => self.record(map),
                K_MAP => self.map(map),
                K_SUM => self.sum(map),
                _ => Err(give_up()),
            }
        }
    }
}

impl Seed<'_> {
    fn none<E: de::Error>(self) -> Result<Word, E> {
        if is_option(self.t) {
            // SAFETY: an Option descriptor.
            Ok(unsafe { layout::option(self.ctx, self.t, None) } as usize as Word)
        } else {
            Err(give_up())
        }
    }

    /// A struct: members by field name, unknown ones skipped, a repeated
    /// one overwriting; absent Option fields are None.
    unsafe fn record<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Word, A::Error> {
        let t = self.t;
        let n = t.nparams as usize;
        let o = gc::alloc(self.ctx, t, t.size as usize);
        let keys = struct_keys(t);
        let mut seen = Seen::new(n);
        while let Some(k) = map.next_key_seed(FieldKey(keys))? {
            let Some(i) = k else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let ft = t.param(i);
            let w = map.next_value_seed(Seed {
                ctx: self.ctx,
                t: ft,
            })?;
            write_field(o.add(t.offset(i)), ft.kind, w);
            seen.set(i);
        }
        for i in (0..n).filter(|&i| !seen.get(i)) {
            let ft = t.param(i);
            if !is_option(ft) {
                return Err(give_up());
            }
            let none = layout::option(self.ctx, ft, None) as usize as Word;
            write_field(o.add(t.offset(i)), ft.kind, none);
        }
        Ok(o as usize as Word)
    }

    /// A `Map<String, V>`: its insertion order must be sorted key order
    /// (the document tree's order), so an unsorted document is re-sorted.
    unsafe fn map<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Word, A::Error> {
        let ctx = self.ctx;
        let vt = Seed {
            ctx,
            t: self.t.param(1),
        };
        let mut m = hash_table::new(ctx, self.t);
        let mut last: Option<String> = None;
        let mut sorted = true;
        while let Some(k) = map.next_key::<String>()? {
            let w = map.next_value_seed(vt)?;
            let key = new_str(ctx, k.as_bytes()) as usize as Word;
            m = hash_table::put(ctx, m, key, w);
            if last.as_ref().is_some_and(|l| *l >= k) {
                sorted = false;
            }
            last = Some(k);
        }
        if !sorted {
            m = resorted(ctx, self.t, m);
        }
        Ok(m as usize as Word)
    }

    /// A sum type: `{"fields":[...],"tag":"Name"}` in either member order.
    unsafe fn sum<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Word, A::Error> {
        let (ctx, t) = (self.ctx, self.t);
        let mut obj: *mut u8 = core::ptr::null_mut();
        let mut variant: Option<&SnowType> = None;
        let mut early_fields: Option<Value> = None;
        let mut fields_seen = false;
        while let Some(k) = map.next_key_seed(SumKeys)? {
            match k {
                SumKey::Tag => {
                    if variant.is_some() {
                        return Err(give_up());
                    }
                    let name = map.next_value::<String>()?;
                    let vt = (0..t.nparams as usize)
                        .map(|k| t.param(k))
                        .find(|vt| vt.name_bytes() == name.as_bytes())
                        .ok_or_else(give_up)?;
                    obj = layout::alloc_variant(ctx, vt);
                    variant = Some(vt);
                }
                SumKey::Fields => {
                    if fields_seen {
                        return Err(give_up());
                    }
                    fields_seen = true;
                    match variant {
                        Some(vt) if vt.nparams == 0 => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        Some(vt) => map.next_value_seed(Payload { ctx, vt, obj })?,
                        None => early_fields = Some(map.next_value::<Value>()?),
                    }
                }
                SumKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let vt = variant.ok_or_else(give_up)?;
        if vt.nparams > 0 {
            if !fields_seen {
                return Err(give_up());
            }
            if let Some(Value::Array(xs)) = &early_fields {
                for i in 0..vt.nparams as usize {
                    let ft = vt.param(i);
                    let x = xs.get(i).ok_or_else(give_up)?;
                    let w = decode_tree(ctx, ft, x).map_err(|_| give_up())?;
                    write_field(obj.add(vt.offset(i)), ft.kind, w);
                }
            } else if early_fields.is_some() {
                return Err(give_up());
            }
        }
        Ok(obj as usize as Word)
    }
}

/// Which fields a struct's members have set: a bit mask up to 64 fields.
enum Seen {
    Bits(u64),
    Many(Vec<bool>),
}

impl Seen {
    fn new(n: usize) -> Seen {
        if n <= 64 {
            Seen::Bits(0)
        } else {
            Seen::Many(vec![false; n])
        }
    }

    fn set(&mut self, i: usize) {
        match self {
            Seen::Bits(b) => *b |= 1 << i,
            Seen::Many(v) => v[i] = true,
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Seen::Bits(b) => *b & (1 << i) != 0,
            Seen::Many(v) => v[i],
        }
    }
}

/// The same map with its entries in ascending key order.
unsafe fn resorted(ctx: *mut Ctx, t: &SnowType, m: *mut Table) -> *mut Table {
    let mut order: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut i = 0;
    hash_table::for_each(m, |k, _| {
        order.push((SnowStr::bytes(k as usize as *const SnowStr).to_vec(), i));
        i += 1;
    });
    order.sort();
    let mut out = hash_table::new(ctx, t);
    for (_, i) in order {
        let (k, v) = (snow_map_key_at(m, i as i64), snow_map_value_at(m, i as i64));
        out = hash_table::put(ctx, out, k, v);
    }
    out
}

/// A struct member name: `Some(field index)` or `None` for other names.
struct FieldKey(&'static StructKeys);

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.names.iter().position(|n| *n == v.as_bytes()))
    }
}

/// The members a sum type's encoding can have.
enum SumKey {
    Tag,
    Fields,
    Other,
}

/// Reads a sum type's member name.
struct SumKeys;

impl<'de> DeserializeSeed<'de> for SumKeys {
    type Value = SumKey;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SumKey, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for SumKeys {
    type Value = SumKey;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SumKey, E> {
        Ok(match v {
            "tag" => SumKey::Tag,
            "fields" => SumKey::Fields,
            _ => SumKey::Other,
        })
    }
}

/// A variant's `fields` array, decoded into the already-allocated `obj`;
/// extra elements are ignored.
struct Payload<'t> {
    ctx: *mut Ctx,
    vt: &'t SnowType,
    obj: *mut u8,
}

impl<'de> DeserializeSeed<'de> for Payload<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Payload<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of payload values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let vt = self.vt;
        for i in 0..vt.nparams as usize {
            // SAFETY: `obj` is a live object laid out by `vt`.
            unsafe {
                let ft = vt.param(i);
                let w = seq
                    .next_element_seed(Seed {
                        ctx: self.ctx,
                        t: ft,
                    })?
                    .ok_or_else(give_up)?;
                write_field(self.obj.add(vt.offset(i)), ft.kind, w);
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}
