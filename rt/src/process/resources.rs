//! Resources a process owns outside its heap (sockets and their reactor
//! registrations). Exits do not unwind (a killed process's frames are
//! abandoned), so a value held only in a local would never be dropped: a
//! process that keeps such a value hands it to `own`, uses it through the
//! returned pointer, and either `release`s it or leaves it to `finalize`,
//! which drops whatever is left when the process ends.

use super::pcb::{actor_of, SpawnEntry};
use super::{lifecycle, scheduler};
use crate::base::abi::{Ctx, Word};
use crate::gc::heap::Heap;
use core::any::Any;

/// The resources of one process, oldest first.
#[derive(Default)]
pub struct Owned {
    items: Vec<Box<dyn Any>>,
}

impl Owned {
    /// Drops every resource, newest first.
    pub fn clear(&mut self) {
        while let Some(r) = self.items.pop() {
            drop(r);
        }
    }
}

/// Gives `v` to the running process; the pointer stays valid until
/// `release` or the process's exit.
///
/// # Safety
/// `ctx` is the running process's context.
pub unsafe fn own<T: 'static>(ctx: *mut Ctx, v: T) -> *mut T {
    let a = actor_of(ctx).expect("resources belong to scheduled processes");
    let mut b: Box<dyn Any> = Box::new(v);
    let p = b.downcast_mut::<T>().expect("just boxed") as *mut T;
    (*a.owned()).resources.items.push(b);
    p
}

/// Spawns a process running `entry(ctx, p)`, where `p` points to `v`, a
/// resource the new process owns from the start: it is dropped at its exit
/// even when the process is killed before it first runs. The process
/// starts with an empty heap.
///
/// # Safety
/// `ctx` is the running process's context; `entry` reads its argument as a
/// `*mut T`.
pub unsafe fn spawn_owning<T: 'static>(ctx: *mut Ctx, entry: SpawnEntry, v: T) -> u64 {
    let mut b: Box<dyn Any> = Box::new(v);
    let p = b.downcast_mut::<T>().expect("just boxed") as *mut T;
    let heap = Heap::new(scheduler::get().gc_stress);
    lifecycle::spawn_prepared(ctx, entry, p as usize as Word, heap, move |a| {
        // The process cannot run yet: its resources are ours to fill.
        (*a.owned()).resources.items.push(b)
    })
}

/// Takes the resource `p` (from `own`) back from the running process
/// without dropping it: it is the caller's to keep (at the same address)
/// or drop from now on.
///
/// # Safety
/// `ctx` is the running process's context and `p` one of its resources.
pub unsafe fn disown<T: 'static>(ctx: *mut Ctx, p: *mut T) -> Option<Box<T>> {
    let a = actor_of(ctx)?;
    let items = &mut (*a.owned()).resources.items;
    let i = items
        .iter_mut()
        .rposition(|b| b.downcast_mut::<T>().is_some_and(|x| core::ptr::eq(x, p)))?;
    items.remove(i).downcast::<T>().ok()
}

/// Drops the resource `p` (from `own`) now.
///
/// # Safety
/// `ctx` is the running process's context and `p` one of its resources.
pub unsafe fn release<T: 'static>(ctx: *mut Ctx, p: *mut T) {
    let Some(a) = actor_of(ctx) else { return };
    let items = &mut (*a.owned()).resources.items;
    if let Some(i) = items
        .iter_mut()
        .rposition(|b| b.downcast_mut::<T>().is_some_and(|x| core::ptr::eq(x, p)))
    {
        drop(items.remove(i));
    }
}
