//! Rebuilding a group's engine from the store, and when to snapshot it.

use crate::store::StoredInput;
use rondo_protocol::engine::{Engine, Input, SnapshotError};

/// A snapshot of the engine after this many logged inputs.
pub const SNAPSHOT_EVERY: usize = 256;

/// Why a group could not be rebuilt. Its messages name what failed and
/// serde's category of error, never the error's own text: serde quotes the
/// input it failed on, and stored input is confidential.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("its {what} is not valid ({category})")]
    Unreadable {
        what: &'static str,
        category: &'static str,
    },
    #[error("its snapshot was written by a newer version of rondo (format {0})")]
    NewerSnapshot(u32),
    #[error("its configuration was refused: {0}")]
    Config(String),
    #[error("replay reached seq {replayed} where the log says {logged}")]
    Diverged { replayed: u64, logged: u64 },
}

fn unreadable(what: &'static str, error: &serde_json::Error) -> RecoveryError {
    let category = match error.classify() {
        serde_json::error::Category::Io => "i/o",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "truncated",
    };
    RecoveryError::Unreadable { what, category }
}

/// Rebuilds an engine from its stored config, snapshot and the inputs
/// logged after the snapshot. The config is read only without a snapshot
/// (an erasure replaces it once its snapshot holds the group).
pub fn rebuild(
    config_json: &str,
    snapshot: Option<&str>,
    inputs: &[StoredInput],
) -> Result<Engine, RecoveryError> {
    let mut engine = match snapshot {
        Some(json) => Engine::from_snapshot(json).map_err(|e| match e {
            SnapshotError::Json(e) => unreadable("snapshot", &e),
            SnapshotError::NewerFormat(format) => RecoveryError::NewerSnapshot(format),
        })?,
        None => {
            let config =
                serde_json::from_str(config_json).map_err(|e| unreadable("configuration", &e))?;
            Engine::new(config).map_err(|e| RecoveryError::Config(e.message.to_string()))?
        }
    };
    for stored in inputs {
        let input: Input =
            serde_json::from_str(&stored.json).map_err(|e| unreadable("input", &e))?;
        engine.handle(stored.at, input);
        if engine.seq() != stored.seq {
            return Err(RecoveryError::Diverged {
                replayed: engine.seq(),
                logged: stored.seq,
            });
        }
    }
    Ok(engine)
}

/// Where a group starts counting towards its next snapshot: spread over the
/// interval by its id, so that groups started together (every group, after a
/// restart) do not all serialize their engines in the same second.
pub fn snapshot_offset(group_id: &str) -> usize {
    let spread = group_id.bytes().fold(0usize, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(usize::from(byte))
    });
    spread % SNAPSHOT_EVERY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_offsets_spread_over_the_interval() {
        let offsets: std::collections::HashSet<usize> = (0..1000)
            .map(|n| {
                snapshot_offset(
                    &uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &[n as u8, (n >> 8) as u8])
                        .to_string(),
                )
            })
            .collect();
        assert!(offsets.iter().all(|o| *o < SNAPSHOT_EVERY));
        assert!(
            offsets.len() > SNAPSHOT_EVERY / 2,
            "{} distinct",
            offsets.len()
        );
    }

    #[test]
    fn stored_text_never_reaches_a_recovery_error() {
        let canary = "CANARY-note-text";
        let snapshot = format!("{{\"format\":1,\"engine\":{{\"name\":\"{canary}\"}}}}");
        let failures = [
            rebuild("{}", Some(&snapshot), &[]).unwrap_err(),
            rebuild(&format!("{{\"name\":\"{canary}\"}}"), None, &[]).unwrap_err(),
            rebuild("{}", Some(&format!("\"{canary}")), &[]).unwrap_err(),
        ];
        for failure in failures {
            let text = format!("{failure} {failure:?}");
            assert!(!text.contains("CANARY"), "{text}");
        }
    }
}
