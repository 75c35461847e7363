//! A connection's outbox: the frames its group queued for it, in order,
//! from the group's task (which never waits on it) to the connection's.
//!
//! Made by hand rather than with a channel because of what an idle member
//! holds: tokio's bounded channel allocates a block of 32 slots and two
//! cache-padded halves when it is made (about 1.7 KiB a connection), while
//! this queue allocates when a frame arrives and gives a burst's room back
//! once it is drained. One lock, taken by one writer and one reader, each
//! for a push or a pop.

use super::Outbound;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};

/// Room a drained queue keeps: a few frames (a command's events and its
/// ack) come and go without allocating, a burst's room is given back.
const KEPT_SLOTS: usize = 4;

/// The group's end: frames go in, never waiting. Dropping it closes the
/// outbox; the connection reads what is queued, then the end.
pub struct Outbox {
    shared: Arc<Shared>,
}

/// The connection's end.
pub struct OutboxReader {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Outbound>,
    /// The group dropped its end.
    closed: bool,
    /// The connection dropped its end: nothing queued would be read.
    gone: bool,
    /// The connection's task, waiting for a frame.
    waiter: Option<Waker>,
}

/// A new outbox; each frame is queued with the most that may be waiting.
pub fn outbox() -> (Outbox, OutboxReader) {
    let shared = Arc::new(Shared {
        state: Mutex::default(),
    });
    let reader = OutboxReader {
        shared: shared.clone(),
    };
    (Outbox { shared }, reader)
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing holding the lock can panic half-way through a change.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Outbox {
    /// Queues a frame, or gives it back when `behind_max` frames are
    /// already waiting or the connection has gone.
    pub fn try_send(&self, frame: Outbound, behind_max: usize) -> Result<(), Outbound> {
        let waiter = {
            let mut state = self.shared.state();
            if state.gone || state.queue.len() >= behind_max {
                return Err(frame);
            }
            state.queue.push_back(frame);
            state.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
        Ok(())
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        let waiter = {
            let mut state = self.shared.state();
            state.closed = true;
            state.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}

impl OutboxReader {
    /// The next frame, waiting for one; `None` once the group dropped its
    /// end and everything queued before has been read.
    pub async fn recv(&mut self) -> Option<Outbound> {
        poll_fn(|cx| {
            let mut state = self.shared.state();
            if let Some(frame) = take(&mut state) {
                return Poll::Ready(Some(frame));
            }
            if state.closed {
                return Poll::Ready(None);
            }
            match &mut state.waiter {
                Some(waiter) if waiter.will_wake(cx.waker()) => {}
                waiter => *waiter = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
        .await
    }

    /// The next frame if one is queued.
    pub fn try_recv(&mut self) -> Option<Outbound> {
        take(&mut self.shared.state())
    }

    /// Whether the group dropped its end.
    pub fn is_closed(&self) -> bool {
        self.shared.state().closed
    }
}

impl Drop for OutboxReader {
    fn drop(&mut self) {
        let mut state = self.shared.state();
        state.gone = true;
        state.queue = VecDeque::new();
    }
}

fn take(state: &mut State) -> Option<Outbound> {
    let frame = state.queue.pop_front()?;
    if state.queue.is_empty() && state.queue.capacity() > KEPT_SLOTS {
        state.queue = VecDeque::new();
    }
    Some(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn text(n: usize) -> Outbound {
        Outbound::Text(n.to_string().into())
    }

    fn number(frame: Outbound) -> usize {
        match frame {
            Outbound::Text(text) => text.as_str().parse().unwrap(),
            Outbound::Close(..) => panic!("a close"),
        }
    }

    #[tokio::test]
    async fn frames_arrive_in_order_and_the_end_after_them() {
        let (outbox, mut inbox) = outbox();
        for n in 0..5 {
            outbox.try_send(text(n), usize::MAX).unwrap();
        }
        drop(outbox);
        assert!(inbox.is_closed());
        let mut seen = Vec::new();
        while let Some(frame) = inbox.recv().await {
            seen.push(number(frame));
        }
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn a_frame_past_the_most_waiting_is_given_back() {
        let (outbox, mut inbox) = outbox();
        outbox.try_send(text(0), usize::MAX).unwrap();
        outbox.try_send(text(1), usize::MAX).unwrap();
        let refused = outbox.try_send(text(2), 2).unwrap_err();
        assert_eq!(number(refused), 2);
        assert_eq!(number(inbox.try_recv().unwrap()), 0);
        outbox.try_send(text(3), usize::MAX).unwrap();
        assert!(outbox.try_send(text(4), 1).is_err(), "two are waiting");
    }

    #[tokio::test]
    async fn a_gone_connection_takes_nothing_more() {
        let (outbox, inbox) = outbox();
        outbox.try_send(text(0), usize::MAX).unwrap();
        drop(inbox);
        let close = Outbound::Close(1000, Cow::Borrowed("bye"));
        assert!(outbox.try_send(close, usize::MAX).is_err());
    }

    #[tokio::test]
    async fn a_waiting_connection_is_woken_by_a_frame_and_by_the_end() {
        let (outbox, mut inbox) = outbox();
        let reader = tokio::spawn(async move {
            let first = inbox.recv().await.map(number);
            let end = inbox.recv().await.map(number);
            (first, end)
        });
        tokio::task::yield_now().await;
        outbox.try_send(text(7), usize::MAX).unwrap();
        tokio::task::yield_now().await;
        drop(outbox);
        assert_eq!(reader.await.unwrap(), (Some(7), None));
    }

    #[test]
    fn a_drained_burst_gives_its_room_back() {
        let (outbox, mut inbox) = outbox();
        for n in 0..300 {
            outbox.try_send(text(n), usize::MAX).unwrap();
        }
        while inbox.try_recv().is_some() {}
        assert_eq!(inbox.shared.state().queue.capacity(), 0);
        for n in 0..3 {
            outbox.try_send(text(n), usize::MAX).unwrap();
        }
        while inbox.try_recv().is_some() {}
        assert!(inbox.shared.state().queue.capacity() <= KEPT_SLOTS);
    }
}
