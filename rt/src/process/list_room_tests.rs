//! The spare room at both ends of a list store: prepends and appends claim
//! it in place only for the view at the matching watermark, older versions
//! never change, and message copies carry only the live items.

use crate::base::abi::*;
use crate::gc::heap::Heap;
use crate::gc::store::Store;
use crate::gc::testutil::*;
use crate::process::copy::copy_value;
use crate::values::list::*;
use crate::values::string::lit;

fn contents(l: *mut SnowList) -> Vec<Word> {
    // SAFETY: test lists are live.
    unsafe { items(l).to_vec() }
}

fn store_of(l: *mut SnowList) -> *mut Store {
    // SAFETY: as above.
    unsafe { (*l).store as *mut Store }
}

#[test]
fn prepend_claims_the_front_once() {
    with_ctx(false, |ctx| unsafe {
        let lt = list_of(&snow_t_Int);
        let one = snow_list_from(ctx, lt, 1, [7u64].as_ptr());
        let base = snow_list_prepend(ctx, one, 6);
        let base = snow_list_prepend(ctx, base, 5);
        assert_eq!(contents(base), [5, 6, 7]);
        let s = store_of(base);
        let front = (*s).front;
        assert!(front > 0, "a prepended copy gets room at the front");

        let x = snow_list_prepend(ctx, base, 4);
        assert_eq!(store_of(x), s, "the newest version grows in place");
        assert_eq!((*s).front, front - 1);
        let y = snow_list_prepend(ctx, base, 3);
        assert_ne!(store_of(y), s, "the slot before base is x's now: copy");
        let z = snow_list_concat(ctx, snow_list_from(ctx, lt, 2, [1u64, 2].as_ptr()), x);
        assert_eq!(
            store_of(z),
            s,
            "x starts at the front: [a, b] ++ x in place"
        );
        assert_eq!(contents(base), [5, 6, 7]);
        assert_eq!(contents(x), [4, 5, 6, 7]);
        assert_eq!(contents(y), [3, 5, 6, 7]);
        assert_eq!(contents(z), [1, 2, 4, 5, 6, 7]);

        // A tail does not start at the front, so it copies.
        let t = snow_list_tail(ctx, z);
        let t1 = snow_list_prepend(ctx, t, 9);
        assert_ne!(store_of(t1), s);
        assert_eq!(contents(t1), [9, 2, 4, 5, 6, 7]);
        assert_eq!(contents(z), [1, 2, 4, 5, 6, 7]);

        // Appending to a prepended list and prepending to an appended one.
        let a = snow_list_append(ctx, z, 8);
        let b = snow_list_append(ctx, z, 10);
        let c = snow_list_prepend(ctx, a, 0);
        assert_eq!(contents(a), [1, 2, 4, 5, 6, 7, 8]);
        assert_eq!(contents(b), [1, 2, 4, 5, 6, 7, 10]);
        assert_eq!(contents(c), [0, 1, 2, 4, 5, 6, 7, 8]);
        assert_eq!(snow_list_get(ctx, c, 7), 8);
    });
}

#[test]
fn accumulating_at_either_end_copies_geometrically() {
    with_ctx(false, |ctx| unsafe {
        let lt = list_of(&snow_t_Int);
        for mode in 0..3 {
            let mut acc = snow_list_from(ctx, lt, 0, core::ptr::null());
            let mut stores = 0;
            let mut last = core::ptr::null_mut();
            for i in 0..100_000u64 {
                acc = match mode {
                    0 => snow_list_prepend(ctx, acc, i),
                    1 => snow_list_concat(ctx, snow_list_from(ctx, lt, 1, &i), acc),
                    // Alternating ends keeps the room of the other end.
                    _ if i % 2 == 0 => snow_list_prepend(ctx, acc, i),
                    _ => snow_list_append(ctx, acc, i),
                };
                if store_of(acc) != last {
                    last = store_of(acc);
                    stores += 1;
                }
            }
            assert!(stores < 40, "mode {mode}: {stores} copies");
            assert_eq!((*acc).len, 100_000);
            let v = contents(acc);
            if mode < 2 {
                assert!(v.iter().rev().copied().eq(0..100_000));
            } else {
                let evens = (0..50_000u64).rev().map(|i| 2 * i);
                let odds = (0..50_000u64).map(|i| 2 * i + 1);
                assert!(v.iter().copied().eq(evens.chain(odds)));
            }
        }
    });
}

#[test]
fn prepended_strings_survive_collections() {
    with_ctx(true, |ctx| unsafe {
        let lt = list_of(&snow_t_String);
        let mut acc = snow_list_from(ctx, lt, 0, core::ptr::null());
        let mut old = Vec::new();
        for i in 0..300 {
            acc = snow_list_prepend(ctx, acc, lit(ctx, &format!("s{i}")));
            if i % 100 == 0 {
                old.push(acc as usize);
                process(ctx).roots.push(acc as usize);
            }
        }
        let text = |l: *mut SnowList| {
            contents(l)
                .iter()
                .map(|&s| text(s as usize as *mut SnowStr))
                .collect::<Vec<_>>()
        };
        let all = text(acc);
        assert_eq!(all.len(), 300);
        assert_eq!((all[0].as_str(), all[299].as_str()), ("s299", "s0"));
        for (k, &o) in old.iter().enumerate() {
            let want: Vec<String> = (0..=k * 100).rev().map(|i| format!("s{i}")).collect();
            assert_eq!(text(o as *mut SnowList), want);
        }
        process(ctx).roots.clear();
    });
}

/// Copies `l` into a fresh heap, which holds the copy and is returned with it.
unsafe fn copy_of(l: *mut SnowList) -> (Heap, *mut SnowList) {
    let mut frag = Heap::new(false);
    let c = copy_value(&mut frag, &*(*l).h.ty, l as usize as Word) as usize as *mut SnowList;
    (frag, c)
}

#[test]
fn copies_carry_only_what_the_list_sees() {
    with_ctx(false, |ctx| unsafe {
        let lt = list_of(&snow_t_Int);
        let mut acc = snow_list_from(ctx, lt, 0, core::ptr::null());
        for i in 0..10_000u64 {
            acc = snow_list_prepend(ctx, acc, i);
        }
        let s = store_of(acc);
        assert!((*s).cap as usize > 10_000, "room to spare in the original");
        let (frag, c) = copy_of(acc);
        assert!(contents(c).iter().rev().copied().eq(0..10_000));
        let bytes = frag.allocated_bytes();
        assert!(bytes < 10_000 * 8 + 4096, "copied {bytes} bytes");
        let cs = (*c).store as *mut Store;
        assert_eq!(((*cs).front, (*cs).used, (*cs).cap), (0, 10_000, 10_000));

        // A short view of a big store becomes a list of its own.
        let mut t = acc;
        for _ in 0..9_990 {
            t = snow_list_tail(ctx, t);
        }
        let (frag, c) = copy_of(t);
        assert_eq!(contents(c), (0..10).rev().collect::<Vec<_>>());
        let bytes = frag.allocated_bytes();
        assert!(bytes <= 128, "copied {bytes} bytes");
        assert_eq!((*c).store as usize, c as usize);
    });
}
