//! Unit tests of the process pieces that work without a scheduler: deep
//! copies into fresh heaps, mailbox queues, type identity, exit reasons.

use super::copy::{copy_value, needs_copy};
use super::mailbox::{same_type, Inbox, Msg, MsgQueue};
use super::reason::*;
use crate::base::abi::*;
use crate::gc::heap::Heap;
use crate::gc::testutil::*;
use crate::values::list::*;
use crate::values::map::*;
use crate::values::protocols::snow_eq;
use crate::values::set::*;
use crate::values::string::lit;

fn string_t() -> &'static SnowType {
    &snow_t_String
}

/// struct Rec do n :: Int  name :: String  tags :: List<String> end
fn rec_t() -> &'static SnowType {
    desc(
        K_STRUCT,
        F_DISPLAY | F_DEBUG,
        c"Rec",
        40,
        vec![&snow_t_Int, string_t(), list_of(string_t())],
        vec![16, 24, 32],
        vec![c"n", c"name", c"tags"],
        0,
    )
}

/// Every object reachable from `w` (through the collector's tracing)
/// lives in `heap`, or is static.
unsafe fn all_in(heap: &Heap, w: usize) -> bool {
    let mut stack = vec![w];
    let mut seen = std::collections::HashSet::new();
    while let Some(o) = stack.pop() {
        if o == 0 || !seen.insert(o) {
            continue;
        }
        if (*(o as *const Hdr)).gc & GC_STATIC != 0 {
            continue;
        }
        if heap.find_object(o) != Some(o) {
            return false;
        }
        crate::gc::trace::trace_object(o, &mut |c| stack.push(c));
    }
    true
}

/// Copies `v` into a fresh heap, checks the copy is equal, separate and
/// self-contained, then adopts it into the process heap and collects with
/// only the copy, the original and the test's own roots (`ProcessState::roots`):
/// the copy must survive intact.
fn roundtrip(ctx: *mut Ctx, t: &'static SnowType, v: Word) {
    // SAFETY: `v` is a live value of type `t` in the test process.
    unsafe {
        let mut frag = Heap::new(false);
        let c = copy_value(&mut frag, t, v);
        assert_ne!(c, v, "a heap value must be copied");
        assert!(all_in(&frag, c as usize), "copy escapes its fragment");
        assert!(snow_eq(ctx, t, v, c));
        let p = process(ctx);
        p.heap.adopt(&mut frag);
        assert_eq!(frag.mapped_bytes(), 0);
        let mut roots = p.roots.clone();
        roots.extend([c as usize, v as usize]);
        p.heap.collect(&[], &roots);
        assert!(snow_eq(ctx, t, v, c));
    }
}

#[test]
fn deep_copies_of_every_kind_of_value() {
    with_ctx(false, |ctx| unsafe {
        let keep = |w: Word| {
            process(ctx).roots.push(w as usize);
            w
        };
        let s = keep(lit(ctx, "hello"));
        roundtrip(ctx, string_t(), s);

        let lt = list_of(string_t());
        let items: Vec<Word> = (0..20)
            .map(|i| keep(lit(ctx, &format!("item{i}"))))
            .collect();
        let l = keep(from_slice(ctx, lt, &items) as Word);
        roundtrip(ctx, lt, l);
        // a view sharing another list's items
        let tail = keep(snow_list_tail(ctx, l as *mut SnowList) as Word);
        roundtrip(ctx, lt, tail);
        // a list over a separate, growing store
        let b = keep(snow_list_builder(ctx, lt, 2) as Word) as *mut SnowList;
        for &w in &items {
            snow_list_builder_push(ctx, b, w);
        }
        roundtrip(ctx, lt, b as Word);

        let rt = rec_t();
        let r = keep(crate::gc::alloc(ctx, rt, 40) as Word) as *mut u8;
        *(r.add(16) as *mut i64) = 7;
        *(r.add(24) as *mut Word) = s;
        *(r.add(32) as *mut Word) = tail;
        roundtrip(ctx, rt, r as Word);

        let mt = desc(
            K_MAP,
            F_DISPLAY | F_DEBUG,
            c"Map",
            0,
            vec![string_t(), &snow_t_Int],
            vec![],
            vec![],
            0,
        );
        let mut m = snow_map_new(ctx, mt);
        for (i, &k) in items.iter().enumerate() {
            m = keep(snow_map_put(ctx, m, k, i as Word) as Word) as *mut _;
        }
        roundtrip(ctx, mt, m as Word);

        let st = desc(
            K_SET,
            F_DISPLAY | F_DEBUG,
            c"Set",
            0,
            vec![&snow_t_Int],
            vec![],
            vec![],
            0,
        );
        let mut set = snow_set_new(ctx, st);
        for i in 0..100 {
            set = keep(snow_set_add(ctx, set, i * 7) as Word) as *mut _;
        }
        roundtrip(ctx, st, set as Word);
        process(ctx).roots.clear();
    });
}

#[test]
fn copies_keep_sharing_and_statics() {
    with_ctx(false, |ctx| unsafe {
        let lt = list_of(string_t());
        let s = lit(ctx, "shared");
        let l = from_slice(ctx, lt, &[s, s, s]) as Word;
        let mut frag = Heap::new(false);
        let c = copy_value(&mut frag, lt, l) as *const SnowList;
        let it = items(c);
        assert!(it[0] == it[1] && it[1] == it[2] && it[0] != s);

        let lit_obj = Box::leak(Box::new(SnowStr {
            h: Hdr {
                ty: &snow_t_String,
                gc: GC_STATIC,
            },
            len: 0,
            data: [],
        }));
        let w = lit_obj as *const SnowStr as Word;
        assert!(!needs_copy(string_t(), w));
        assert_eq!(copy_value(&mut frag, string_t(), w), w);
        assert_eq!(copy_value(&mut frag, &snow_t_Int, 42), 42);
        assert!(!needs_copy(&snow_t_Int, 42));
    });
}

#[test]
fn deep_structures_copy_without_recursion() {
    with_ctx(false, |ctx| unsafe {
        // List<List<...>> nested 100,000 deep: a recursive copier would
        // overflow a process stack.
        let inner = desc(
            K_LIST,
            F_DISPLAY | F_DEBUG,
            c"List",
            0,
            vec![&snow_t_Int],
            vec![],
            vec![],
            0,
        );
        let mut t: &'static SnowType = inner;
        let mut v = from_slice(ctx, inner, &[1]) as Word;
        let mut keep = vec![v as usize];
        for _ in 0..100_000 {
            t = list_of(t);
            v = from_slice(ctx, t, &[v]) as Word;
            keep.push(v as usize);
            process(ctx).roots.push(v as usize);
        }
        let mut frag = Heap::new(false);
        let c = copy_value(&mut frag, t, v);
        assert!(all_in(&frag, c as usize));
        process(ctx).roots.clear();
    });
}

fn node(word: Word) -> Box<Msg> {
    Msg::new(&snow_t_Int, word, None)
}

#[test]
fn mailbox_queues_keep_order_and_unlink_anywhere() {
    let inbox = Inbox::default();
    assert!(inbox.is_empty());
    for i in 0..5 {
        assert!(inbox.push(node(i)).is_ok());
    }
    let mut q = MsgQueue::default();
    let (h, t) = inbox.take_all();
    assert!(inbox.is_empty());
    // SAFETY: the chain came from the inbox; nodes are unlinked once.
    unsafe {
        let first = q.append_chain(h, t);
        assert_eq!((*first).word, 0);
        assert!(inbox.push(node(5)).is_ok());
        let (h, t) = inbox.take_all();
        q.append_chain(h, t);
        assert_eq!(q.len, 6);
        // take 2 (middle), 0 (head), 5 (tail)
        let mut m = q.head;
        let mut order = Vec::new();
        while !m.is_null() {
            order.push((*m).word);
            m = (*m).next;
        }
        assert_eq!(order, [0, 1, 2, 3, 4, 5]);
        let two = (*(*q.head).next).next;
        assert_eq!(q.unlink(two).word, 2);
        assert_eq!(q.unlink(q.head).word, 0);
        assert_eq!(q.unlink(q.tail).word, 5);
        let mut m = q.head;
        let mut rest = Vec::new();
        while !m.is_null() {
            rest.push((*m).word);
            m = (*m).next;
        }
        assert_eq!(rest, [1, 3, 4]);
        assert_eq!((*q.tail).word, 4);
        assert!((*q.head).prev.is_null());
    }
    q.clear();
    assert_eq!(q.len, 0);
    assert!(inbox.push(node(9)).is_ok()); // dropped with the inbox
}

#[test]
fn a_closed_inbox_refuses_messages() {
    let inbox = Inbox::default();
    assert!(inbox.push(node(1)).is_ok());
    inbox.close();
    assert!(inbox.is_empty());
    let back = inbox.push(node(2)).err().map(|m| m.word);
    assert_eq!(back, Some(2));
    assert_eq!(inbox.take_all().0, core::ptr::null_mut());
    assert!(inbox.is_empty());
}

#[test]
fn concurrent_senders_keep_their_own_order() {
    let inbox = std::sync::Arc::new(Inbox::default());
    let senders: Vec<_> = (0..4u64)
        .map(|s| {
            let inbox = inbox.clone();
            std::thread::spawn(move || {
                for i in 0..10_000u64 {
                    assert!(inbox.push(node(s << 32 | i)).is_ok());
                }
            })
        })
        .collect();
    let mut last = [None::<u64>; 4];
    let mut seen = 0;
    let mut q = MsgQueue::default();
    while seen < 40_000 {
        let (h, t) = inbox.take_all();
        // SAFETY: the chain came from the inbox.
        unsafe {
            let mut m = q.append_chain(h, t);
            while !m.is_null() {
                let w = (*m).word;
                let (s, i) = ((w >> 32) as usize, w & 0xffff_ffff);
                assert!(last[s].is_none_or(|l| l < i), "sender {s} out of order");
                last[s] = Some(i);
                seen += 1;
                m = (*m).next;
            }
        }
    }
    for t in senders {
        t.join().unwrap();
    }
    q.clear();
}

#[test]
fn message_type_identity() {
    let a = list_of(string_t());
    let b = list_of(string_t());
    let c = list_of(&snow_t_Int);
    // SAFETY: valid descriptors.
    unsafe {
        assert!(same_type(a, a));
        assert!(same_type(a, b), "same type from two descriptors");
        assert!(!same_type(a, c));
        assert!(!same_type(&snow_t_Int, &snow_t_String));
        assert!(!same_type(&snow_t_Int, core::ptr::null()));
    }
}

#[test]
fn exit_reasons_and_tags() {
    assert_eq!(Reason::Normal.tag(), TAG_NORMAL);
    assert_eq!(Reason::Error(b"x".to_vec()).tag(), 1);
    assert_eq!(Reason::Killed.tag(), 2);
    assert_eq!(Reason::Linked(3, Box::new(Reason::Killed)).tag(), 3);
    assert_eq!(Reason::Shutdown.tag(), 4);
    assert_eq!(Reason::Custom(vec![]).tag(), 5);
    assert!(Reason::Normal.is_normal() && Reason::Shutdown.is_normal());
    assert!(!Reason::Killed.is_normal() && !Reason::Error(vec![]).is_normal());
    assert_eq!(
        Reason::from_tag(1, b"boom"),
        Some(Reason::Error(b"boom".to_vec()))
    );
    assert_eq!(Reason::from_tag(TAG_LINKED, b""), None);
    let r = Reason::Linked(4, Box::new(Reason::Error(b"boom".to_vec())));
    assert_eq!(r.to_string(), "linked(<0.4>, error(boom))");
    assert_eq!(r.message(), b"boom");
}

#[test]
fn frozen_values_are_shared_and_never_written() {
    with_ctx(false, |ctx| unsafe {
        let keep = |w: Word| {
            process(ctx).roots.push(w as usize);
            w
        };
        let mt = desc(
            K_MAP,
            F_DISPLAY | F_DEBUG,
            c"Map",
            0,
            vec![&snow_t_Int, &snow_t_Int],
            vec![],
            vec![],
            0,
        );
        // A map whose log has spare room, with a superseded entry (so
        // walking it in order would cache a cursor).
        let mut m = snow_map_new(ctx, mt);
        for i in 0..5 {
            m = keep(snow_map_put(ctx, m, i, i as Word * 10) as Word) as *mut _;
        }
        m = keep(snow_map_put(ctx, m, 2, 99) as Word) as *mut _;
        let lt = list_of(&snow_t_Int);
        let b = keep(snow_list_builder(ctx, lt, 8) as Word) as *mut SnowList;
        snow_list_builder_push(ctx, b, 1);
        let rt = desc(
            K_TUPLE,
            F_DEBUG,
            c"Pair",
            32,
            vec![mt, lt],
            vec![16, 24],
            vec![],
            0,
        );
        let pair = keep(crate::gc::alloc(ctx, rt, 32) as Word) as *mut u8;
        *(pair.add(16) as *mut Word) = m as Word;
        *(pair.add(24) as *mut Word) = b as Word;

        let f = super::literal::freeze(rt, pair as Word);
        assert_ne!(f, pair as Word);
        assert!(snow_eq(ctx, rt, f, pair as Word));
        // Shared, not copied: a message or spawn argument carries the pointer.
        assert!(!needs_copy(rt, f));
        let mut frag = Heap::new(false);
        assert_eq!(copy_value(&mut frag, rt, f), f);
        assert_eq!(frag.mapped_bytes(), 0);

        let fm = *((f as usize + 16) as *const Word) as *mut crate::gc::store::Table;
        let fl = *((f as usize + 24) as *const Word) as *mut SnowList;
        let snapshot = |t: *mut crate::gc::store::Table| {
            let keys = (*t).keys;
            ((*keys).used, (*t).cur_i, (*t).cur_j, (*t).cur_e)
        };
        let before = snapshot(fm);
        // Growing and walking frozen versions makes copies, writing nothing.
        let m2 = keep(snow_map_put(ctx, fm, 7, 70) as Word) as *mut crate::gc::store::Table;
        assert_eq!(snow_map_size(m2), 6);
        assert_eq!(snow_map_size(fm), 5);
        let mut seen = Vec::new();
        crate::values::hash_table::for_each(fm, |k, v| seen.push((k, v)));
        assert_eq!(seen, [(0, 0), (1, 10), (2, 99), (3, 30), (4, 40)]);
        assert_eq!(snapshot(fm), before);
        let l2 = keep(snow_list_append(ctx, fl, 2) as Word) as *mut SnowList;
        assert_eq!(items(l2), [1, 2]);
        assert_eq!(items(fl), [1]);
    });
}
