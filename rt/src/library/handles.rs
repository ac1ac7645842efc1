//! Generation-checked handles: a slot is reused only under a new
//! generation, so a stale handle never reaches a later connection.

use std::sync::{Arc, Mutex};

struct Slot<T> {
    gen: u32,
    item: Option<Arc<T>>,
}

/// A table of shared items addressed by `index << 32 | generation`.
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
                slots.push(Slot { gen: 0, item: None });
                (slots.len() - 1) as u32
            }
        };
        let slot = &mut slots[index as usize];
        slot.gen = slot.gen.wrapping_add(1).max(1);
        slot.item = Some(Arc::new(item));
        ((index as i64) << 32) | slot.gen as i64
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
    let (index, gen) = ((handle >> 32) as u64, handle as u32);
    (handle > 0 && index <= u32::MAX as u64 && gen != 0).then_some((index as usize, gen))
}
