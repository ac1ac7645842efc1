//! Unit tests of the value operations through a real process context
//! (`gc::testutil`).

use crate::base::abi::*;
use crate::gc::store::Table;
use crate::gc::testutil::*;
use crate::values::fmt::{to_bytes, Mode};
use crate::values::hash::{combine, hash_int, FNV_OFFSET};
use crate::values::list::*;
use crate::values::map::*;
use crate::values::protocols::{cmp, eq, hash};
use crate::values::set::*;
use crate::values::string::*;

fn show(ctx: *mut Ctx, t: &SnowType, v: Word) -> String {
    // SAFETY: test values match their descriptors.
    String::from_utf8(unsafe { to_bytes(ctx, t, v, Mode::Display) }).unwrap()
}

fn inspect(ctx: *mut Ctx, t: &SnowType, v: Word) -> String {
    // SAFETY: as above.
    String::from_utf8(unsafe { to_bytes(ctx, t, v, Mode::Debug) }).unwrap()
}

fn map_desc(k: &'static SnowType, v: &'static SnowType) -> &'static SnowType {
    desc(
        K_MAP,
        F_DISPLAY | F_DEBUG,
        c"Map",
        0,
        vec![k, v],
        vec![],
        vec![],
        0,
    )
}

fn set_desc(e: &'static SnowType) -> &'static SnowType {
    desc(
        K_SET,
        F_DISPLAY | F_DEBUG,
        c"Set",
        0,
        vec![e],
        vec![],
        vec![],
        0,
    )
}

fn w<T>(p: *mut T) -> Word {
    p as usize as Word
}

#[test]
fn list_of_strings_under_gc_stress() {
    with_ctx(true, |ctx| unsafe {
        let lt = list_of(&snow_t_String);
        let b = snow_list_builder(ctx, lt, 0);
        for i in 0..300 {
            let s = snow_int_to_str(ctx, i);
            let s = snow_str_concat(ctx, s, lit(ctx, "x") as usize as *mut SnowStr);
            snow_list_builder_push(ctx, b, w(s));
        }
        let text = show(ctx, lt, w(b));
        let expect: Vec<String> = (0..300).map(|i| format!("{i}x")).collect();
        assert_eq!(text, format!("[{}]", expect.join(", ")));
        assert!(process(ctx).heap.collections > 600);
    });
}

#[test]
fn list_operations_keep_old_values() {
    with_ctx(false, |ctx| unsafe {
        let lt = list_of(&snow_t_Int);
        let a = snow_list_from(ctx, lt, 2, [1u64, 2].as_ptr());
        let b = snow_list_append(ctx, a, 3);
        let c = snow_list_append(ctx, b, 4);
        let d = snow_list_append(ctx, b, 5); // b is no longer the newest: copies
        assert_eq!(show(ctx, lt, w(a)), "[1, 2]");
        assert_eq!(show(ctx, lt, w(b)), "[1, 2, 3]");
        assert_eq!(show(ctx, lt, w(c)), "[1, 2, 3, 4]");
        assert_eq!(show(ctx, lt, w(d)), "[1, 2, 3, 5]");
        let t = snow_list_tail(ctx, c);
        assert_eq!(show(ctx, lt, w(t)), "[2, 3, 4]");
        let e = snow_list_concat(ctx, t, a);
        assert_eq!(show(ctx, lt, w(e)), "[2, 3, 4, 1, 2]");
        assert_eq!(show(ctx, lt, w(c)), "[1, 2, 3, 4]");
        assert_eq!(snow_list_get(ctx, e, 4), 2);
        let mut acc = snow_list_from(ctx, lt, 0, core::ptr::null());
        for i in 0..10_000 {
            acc = snow_list_append(ctx, acc, i);
        }
        assert_eq!((*acc).len, 10_000);
        assert_eq!(snow_list_get(ctx, acc, 9_999), 9_999);
        let empty = snow_list_from(ctx, lt, 0, core::ptr::null());
        assert_eq!(show(ctx, lt, w(empty)), "[]");
        let fl = list_of(&snow_t_Float);
        let f = snow_list_from(ctx, fl, 2, [1.0f64.to_bits(), 2.5f64.to_bits()].as_ptr());
        assert_eq!(show(ctx, fl, w(f)), "[1, 2.5]");
    });
}

#[test]
fn map_order_replace_delete_and_versions() {
    with_ctx(true, |ctx| unsafe {
        let mt = map_desc(&snow_t_String, &snow_t_Int);
        let k = |s: &str| lit(ctx, s);
        let m0 = snow_map_new(ctx, mt);
        let m1 = snow_map_put(ctx, m0, k("apple"), 3);
        let m2 = snow_map_put(ctx, m1, k("pear"), 0);
        let m3 = snow_map_put(ctx, m2, k("fig"), 7);
        let m4 = snow_map_put(ctx, m3, k("apple"), 5);
        assert_eq!(show(ctx, mt, w(m4)), "%{apple => 5, pear => 0, fig => 7}");
        assert_eq!(show(ctx, mt, w(m3)), "%{apple => 3, pear => 0, fig => 7}");
        assert_eq!(show(ctx, mt, w(m0)), "%{}");
        let m5 = snow_map_delete(ctx, m4, k("pear"));
        assert_eq!(show(ctx, mt, w(m5)), "%{apple => 5, fig => 7}");
        let m6 = snow_map_put(ctx, m5, k("pear"), 9);
        assert_eq!(show(ctx, mt, w(m6)), "%{apple => 5, fig => 7, pear => 9}");
        assert_eq!(show(ctx, mt, w(m4)), "%{apple => 5, pear => 0, fig => 7}");
        // A put onto an old version branches off.
        let b = snow_map_put(ctx, m2, k("kiwi"), 1);
        assert_eq!(show(ctx, mt, w(b)), "%{apple => 3, pear => 0, kiwi => 1}");
        assert_eq!(snow_map_get(ctx, m6, k("pear")), 9);
        assert_eq!(snow_map_get(ctx, m5, k("pear")), 0); // Int default
        assert!(!snow_map_has(ctx, m5, k("pear")));
        assert!(snow_map_has(ctx, m4, k("pear")));
        assert_eq!(snow_map_size(m6), 3);
        assert_eq!(
            text(snow_map_key_at(m6, 2) as usize as *mut SnowStr),
            "pear"
        );
        assert_eq!(snow_map_value_at(m6, 0), 5);
    });
}

/// Random operations on random versions, checked against a plain model.
#[test]
fn map_matches_model() {
    with_ctx(false, |ctx| unsafe {
        let mt = map_desc(&snow_t_Int, &snow_t_Int);
        // Map versions live in a stack array (a conservative root); the
        // models in a Vec beside it.
        const N: usize = 48;
        let mut maps: [*mut Table; N] = [core::ptr::null_mut(); N];
        let mut models: Vec<Vec<(i64, i64)>> = vec![vec![]; N];
        maps[0] = snow_map_new(ctx, mt);
        let mut count = 1;
        let mut seed = 12345u64;
        let mut rnd = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut newest = 0;
        for step in 0..20_000 {
            // Mostly extend the newest version, sometimes an old one.
            let vi = if rnd(10) == 0 {
                rnd(count as u64) as usize
            } else {
                newest
            };
            let (m, mut model) = (maps[vi], models[vi].clone());
            let key = rnd(64) as i64;
            let m2 = if rnd(4) == 0 {
                model.retain(|e| e.0 != key);
                snow_map_delete(ctx, m, key as Word)
            } else {
                let v = step as i64;
                match model.iter_mut().find(|e| e.0 == key) {
                    Some(e) => e.1 = v,
                    None => model.push((key, v)),
                }
                snow_map_put(ctx, m, key as Word, v as Word)
            };
            let slot = if count < N {
                count += 1;
                count - 1
            } else {
                (rnd(N as u64 - 1) as usize + newest + 1) % N
            };
            maps[slot] = m2;
            models[slot] = model;
            newest = slot;
        }
        assert!(process(ctx).heap.collections > 0);
        for (m, model) in maps.iter().zip(&models) {
            assert_eq!(snow_map_size(*m) as usize, model.len());
            for (i, &(k, v)) in model.iter().enumerate() {
                assert_eq!(snow_map_key_at(*m, i as i64), k as Word);
                assert_eq!(snow_map_value_at(*m, i as i64), v as Word);
                assert_eq!(snow_map_get(ctx, *m, k as Word), v as Word);
            }
            for k in 0..64 {
                assert_eq!(
                    snow_map_has(ctx, *m, k),
                    model.iter().any(|e| e.0 == k as i64)
                );
            }
        }
        core::hint::black_box(&maps);
    });
}

#[test]
fn sets_keep_insertion_order() {
    with_ctx(true, |ctx| unsafe {
        let st = set_desc(&snow_t_Int);
        let mut s = snow_set_new(ctx, st);
        for x in [3, 1, 3, 2] {
            s = snow_set_add(ctx, s, x);
        }
        assert_eq!(show(ctx, st, w(s)), "#{3, 1, 2}");
        let r = snow_set_remove(ctx, s, 1);
        assert_eq!(show(ctx, st, w(r)), "#{3, 2}");
        assert_eq!(show(ctx, st, w(s)), "#{3, 1, 2}");
        assert!(snow_set_contains(ctx, s, 1) && !snow_set_contains(ctx, r, 1));
        assert_eq!(snow_set_at(r, 1), 2);
        assert_eq!(snow_set_size(r), 2);
        let ss = set_desc(&snow_t_String);
        let mut s = snow_set_new(ctx, ss);
        for i in 0..2000 {
            s = snow_set_add(ctx, s, w(snow_int_to_str(ctx, i % 500)));
        }
        assert_eq!(snow_set_size(s), 500);
        assert!(snow_set_contains(ctx, s, lit(ctx, "499")));
    });
}

fn point() -> &'static SnowType {
    desc(
        K_STRUCT,
        F_DISPLAY | F_DEBUG,
        c"Point",
        32,
        vec![&snow_t_Int, &snow_t_Int],
        vec![16, 24],
        vec![c"x", c"y"],
        0,
    )
}

unsafe fn new_obj(ctx: *mut Ctx, t: &SnowType, words: &[Word]) -> Word {
    let o = crate::gc::alloc(ctx, t, t.size as usize);
    for (i, &x) in words.iter().enumerate() {
        let ft = t.param(i);
        let p = o.add(t.offset(i));
        match ft.kind {
            K_BOOL | K_UNIT => *p = x as u8,
            _ => *(p as *mut u64) = x,
        }
    }
    o as usize as Word
}

#[test]
fn derived_text_of_user_types() {
    with_ctx(false, |ctx| unsafe {
        let pt = point();
        let p = new_obj(ctx, pt, &[1, 2]);
        assert_eq!(show(ctx, pt, p), "Point(1, 2)");
        assert_eq!(inspect(ctx, pt, p), "Point { x: 1, y: 2 }");
        let dbg_only = desc(
            K_STRUCT,
            F_DEBUG,
            c"Item",
            32,
            vec![&snow_t_String, &snow_t_Int],
            vec![16, 24],
            vec![c"label", c"qty"],
            0,
        );
        let it = new_obj(ctx, dbg_only, &[lit(ctx, "bolt"), 3]);
        assert_eq!(show(ctx, dbg_only, it), "Item { label: bolt, qty: 3 }");
        let e = desc(
            K_STRUCT,
            F_DISPLAY | F_DEBUG,
            c"E",
            16,
            vec![],
            vec![],
            vec![],
            0,
        );
        let eo = new_obj(ctx, e, &[]);
        assert_eq!(show(ctx, e, eo), "E()");
        assert_eq!(inspect(ctx, e, eo), "E {}");
        // type Tone do Plain; Tinted(Float) end, Debug only.
        let plain = desc(K_VARIANT, 0, c"Plain", 16, vec![], vec![], vec![], 0);
        let tinted = desc(
            K_VARIANT,
            0,
            c"Tinted",
            24,
            vec![&snow_t_Float],
            vec![16],
            vec![],
            1,
        );
        let tone = desc(
            K_SUM,
            F_DEBUG,
            c"Tone",
            0,
            vec![plain, tinted],
            vec![],
            vec![],
            0,
        );
        let t1 = new_obj(ctx, tinted, &[0.25f64.to_bits()]);
        let t0 = new_obj(ctx, plain, &[]);
        assert_eq!(show(ctx, tone, t1), "Tinted(0.25)");
        assert_eq!(inspect(ctx, tone, t0), "Plain");
        let never = desc(K_SUM, F_DEBUG, c"Never", 0, vec![], vec![], vec![], 0);
        assert_eq!(show(ctx, never, 0), "<Never>");
        // (Some("z"), true) with Option<String> displayable.
        let some = desc(
            K_VARIANT,
            0,
            c"Some",
            24,
            vec![&snow_t_String],
            vec![16],
            vec![],
            1,
        );
        let none = desc(K_VARIANT, 0, c"None", 16, vec![], vec![], vec![], 0);
        let opt = desc(
            K_SUM,
            F_DISPLAY | F_DEBUG,
            c"Option",
            0,
            vec![none, some],
            vec![],
            vec![],
            0,
        );
        let tup = desc(
            K_TUPLE,
            F_DISPLAY | F_DEBUG,
            c"(Option<String>, Bool)",
            32,
            vec![opt, &snow_t_Bool],
            vec![16, 24],
            vec![],
            0,
        );
        let s = new_obj(ctx, some, &[lit(ctx, "z")]);
        let pair = new_obj(ctx, tup, &[s, 1]);
        assert_eq!(show(ctx, tup, pair), "(Some(z), true)");
        assert_eq!(inspect(ctx, &snow_t_String, lit(ctx, "q")), "\"q\"");
        assert_eq!(show(ctx, &snow_t_Unit, 0), "()");
        assert_eq!(
            show(ctx, &snow_t_Float, 1e20f64.to_bits()),
            "100000000000000000000"
        );
        let lm = map_desc(&snow_t_String, list_of(&snow_t_Int));
        let l = snow_list_from(ctx, list_of(&snow_t_Int), 2, [1u64, 2].as_ptr());
        let m = snow_map_put(ctx, snow_map_new(ctx, lm), lit(ctx, "k"), w(l));
        assert_eq!(show(ctx, lm, w(m)), "%{k => [1, 2]}");
        let r = new_obj(ctx, &snow_t_Range, &[]);
        (*(r as usize as *mut SnowRange)).start = 1;
        (*(r as usize as *mut SnowRange)).stop = 4;
        assert_eq!(show(ctx, &snow_t_Range, r), "1..4");
    });
}

#[test]
fn eq_cmp_hash() {
    with_ctx(false, |ctx| unsafe {
        let pt = point();
        let a = new_obj(ctx, pt, &[1, 2]);
        let b = new_obj(ctx, pt, &[1, 3]);
        let a2 = new_obj(ctx, pt, &[1, 2]);
        assert!(eq(ctx, pt, a, a2) && !eq(ctx, pt, a, b));
        assert_eq!(cmp(ctx, pt, a, b), -1);
        assert_eq!(cmp(ctx, pt, b, a), 1);
        assert_eq!(hash(ctx, pt, a), combine(hash_int(1), hash_int(2)));
        let e = desc(K_STRUCT, 0, c"E", 16, vec![], vec![], vec![], 0);
        assert_eq!(hash(ctx, e, new_obj(ctx, e, &[])), FNV_OFFSET as i64);
        let nan = f64::NAN.to_bits();
        assert_eq!(cmp(ctx, &snow_t_Float, nan, 1f64.to_bits()), 0);
        assert!(!eq(ctx, &snow_t_Float, nan, nan));
        let lt = list_of(&snow_t_String);
        let x = snow_list_from(ctx, lt, 2, [lit(ctx, "a"), lit(ctx, "b")].as_ptr());
        let y = snow_list_from(ctx, lt, 1, [lit(ctx, "a")].as_ptr());
        assert_eq!(cmp(ctx, lt, w(y), w(x)), -1);
        assert!(eq(
            ctx,
            lt,
            w(x),
            w(snow_list_from(
                ctx,
                lt,
                2,
                [lit(ctx, "a"), lit(ctx, "b")].as_ptr()
            ))
        ));
        assert_eq!(
            snow_str_cmp(
                lit(ctx, "ab") as usize as *mut SnowStr,
                lit(ctx, "b") as usize as *mut SnowStr
            ),
            -1
        );
        // Struct keys in a map compare by value.
        let mt = map_desc(pt, &snow_t_Int);
        let m = snow_map_put(ctx, snow_map_new(ctx, mt), a, 10);
        assert_eq!(snow_map_get(ctx, m, a2), 10);
    });
}
