//! A connection's outbox: the frames its group queued for it, in order,
//! from the group's task (which never waits for the connection) to the
//! connection's.
//!
//! The group writes what it queued straight to the socket when nothing is
//! waiting there and the socket takes it at once: then the connection's
//! task is not woken at all, the hand-off each delivery cost. What the
//! socket does not take at once it keeps, for the connection's task.
//!
//! Made by hand rather than with a channel because of what an idle member
//! holds: tokio's bounded channel allocates a block of 32 slots and two
//! cache-padded halves when it is made (about 1.7 KiB a connection), while
//! this queue allocates when a frame arrives and gives a burst's room back
//! once it is drained. One lock, taken by one writer and one reader, for a
//! push, a pop, or the group's write (the socket's lock taken inside it,
//! never the other way round).

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
    /// The socket the group may write to itself; let go with the
    /// connection's end, so the connection holds the only handle after.
    socket: Option<Arc<dyn Socket>>,
    /// The connection's task took frames it has not yet written: anything
    /// the group wrote now would overtake them.
    in_hand: bool,
    /// The group dropped its end.
    closed: bool,
    /// The connection dropped its end: nothing queued would be read.
    gone: bool,
    /// The connection's task, waiting for a frame.
    waiter: Option<Waker>,
}

/// A connection's socket, as its group may write to it.
pub trait Socket: Send + Sync {
    /// Writes the texts at the front of `frames` without waiting, unless
    /// the connection's own task is writing.
    fn write_now(&self, frames: &[Outbound]) -> Written;
}

/// How much of a [`Socket::write_now`] went.
pub enum Written {
    All,
    /// Not all: the socket keeps the rest, for the connection's task to write.
    Part,
    Nothing,
}

/// A new outbox, which only the connection's task writes from.
pub fn outbox() -> (Outbox, OutboxReader) {
    outbox_state(State::default())
}

/// A new outbox whose group may write to `socket` itself.
pub fn outbox_to(socket: Arc<dyn Socket>) -> (Outbox, OutboxReader) {
    outbox_state(State {
        socket: Some(socket),
        ..State::default()
    })
}

fn outbox_state(state: State) -> (Outbox, OutboxReader) {
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
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
    /// Queues a frame for the connection's task, or gives it back when
    /// `behind_max` frames are already waiting or the connection has gone.
    pub fn try_send(&self, frame: Outbound, behind_max: usize) -> Result<(), Outbound> {
        self.try_queue(frame, behind_max)?;
        self.wake();
        Ok(())
    }

    /// Queues a frame like [`Outbox::try_send`], left for a [`Outbox::flush`]
    /// to write or hand on: a group delivering a batch writes each
    /// connection's frames of it at once.
    pub fn try_queue(&self, frame: Outbound, behind_max: usize) -> Result<(), Outbound> {
        let mut state = self.shared.state();
        if state.gone || state.queue.len() >= behind_max {
            return Err(frame);
        }
        state.queue.push_back(frame);
        Ok(())
    }

    /// Writes what is queued to the socket if it takes it now, and wakes
    /// the connection's task for whatever is left.
    pub fn flush(&self) {
        let waiter = {
            let mut state = self.shared.state();
            let state = &mut *state;
            if let (Some(socket), false) = (&state.socket, state.in_hand) {
                let texts = state
                    .queue
                    .iter()
                    .take_while(|frame| matches!(frame, Outbound::Text(_)))
                    .count();
                if texts > 0 {
                    match socket.write_now(&state.queue.make_contiguous()[..texts]) {
                        Written::All => drop(state.queue.drain(..texts)),
                        Written::Part => {
                            state.queue.drain(..texts);
                            state.queue.push_front(Outbound::Rest);
                        }
                        Written::Nothing => {}
                    }
                    keep_little_room(&mut state.queue);
                }
            }
            if state.queue.is_empty() {
                return;
            }
            state.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }

    fn wake(&self) {
        let waiter = self.shared.state().waiter.take();
        if let Some(waiter) = waiter {
            waiter.wake();
        }
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

    /// The frames taken are written: the group may write to the socket
    /// again.
    pub fn written(&mut self) {
        self.shared.state().in_hand = false;
    }
}

impl Drop for OutboxReader {
    fn drop(&mut self) {
        let mut state = self.shared.state();
        state.gone = true;
        state.queue = VecDeque::new();
        state.socket = None;
    }
}

fn take(state: &mut State) -> Option<Outbound> {
    let frame = state.queue.pop_front()?;
    state.in_hand = true;
    keep_little_room(&mut state.queue);
    Some(frame)
}

fn keep_little_room(queue: &mut VecDeque<Outbound>) {
    if queue.is_empty() && queue.capacity() > KEPT_SLOTS {
        *queue = VecDeque::new();
    }
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
            Outbound::Close(..) | Outbound::Rest => panic!("not a text"),
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

    /// A socket that takes what it is told to and notes what it was given.
    struct FakeSocket {
        takes: Mutex<fn(usize) -> Written>,
        given: Mutex<Vec<usize>>,
    }

    impl Socket for FakeSocket {
        fn write_now(&self, frames: &[Outbound]) -> Written {
            let texts: Vec<usize> = frames.iter().cloned().map(number).collect();
            let count = texts.len();
            self.given.lock().unwrap().extend(texts);
            (self.takes.lock().unwrap())(count)
        }
    }

    fn socket(takes: fn(usize) -> Written) -> Arc<FakeSocket> {
        Arc::new(FakeSocket {
            takes: Mutex::new(takes),
            given: Mutex::default(),
        })
    }

    #[tokio::test]
    async fn what_the_socket_takes_at_once_never_reaches_the_connections_task() {
        let socket = socket(|_| Written::All);
        let (outbox, mut inbox) = outbox_to(socket.clone());
        for n in 0..3 {
            outbox.try_queue(text(n), usize::MAX).unwrap();
        }
        assert!(
            socket.given.lock().unwrap().is_empty(),
            "queued, not yet written"
        );
        outbox.flush();
        assert_eq!(
            *socket.given.lock().unwrap(),
            [0, 1, 2],
            "one write, in order"
        );
        assert!(inbox.try_recv().is_none());
    }

    #[tokio::test]
    async fn what_the_socket_leaves_goes_to_the_connections_task_before_what_follows() {
        let socket = socket(|_| Written::Part);
        let (outbox, mut inbox) = outbox_to(socket.clone());
        let reader = tokio::spawn(async move {
            let first = inbox.recv().await;
            (inbox, first)
        });
        tokio::task::yield_now().await;
        outbox.try_queue(text(0), usize::MAX).unwrap();
        outbox.try_queue(text(1), usize::MAX).unwrap();
        outbox.flush();
        let (mut inbox, first) = reader.await.unwrap();
        assert!(matches!(&first, Some(Outbound::Rest)), "{first:?}");
        // Until the connection's task has written what it took, the group
        // writes nothing itself: it would overtake.
        *socket.takes.lock().unwrap() = |_| Written::All;
        outbox.try_queue(text(2), usize::MAX).unwrap();
        outbox.flush();
        assert_eq!(*socket.given.lock().unwrap(), [0, 1]);
        assert_eq!(number(inbox.try_recv().unwrap()), 2);
        inbox.written();
        outbox.try_queue(text(3), usize::MAX).unwrap();
        outbox.flush();
        assert_eq!(*socket.given.lock().unwrap(), [0, 1, 3]);
        assert!(inbox.try_recv().is_none());
    }

    #[tokio::test]
    async fn a_socket_busy_with_its_own_write_leaves_the_frames_queued() {
        let socket = socket(|_| Written::Nothing);
        let (outbox, mut inbox) = outbox_to(socket.clone());
        outbox.try_queue(text(0), usize::MAX).unwrap();
        outbox.flush();
        assert_eq!(number(inbox.try_recv().unwrap()), 0);
    }

    #[tokio::test]
    async fn a_close_is_left_to_the_connections_task() {
        let socket = socket(|_| Written::All);
        let (outbox, mut inbox) = outbox_to(socket.clone());
        outbox.try_queue(text(0), usize::MAX).unwrap();
        outbox
            .try_send(Outbound::Close(1000, Cow::Borrowed("bye")), usize::MAX)
            .unwrap();
        outbox.flush();
        assert_eq!(*socket.given.lock().unwrap(), [0]);
        assert!(matches!(inbox.try_recv(), Some(Outbound::Close(1000, _))));
    }

    #[test]
    fn the_connections_end_lets_go_of_the_socket() {
        let socket = socket(|_| Written::All);
        let (outbox, inbox) = outbox_to(socket.clone());
        drop(inbox);
        assert_eq!(Arc::strong_count(&socket), 1);
        assert!(outbox.try_queue(text(0), usize::MAX).is_err());
    }
}
