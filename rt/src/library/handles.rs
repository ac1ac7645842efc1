//! Generation-checked handles: a slot is reused only under a new
//! generation, so a stale handle never reaches a later connection.
//!
//! A handle travels in a pointer-sized word, so it is
//! `index << HALF | generation` with `HALF` half the word: 32 bits each on
//! 64-bit targets, 16 on 32-bit ones (armv7), where more than 65,535 live
//! handles of one kind cannot be given out.

use std::sync::{Arc, Mutex};

/// §5.0.1: the text for a stale database connection handle.
pub const CLOSED: &str = "connection is closed";

/// Bits of the generation (and of the index).
const HALF: u32 = usize::BITS / 2;
/// The largest generation and index.
const MAX: u64 = (1u64 << HALF) - 1;

struct Slot<T> {
    gen: u32,
    item: Option<Arc<T>>,
}

/// A table of shared items addressed by `index << HALF | generation`.
pub struct Handles<T> {
    slots: Mutex<(Vec<Slot<T>>, Vec<u32>)>,
}

impl<T> Default for Handles<T> {
    fn default() -> Self {
        Handles {
            slots: Mutex::new((Vec::new(), Vec::new())),
        }
    }
}

impl<T> Handles<T> {
    /// Stores `item`; the handle is never 0 (generations start at 1).
    pub fn insert(&self, item: T) -> i64 {
        let mut g = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let (slots, free) = &mut *g;
        let index = match free.pop() {
            Some(i) => i,
            None => {
                assert!(
                    slots.len() as u64 <= MAX,
                    "more live handles than a word can address"
                );
                slots.push(Slot { gen: 0, item: None });
                (slots.len() - 1) as u32
            }
        };
        let slot = &mut slots[index as usize];
        slot.gen = ((slot.gen as u64 + 1) & MAX).max(1) as u32;
        slot.item = Some(Arc::new(item));
        ((index as i64) << HALF) | slot.gen as i64
    }

    /// The live item of `handle`, if any.
    pub fn get(&self, handle: i64) -> Option<Arc<T>> {
        let g = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let (index, gen) = split(handle)?;
        let slot = g.0.get(index)?;
        (slot.gen == gen).then(|| slot.item.clone()).flatten()
    }

    /// Takes the item of `handle` out of the table; `None` if it was not
    /// live (closing twice is harmless). Holders of a clone keep it alive
    /// until they finish.
    pub fn remove(&self, handle: i64) -> Option<Arc<T>> {
        let mut g = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let (index, gen) = split(handle)?;
        let (slots, free) = &mut *g;
        let slot = slots.get_mut(index)?;
        if slot.gen != gen {
            return None;
        }
        let item = slot.item.take()?;
        free.push(index as u32);
        Some(item)
    }
}

fn split(handle: i64) -> Option<(usize, u32)> {
    let (index, gen) = ((handle as u64) >> HALF, handle as u64 & MAX);
    (handle > 0 && index <= MAX && gen != 0).then_some((index as usize, gen as u32))
}
