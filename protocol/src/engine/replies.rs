//! The answers to each member's recent commands, so a re-sent command is
//! answered again rather than applied again.

use crate::reply::ErrorCode;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// How many command ids of each member are remembered.
pub const REMEMBERED_IDS_MAX: usize = 1000;

/// The first answer to a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    Ack(Option<u64>),
    Error(ErrorCode, Box<str>),
}

/// A bounded map from command id to its first answer.
///
/// Ids are kept as 64-bit FNV-1a hashes: a few bytes each instead of the id
/// itself, with a chance of a false match among 1 000 ids near 10⁻¹⁴.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentAnswers {
    order: VecDeque<u64>,
    answers: HashMap<u64, Answer>,
}

impl RecentAnswers {
    pub fn get(&self, id: &str) -> Option<&Answer> {
        self.answers.get(&fnv1a(id))
    }

    pub fn remember(&mut self, id: &str, answer: Answer) {
        let key = fnv1a(id);
        if self.answers.insert(key, answer).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > REMEMBERED_IDS_MAX {
            if let Some(oldest) = self.order.pop_front() {
                self.answers.remove(&oldest);
            }
        }
    }
}

/// FNV-1a, 64 bits: stable across builds, unlike std's hasher, so the hashes
/// in a snapshot still match after an upgrade.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_beyond_the_bound() {
        let mut answers = RecentAnswers::default();
        for n in 0..REMEMBERED_IDS_MAX + 5 {
            answers.remember(&format!("c-{n}"), Answer::Ack(Some(n as u64)));
        }
        assert_eq!(answers.order.len(), REMEMBERED_IDS_MAX);
        assert_eq!(answers.answers.len(), REMEMBERED_IDS_MAX);
        assert!(answers.get("c-0").is_none());
        assert_eq!(answers.get("c-5"), Some(&Answer::Ack(Some(5))));
    }
}
