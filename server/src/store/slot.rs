//! Which of a group's data keys sealed a row, the same in every store: the
//! month (UTC) it was written in, and how many times the group's keys were
//! replaced within that month. Erasing a former member replaces them: the
//! flush that erases, and everything after it, is sealed with a new key,
//! and every older key is destroyed, so no copy of a row written before
//! the erasure opens again.
//!
//! Stored as one integer, `month + turn × 65 536`: a key never replaced is
//! stored as its month, as it was before keys could be replaced. (The
//! stores' SQL spells the divisor out: `slot % 65536` is a key's month.)

/// A group's data key: its month and its turn within the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// The slot a group's rows of `month` are sealed with, given its newest
    /// key: that one while its month is this one or later (a clock set back
    /// never seals with a key older than an erasure's, which would then be
    /// destroyed), else the month's first, new.
    pub fn to_seal(newest: Option<KeySlot>, month: u32) -> Result<KeySlot, KeySlot> {
        match newest {
            Some(newest) if newest.month() >= month => Ok(newest),
            _ => Err(KeySlot::first(month)),
        }
    }

    /// The slot of a new key that replaces all of a group's keys.
    pub fn replacing(newest: Option<KeySlot>, month: u32) -> KeySlot {
        match KeySlot::to_seal(newest, month) {
            Ok(newest) => newest.next(),
            Err(first) => first,
        }
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

impl Shred {
    /// Whether a key of `slot` is kept by this shred, whose flush was
    /// sealed with `sealed`.
    pub(crate) fn keeps(self, slot: KeySlot, sealed: KeySlot) -> bool {
        match self {
            Shred::ExpiredBefore(month) => slot.month() >= month,
            Shred::Erased => !slot.older_than(sealed),
        }
    }
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

    #[test]
    fn rows_are_sealed_with_the_newest_key_unless_their_month_is_later() {
        let march = KeySlot::first(686);
        let replaced = march.next();
        assert_eq!(KeySlot::to_seal(None, 686), Err(march));
        assert_eq!(KeySlot::to_seal(Some(replaced), 686), Ok(replaced));
        // A clock set back to February still seals with the replacement.
        assert_eq!(KeySlot::to_seal(Some(replaced), 685), Ok(replaced));
        assert_eq!(
            KeySlot::to_seal(Some(replaced), 687),
            Err(KeySlot::first(687))
        );
        assert_eq!(KeySlot::replacing(Some(replaced), 685), replaced.next());
        assert_eq!(KeySlot::replacing(Some(march), 687), KeySlot::first(687));
        assert_eq!(TURN, 65_536, "the divisor the stores' SQL spells out");
    }
}
