//! A websocket as every connection uses it, members' and the compliance
//! echo's alike: one reader with the limits, one writer with the write
//! timeout, and one way to fail a connection that breaks the protocol —
//! the close frame RFC 6455 §7.1.7 asks for, then the rest of what the
//! client sends read and dropped, so the close is not lost to a reset.

use crate::close;
use crate::group::{Outbound, Written};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use rondo_protocol::reply::{Rejection, Reply};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll, Waker};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// A write that takes longer belongs to a client that stopped reading.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection waits for the client's side to end.
const CLOSE_ANSWER_WAIT: Duration = Duration::from_secs(2);
/// Most bytes read and dropped after a fault: a client still pushing an
/// oversized frame is cut off after this much.
const DRAIN_BYTES_MAX: usize = 32 * 1024 * 1024;
/// A pause this long in what a failed client sends means it has stopped.
const DRAIN_QUIET: Duration = Duration::from_millis(200);

pub type Ws = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Bytes the library reads from the socket at a time: commands are short.
const READ_BUFFER_BYTES: usize = 512;
/// Bytes gathered before the library writes to the socket. Only control
/// frames (pongs, pings, closes) go through its buffer: texts are framed
/// here (see [`Shared::write_texts`]).
const WRITE_BUFFER_BYTES: usize = 512;

/// The websocket settings of every socket: small buffers (frames are
/// small, and every idle member holds them), and messages and frames
/// capped at the frame limit, so the library stops reading an oversized
/// one at its header instead of buffering it.
pub fn config(frame_max_bytes: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_message_size(Some(frame_max_bytes))
        .max_frame_size(Some(frame_max_bytes))
}

/// What the reader hands on.
pub enum Incoming {
    Text(Utf8Bytes),
    Binary(tokio_tungstenite::tungstenite::Bytes),
    /// The client closed, or the connection ended.
    Gone,
}

/// A websocket-level fault that ends the connection, with the close code
/// it is answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A frame or message over the limit: `too_large`, then 1009.
    TooLarge,
    /// Text that is not UTF-8: 1007.
    InvalidUtf8,
    /// Anything else against RFC 6455 (reserved bits, unknown opcodes,
    /// fragmented or oversized control frames…): 1002.
    Protocol,
}

impl Fault {
    pub fn code(self) -> u16 {
        match self {
            Fault::TooLarge => close::TOO_LARGE,
            Fault::InvalidUtf8 => close::INVALID_UTF8,
            Fault::Protocol => close::PROTOCOL_ERROR,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Fault::TooLarge => "frame too large",
            Fault::InvalidUtf8 => "invalid UTF-8",
            Fault::Protocol => "protocol error",
        }
    }
}

/// The websocket both halves use, and the group too (see
/// [`crate::group::Socket`]). Each takes the lock for one poll, never
/// across a wait, so a read waiting for the client never holds up a write;
/// unlike a split stream's halves, the writer can reach the socket itself.
#[derive(Clone)]
struct Shared(Arc<Mutex<Socket>>);

struct Socket {
    ws: Ws,
    /// The connection's task is writing, or a write of its ended half-way:
    /// bytes written by anyone else now would land inside its frames.
    writing: bool,
    /// The rest of frames the group began to write. Every other use of
    /// the socket, the library's reads (which may answer a ping) included,
    /// writes it first, so nothing lands inside them.
    rest: Vec<u8>,
    /// The library met the close handshake's end: no frame may follow.
    closed: bool,
    /// The library may hold bytes not yet written: a frame fed to it, or
    /// its answer to a ping or a close. The group's writes flush it first
    /// only then: a flush of the library costs as much as a short write.
    held: bool,
}

impl Socket {
    /// Writes what is left of the group's frames; ready once none is.
    fn poll_rest(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), WsError>> {
        while !self.rest.is_empty() {
            let n = ready!(Pin::new(self.ws.get_mut()).poll_write(cx, &self.rest))?;
            if n == 0 {
                return Poll::Ready(Err(WsError::Io(std::io::ErrorKind::WriteZero.into())));
            }
            self.rest.drain(..n);
        }
        self.rest = Vec::new();
        Poll::Ready(Ok(()))
    }
}

fn lock(socket: &Mutex<Socket>) -> MutexGuard<'_, Socket> {
    // Nothing panics while holding it: a poll of the library's stream.
    socket.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Socket> {
        lock(&self.0)
    }

    async fn next(&self) -> Option<Result<Message, WsError>> {
        poll_fn(|cx| {
            let mut socket = self.lock();
            if let Err(error) = ready!(socket.poll_rest(cx)) {
                return Poll::Ready(Some(Err(error)));
            }
            let next = ready!(socket.ws.poll_next_unpin(cx));
            // A close, or the end: a fault still has its refusal and its
            // close frame to write.
            if matches!(next, None | Some(Ok(Message::Close(_)))) {
                socket.closed = true;
            }
            socket.held |= matches!(next, Some(Ok(Message::Ping(_) | Message::Close(_))));
            Poll::Ready(next)
        })
        .await
    }

    async fn feed(&self, message: Message) -> Result<(), WsError> {
        poll_fn(|cx| {
            let mut socket = self.lock();
            ready!(socket.poll_rest(cx))?;
            socket.ws.poll_ready_unpin(cx)
        })
        .await?;
        let mut socket = self.lock();
        socket.closed |= message.is_close();
        socket.held = true;
        socket.ws.start_send_unpin(message)
    }

    /// Writes out the group's rest and what the library holds.
    async fn flush(&self) -> Result<(), WsError> {
        poll_fn(|cx| {
            let mut socket = self.lock();
            ready!(socket.poll_rest(cx))?;
            ready!(socket.ws.poll_flush_unpin(cx))?;
            socket.held = false;
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// Writes texts as frames straight to the socket, in one write.
    async fn write_texts(&self, texts: &[Utf8Bytes]) -> Result<(), WsError> {
        self.write_framed(frame_texts(texts.iter())).await
    }

    /// Marks the connection's task as writing, until a write completes.
    fn set_writing(&self, writing: bool) {
        self.lock().writing = writing;
    }

    /// Writes frames made here straight to the socket, after what the
    /// group and the library left, so frames keep their order. They go
    /// out as the rest does, from a buffer freed once written: the
    /// library's own buffer keeps the capacity of the most it ever held, so
    /// a welcome written through it would stay with every idle member.
    async fn write_framed(&self, frames: Vec<u8>) -> Result<(), WsError> {
        self.flush().await?;
        {
            let mut socket = self.lock();
            if socket.closed {
                return Err(WsError::AlreadyClosed);
            }
            socket.rest = frames;
        }
        self.flush().await
    }
}

impl crate::group::Socket for Mutex<Socket> {
    fn write_now(&self, frames: &[Outbound]) -> Written {
        let mut socket = lock(self);
        if socket.writing || socket.closed || !socket.rest.is_empty() {
            return Written::Nothing;
        }
        // Nothing here waits: a socket that cannot take the bytes now is
        // left to the connection's task, which is woken for them.
        let mut cx = Context::from_waker(Waker::noop());
        // What the library holds (a pong) goes first.
        if socket.held {
            if !matches!(socket.ws.poll_flush_unpin(&mut cx), Poll::Ready(Ok(()))) {
                return Written::Nothing;
            }
            socket.held = false;
        }
        socket.rest = frame_texts(frames.iter().filter_map(|frame| match frame {
            Outbound::Text(text) => Some(text),
            _ => None,
        }));
        match socket.poll_rest(&mut cx) {
            Poll::Ready(Ok(())) => Written::All,
            // Waiting, or failed: the connection's task writes the rest, or
            // meets the failure itself.
            _ => Written::Part,
        }
    }
}

/// Texts as unmasked text frames (RFC 6455 §5.2), one after the other.
fn frame_texts<'a>(texts: impl Iterator<Item = &'a Utf8Bytes> + Clone) -> Vec<u8> {
    let mut frames = Vec::with_capacity(texts.clone().map(|t| t.len() + 10).sum());
    for text in texts {
        push_text_header(&mut frames, text.len());
        frames.extend_from_slice(text.as_bytes());
    }
    frames
}

/// Appends the header of a final, unmasked text frame of `len` bytes.
fn push_text_header(out: &mut Vec<u8>, len: usize) {
    const FIN_TEXT: u8 = 0x81;
    match len {
        0..=125 => out.extend_from_slice(&[FIN_TEXT, len as u8]),
        126..=0xffff => {
            out.extend_from_slice(&[FIN_TEXT, 126]);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.extend_from_slice(&[FIN_TEXT, 127]);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
}

pub struct Reader {
    ws: Shared,
    /// When the peer was last heard: any frame counts, a pong included, so
    /// a member who only listens (and answers pings) stays connected.
    heard_at: Instant,
}

pub struct Writer {
    ws: Shared,
}

pub fn split(ws: Ws) -> (Reader, Writer) {
    let ws = Shared(Arc::new(Mutex::new(Socket {
        ws,
        writing: false,
        rest: Vec::new(),
        closed: false,
        held: false,
    })));
    let reader = Reader {
        ws: ws.clone(),
        heard_at: Instant::now(),
    };
    (reader, Writer { ws })
}

impl Reader {
    /// The next data frame; pings are answered by the library, and pongs
    /// (like every frame) only note that the peer was heard.
    pub async fn next(&mut self) -> Result<Incoming, Fault> {
        loop {
            let frame = self.ws.next().await;
            if matches!(frame, Some(Ok(_))) {
                self.heard_at = Instant::now();
            }
            return match frame {
                Some(Ok(Message::Text(text))) => Ok(Incoming::Text(text)),
                Some(Ok(Message::Binary(data))) => Ok(Incoming::Binary(data)),
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                // The library queued its answer to the client's close: reading
                // on sends it and completes the closing handshake.
                Some(Ok(Message::Close(_))) => {
                    while let Some(Ok(_)) = self.ws.next().await {}
                    Ok(Incoming::Gone)
                }
                None => Ok(Incoming::Gone),
                Some(Err(error)) => match fault(&error) {
                    Some(fault) => Err(fault),
                    None => Ok(Incoming::Gone),
                },
            };
        }
    }
}

impl Reader {
    /// How long since the peer sent anything.
    pub fn silent_for(&self) -> Duration {
        self.heard_at.elapsed()
    }
}

/// The fault behind a read error; `None` when the connection just ended.
fn fault(error: &WsError) -> Option<Fault> {
    match error {
        WsError::Capacity(CapacityError::MessageTooLong { .. }) => Some(Fault::TooLarge),
        WsError::Capacity(_) => Some(Fault::Protocol),
        WsError::Utf8(_) => Some(Fault::InvalidUtf8),
        WsError::Protocol(_) => Some(Fault::Protocol),
        _ => None,
    }
}

impl Writer {
    /// The socket, for the connection's group to write to itself.
    pub fn socket(&self) -> Arc<dyn crate::group::Socket> {
        self.ws.0.clone()
    }

    /// Writes frames with one flush, within the write timeout; `false` when
    /// the client is gone or stopped reading.
    pub async fn send_all(&mut self, frames: impl IntoIterator<Item = Message>) -> bool {
        let ws = &self.ws;
        let write = std::pin::pin!(async move {
            // Each run of texts is one write; anything else goes through
            // the library, in its place.
            let mut texts = Vec::new();
            for frame in frames {
                match frame {
                    Message::Text(text) => texts.push(text),
                    frame => {
                        if !texts.is_empty() {
                            ws.write_texts(&std::mem::take(&mut texts)).await?;
                        }
                        ws.feed(frame).await?;
                    }
                }
            }
            if !texts.is_empty() {
                ws.write_texts(&texts).await?;
            }
            ws.flush().await
        });
        self.within_timeout(write).await
    }

    /// Runs a write, the group kept off the socket meanwhile; `false` when
    /// the client is gone or stopped reading. A write that fails or times
    /// out keeps the group off for good: it may have ended inside a frame.
    /// The write comes pinned by the caller: moved in, it would take its
    /// room in the connection's task twice.
    async fn within_timeout(
        &self,
        mut write: Pin<&mut impl Future<Output = Result<(), WsError>>>,
    ) -> bool {
        self.ws.set_writing(true);
        // A client that reads takes the write at once: the timer is armed
        // only for a write that has to wait.
        let written = match futures_util::poll!(write.as_mut()) {
            Poll::Ready(written) => written.is_ok(),
            Poll::Pending => matches!(tokio::time::timeout(WRITE_TIMEOUT, write).await, Ok(Ok(()))),
        };
        if written {
            self.ws.set_writing(false);
        }
        written
    }

    pub async fn send(&mut self, frame: Message) -> bool {
        self.send_all([frame]).await
    }

    /// Sends an `error` reply.
    pub async fn refuse(
        &mut self,
        re: Option<rondo_protocol::ids::CommandId>,
        rejection: Rejection,
    ) -> bool {
        // Boxed: refusals are rare, and every connection's task would
        // otherwise hold room for this one's state.
        Box::pin(self.send(error_frame(re, rejection))).await
    }
}

pub fn text(json: String) -> Message {
    Message::Text(Utf8Bytes::from(json))
}

pub fn error_frame(re: Option<rondo_protocol::ids::CommandId>, rejection: Rejection) -> Message {
    text(serde_json::to_string(&Reply::error(re, rejection)).expect("replies serialize"))
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: code.into(),
        reason: Utf8Bytes::from(reason),
    }))
}

/// Closes the connection from the server's side: the close frame, then
/// reads until the client's close answers it (or a moment passes), since
/// dropping a socket with unread bytes resets it, and a reset can swallow
/// the close frame before the client reads it.
pub async fn close(reader: Reader, mut writer: Writer, code: u16, reason: &str) {
    if !writer.send(close_frame(code, reason)).await {
        return;
    }
    let answered = async {
        while let Some(Ok(message)) = reader.ws.next().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_ANSWER_WAIT, answered).await;
}

/// Fails the connection for a websocket-level fault: `too_large` first
/// where the protocol asks for it, the close frame with the fault's code,
/// then the end of our side, and what the client still sends is read and
/// dropped (the library can no longer parse it) until it stops.
pub async fn fail(reader: Reader, mut writer: Writer, fault: Fault, frame_max_bytes: usize) {
    if fault == Fault::TooLarge {
        let refusal = Rejection::too_large(format!("frames are at most {frame_max_bytes} bytes"));
        if !writer.refuse(None, refusal).await {
            return;
        }
    }
    if !writer.send(close_frame(fault.code(), fault.reason())).await {
        return;
    }
    drop(writer);
    let Ok(ws) = Arc::try_unwrap(reader.ws.0) else {
        return;
    };
    let mut ws = ws.into_inner().unwrap_or_else(PoisonError::into_inner).ws;
    let io = ws.get_mut();
    let drained = async {
        let _ = io.shutdown().await;
        // On the heap: an array here would sit in every connection's task,
        // which holds this future's state whether it fails or not.
        let mut buffer = vec![0u8; 8 * 1024];
        let mut dropped = 0;
        while dropped < DRAIN_BYTES_MAX {
            match tokio::time::timeout(DRAIN_QUIET, io.read(&mut buffer)).await {
                Ok(Ok(n)) if n > 0 => dropped += n,
                _ => return,
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_ANSWER_WAIT, drained).await;
}

#[cfg(test)]
mod tests {
    use super::push_text_header;

    fn header(len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        push_text_header(&mut out, len);
        out
    }

    #[test]
    fn a_text_frames_header_gives_its_length_in_the_shortest_form() {
        assert_eq!(header(125), [0x81, 125]);
        assert_eq!(header(126), [0x81, 126, 0, 126]);
        assert_eq!(header(0xffff), [0x81, 126, 0xff, 0xff]);
        assert_eq!(header(0x1_0000), [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    }
}
