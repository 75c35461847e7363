//! The replay window: a group's newest events, kept to bring a resuming
//! client up to date, and the frames that welcome a connection.

use crate::metrics::Metrics;
use crate::store::{StoredEvent, REPLAY_WINDOW};
use rondo_protocol::engine::Engine;
use rondo_protocol::event::Audience;
use rondo_protocol::ids::MemberId;
use rondo_protocol::view::Welcome;
use rondo_protocol::Millis;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// An event as sent: its seq, who may see it, and its JSON.
pub struct Sent {
    pub seq: u64,
    pub audience: Audience,
    pub json: Utf8Bytes,
}

pub struct Replay {
    recent: VecDeque<Arc<Sent>>,
}

impl Replay {
    /// The window as read back from the store. An event whose stored
    /// audience cannot be read is left out, never widened to everyone: a
    /// private note must not be replayed to the group because its audience
    /// was unreadable. A client resuming across the gap gets `resumed:false`
    /// and the snapshot.
    pub fn from_stored(events: Vec<StoredEvent>, metrics: &Metrics) -> Replay {
        let mut recent = VecDeque::with_capacity(events.len());
        for stored in events {
            let audience = match stored.audience {
                None => Some(Audience::Everyone),
                Some(json) => serde_json::from_str(&json).ok().map(Audience::Only),
            };
            let Some(audience) = audience else {
                metrics.unreadable_audience();
                // Later events would replay past the hole: start after it.
                recent.clear();
                continue;
            };
            recent.push_back(Arc::new(Sent {
                seq: stored.seq,
                audience,
                json: stored.json.into(),
            }));
        }
        Replay { recent }
    }

    pub fn push(&mut self, sent: Arc<Sent>) {
        self.recent.push_back(sent);
        if self.recent.len() > REPLAY_WINDOW {
            self.recent.pop_front();
        }
    }

    /// `welcome`, then the events a resuming member missed; `None` for
    /// someone the engine does not know as a member.
    pub fn welcome_frames(
        &self,
        engine: &Engine,
        member: &MemberId,
        resume_from: Option<u64>,
        now: Millis,
    ) -> Option<Vec<Utf8Bytes>> {
        let seq = engine.seq();
        let oldest_kept = self.recent.front().map_or(seq + 1, |e| e.seq);
        let resumed = resume_from.is_some_and(|from| from <= seq && from + 1 >= oldest_kept);
        let welcome = with_next_meetings(engine.welcome(member, now, resumed)?, now);
        let mut frames: Vec<Utf8Bytes> = vec![welcome.to_json().into()];
        if let (true, Some(from)) = (resumed, resume_from) {
            frames.extend(
                self.recent
                    .iter()
                    .filter(|e| e.seq > from && e.audience.includes(member))
                    .map(|e| e.json.clone()),
            );
        }
        Some(frames)
    }
}

/// A fresh `welcome` (not resumed) as its frame.
pub fn fresh_welcome(engine: &Engine, member: &MemberId, now: Millis) -> Option<Utf8Bytes> {
    let welcome = with_next_meetings(engine.welcome(member, now, false)?, now);
    Some(welcome.to_json().into())
}

/// A welcome with the next meetings the engine cannot expand itself.
fn with_next_meetings(mut welcome: Welcome, now: Millis) -> Welcome {
    welcome.group.next_meetings = crate::schedule::upcoming(welcome.group.schedule.as_ref(), now);
    welcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_audience_is_dropped_never_widened() {
        let metrics = Metrics::default();
        let stored = |seq, audience: Option<&str>| StoredEvent {
            seq,
            audience: audience.map(str::to_owned),
            json: format!("e{seq}"),
        };
        let replay = Replay::from_stored(
            vec![
                stored(1, None),
                stored(2, Some("not json")),
                stored(3, Some("[\"m1\"]")),
            ],
            &metrics,
        );
        let seqs: Vec<u64> = replay.recent.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3], "the window starts after the unreadable event");
        assert!(matches!(&replay.recent[0].audience, Audience::Only(m) if m.len() == 1));
        assert!(metrics
            .render()
            .contains("rondo_unreadable_audiences_total 1"));
    }
}
