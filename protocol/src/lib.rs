//! Rondo's wire protocol and its meeting engine.
//!
//! Everything here is pure: no clock, no I/O, no async. The server feeds the
//! engine the current time and the members' commands, and gets back the events
//! to persist and send, the reply, and when it wants to be woken next.

pub mod api;
pub mod command;
pub mod engine;
pub mod event;
pub mod export;
pub mod group;
pub mod i18n;
pub mod ids;
pub mod reply;
pub mod retention;
pub mod schedule;
#[cfg(feature = "schema")]
pub mod schema;
pub mod settings;
pub mod supervision;
pub mod template;
pub mod text;
pub mod view;

/// Unix epoch milliseconds. Every instant on the wire and in the engine is one.
pub type Millis = u64;

/// The protocol version announced in `welcome`.
pub const PROTOCOL_VERSION: u32 = 1;
