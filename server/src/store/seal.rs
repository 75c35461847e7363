//! What binds each sealed payload to its place, the same in every store:
//! the associated data names the table, the group and the row, so a payload
//! moved to another row, group or table no longer opens.

use super::{StoreError, StoredEvent, StoredInput};
use crate::crypto::DataKey;

/// What a payload's associated data says: the table, the group, the row.
pub(super) fn associated(table: &str, group_id: &str, row: &str) -> Vec<u8> {
    format!("rondo.v1|{table}|{group_id}|{row}").into_bytes()
}

/// A group's configuration as it is sealed in `groups`.
pub(super) fn seal_config(master: &DataKey, group_id: &str, config_json: &str) -> Vec<u8> {
    master.seal(
        config_json.as_bytes(),
        &associated("groups", group_id, "config"),
    )
}

/// What replaces a group's configuration once an erasure's snapshot holds
/// the group: the configuration is read only to build a group that has no
/// snapshot yet, and it names the founding members, the erased among them.
pub(super) fn erased_config(master: &DataKey, group_id: &str) -> Vec<u8> {
    seal_config(master, group_id, "null")
}

/// Who may see each event of a row, in plain text (member ids only), so the
/// associated data binds every sealed event to its audience: a note's row
/// names its author.
fn audiences(events: &[StoredEvent]) -> String {
    let each: Vec<&str> = events
        .iter()
        .map(|e| e.audience.as_deref().unwrap_or("*"))
        .collect();
    each.join(";")
}

/// One group flush as it is stored: its range of seqs, who may see each
/// event, and the inputs and events sealed.
pub(super) struct SealedFlush {
    pub first: u64,
    pub last: u64,
    pub audiences: String,
    pub inputs: Vec<u8>,
    pub events: Vec<u8>,
}

/// Seals a flush; `None` when it holds nothing to keep. Refused commands
/// have inputs and no events: their range is empty, just past the group's seq.
pub(super) fn seal_flush(
    key: &DataKey,
    group_id: &str,
    inputs: &[StoredInput],
    events: &[StoredEvent],
) -> Option<SealedFlush> {
    let (first, last) = match (events.first(), events.last(), inputs.last()) {
        (Some(first), Some(last), _) => (first.seq, last.seq),
        (None, _, Some(input)) => (input.seq + 1, input.seq),
        _ => return None,
    };
    let range = format!("{first}-{last}");
    let audiences = audiences(events);
    let inputs = serde_json::to_vec(inputs).expect("inputs serialize");
    let events = serde_json::to_vec(events).expect("events serialize");
    let inputs_ad = associated("inputs", group_id, &range);
    let events_ad = associated("events", group_id, &format!("{range}|{audiences}"));
    Some(SealedFlush {
        first,
        last,
        inputs: key.seal(&inputs, &inputs_ad),
        events: key.seal(&events, &events_ad),
        audiences,
    })
}

/// The associated data of a flush's inputs and of its events.
pub(super) fn flush_ads(
    group_id: &str,
    first: u64,
    last: u64,
    audiences: &str,
) -> (Vec<u8>, Vec<u8>) {
    let range = format!("{first}-{last}");
    (
        associated("inputs", group_id, &range),
        associated("events", group_id, &format!("{range}|{audiences}")),
    )
}

/// Opens a sealed text payload; `what` names it in the error (never its content).
pub(super) fn open_text(
    key: &DataKey,
    sealed: &[u8],
    ad: &[u8],
    what: &str,
) -> Result<String, StoreError> {
    let plain = key
        .open(sealed, ad)
        .ok_or_else(|| StoreError::Undecryptable(what.to_owned()))?;
    String::from_utf8(plain).map_err(|_| StoreError::Undecryptable(what.to_owned()))
}

/// Opens a sealed payload holding a JSON array.
pub(super) fn open_rows<T: serde::de::DeserializeOwned>(
    key: &DataKey,
    sealed: &[u8],
    ad: &[u8],
    what: &str,
) -> Result<Vec<T>, StoreError> {
    let json = open_text(key, sealed, ad, what)?;
    serde_json::from_str(&json).map_err(|_| StoreError::Unreadable(what.to_owned()))
}
