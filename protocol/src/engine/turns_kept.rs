//! Rule 3 through a dropped connection: a turn that comes while its member
//! is away is kept for them once, at the end of the cycle, and a member who
//! arrives or comes back during a round is added at its end.
//!
//! Connections drop for a second on trains and weak Wi-Fi; without this a
//! blip at the moment one's turn comes would cost the whole turn, and a
//! reconnect gap when a round starts would leave a member out of it.

use super::state::Rotation;
use super::Engine;
use crate::event::{Event, TurnEndReason};
use crate::ids::MemberId;

impl Rotation {
    /// Moves an absent member to the end of this cycle, once: true if they
    /// were moved, false if they had been moved already (and so lose the turn).
    fn keep_turn_for(&mut self, member: &MemberId) -> bool {
        if !self.moved.insert(member.clone()) {
            return false;
        }
        self.remaining.push_back(member.clone());
        true
    }

    /// Adds a member who was not in the round to the end of this cycle, and
    /// to the cycles after it at their place in `round_order`: true if they
    /// were added.
    fn add_latecomer(&mut self, member: &MemberId, round_order: &[MemberId]) -> bool {
        if self.participants.contains(member) {
            // Their turn in this cycle is still to come (they are in
            // `remaining`), or came and went: nothing to add.
            return false;
        }
        let rank = |m: &MemberId| round_order.iter().position(|o| o == m);
        let place = self
            .participants
            .iter()
            .position(|p| rank(p) > rank(member))
            .unwrap_or(self.participants.len());
        self.participants.insert(place, member.clone());
        self.remaining.push_back(member.clone());
        true
    }

    /// The order still to speak, as clients show it.
    fn order(&self) -> Vec<MemberId> {
        self.remaining.iter().cloned().collect()
    }

    /// A new cycle: everyone gets their one move to the end again.
    pub(crate) fn begin_cycle(&mut self) {
        self.cycle += 1;
        self.remaining = self.participants.iter().cloned().collect();
        self.moved.clear();
    }
}

impl Engine {
    /// The turn of `member` came while they were away: `turn.ended`
    /// (`absent`), and the first time in a cycle they are moved to its end,
    /// said with `order.updated` so the member and the facilitator see where.
    pub(crate) fn turn_came_while_absent(&mut self, member: MemberId) {
        let Some(rotation) = self.run_mut().and_then(|r| r.phase.rotation.as_mut()) else {
            return;
        };
        let moved = rotation.keep_turn_for(&member);
        let order = rotation.order();
        self.out.emit(Event::TurnEnded {
            member,
            reason: TurnEndReason::Absent,
            spoke_ms: 0,
        });
        if moved {
            self.out.emit(Event::OrderUpdated { order });
        }
    }

    /// A member arrived or came back: in a round they were not part of, and
    /// not the presenter, they are added at the end of the cycle.
    pub(crate) fn join_running_round(&mut self, member: &MemberId) {
        let round_order = self.round_order();
        let Some(run) = self.run_mut() else { return };
        if run.is_presenter(member) {
            return;
        }
        let Some(rotation) = run.phase.rotation.as_mut() else {
            return;
        };
        if rotation.add_latecomer(member, &round_order) {
            let order = rotation.order();
            self.out.emit(Event::OrderUpdated { order });
        }
    }
}
