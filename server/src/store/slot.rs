//! Which of a group's data keys sealed a row, the same in every store: the
//! month (UTC) it was written in, and how many times the group's keys were
//! replaced within that month. Erasing a former member replaces them: the
//! flush that erases, and everything after it, is sealed with a new key,
//! and every older key is destroyed, so no copy of a row written before
//! the erasure opens again.
//!
//! Stored as one integer, `month + turn × 65 536`: a key never replaced is
//! stored as its month, as it was before keys could be replaced.

/// A group's data key: its month and its turn within the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct KeySlot(u32);

const TURN: u32 = 1 << 16;

impl KeySlot {
    /// A month's first key.
    pub fn first(month: u32) -> KeySlot {
        KeySlot(month % TURN)
    }

    /// The key that replaces this one, in the same month.
    pub fn next(self) -> KeySlot {
        KeySlot(self.0 + TURN)
    }

    pub fn month(self) -> u32 {
        self.0 % TURN
    }

    /// Whether this key replaced others (an erasure made it).
    pub fn replaced_others(self) -> bool {
        self.0 >= TURN
    }

    /// Whether this key sealed rows written before `other`'s.
    pub fn older_than(self, other: KeySlot) -> bool {
        (self.month(), self.0) < (other.month(), other.0)
    }

    pub fn stored(self) -> u32 {
        self.0
    }

    pub fn from_stored(stored: u32) -> KeySlot {
        KeySlot(stored)
    }
}

/// What a flush's durability lets the store destroy of its group's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shred {
    /// The months before this one have expired: their keys go.
    ExpiredBefore(u32),
    /// A former member was erased: this flush is sealed with a new key,
    /// and every key before it goes.
    Erased,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_is_newer_than_its_month_and_older_than_the_next() {
        let march = KeySlot::first(686);
        let replaced = march.next();
        let april = KeySlot::first(687);
        assert_eq!(march.stored(), 686, "a first key is stored as its month");
        assert_eq!(replaced.month(), 686);
        assert!(replaced.replaced_others() && !march.replaced_others());
        assert!(march.older_than(replaced));
        assert!(replaced.older_than(april));
        assert!(!replaced.older_than(march));
        assert!(KeySlot::first(685).next().next().older_than(march));
    }
}
