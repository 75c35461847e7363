//! Who a connection's `hello` names: a member, or a group's room display.
//!
//! A display's token carries its group's id after a dot (`<secret>.<group
//! id>`), so the connection finds the group without a lookup table; the
//! group's task then checks the token's hash against the display it keeps.
//! A display sends no command to the group: its connection answers `ping`
//! itself and refuses everything else as `forbidden`.

use super::socket::{text, Writer};
use crate::app::token_hash;
use rondo_protocol::command::Command;
use rondo_protocol::command::CommandEnvelope;
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::reply::{Rejection, Reply};

/// Who is on the other end of a connection.
pub(super) enum Caller {
    /// A member, with the hash of the token (their link) they gave.
    Member(MemberId, [u8; 32]),
    /// A room display, with the hash of the token it gave.
    Display([u8; 32]),
}

impl Caller {
    /// The id the connection's log lines name it by.
    pub(super) fn log_id(&self) -> &str {
        match self {
            Caller::Member(member, _) => member.as_str(),
            Caller::Display(_) => "display",
        }
    }
}

/// The group a display token names, and the token's hash; `None` for a
/// member's token (which has no dot).
pub(super) fn display_token(token: &str) -> Option<(GroupId, [u8; 32])> {
    let (secret, group) = token.split_once('.')?;
    if secret.is_empty() {
        return None;
    }
    Some((GroupId::new(group).ok()?, token_hash(token)))
}

/// Answers a display's command: `ping` is acknowledged, anything else is
/// `forbidden`. False when the socket could not be written.
pub(super) async fn answer(writer: &mut Writer, envelope: CommandEnvelope) -> bool {
    if matches!(envelope.command, Command::Ping(_)) {
        let ack = Reply::Ack {
            re: envelope.id,
            seq: None,
        };
        return writer
            .send(text(
                serde_json::to_string(&ack).expect("replies serialize"),
            ))
            .await;
    }
    let refusal = Rejection::forbidden("a room display only shows the meeting");
    writer.refuse(Some(envelope.id), refusal).await
}
