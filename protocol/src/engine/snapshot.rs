//! The engine's state as stored now and then, so start-up replays only the
//! inputs after it. Snapshots carry a format version: a server refuses one
//! written by a newer version rather than misreading it.

use super::Engine;
use serde::{Deserialize, Serialize};

/// The format of snapshots written now. Version 0 is the engine's state
/// with no envelope, as written before snapshots were versioned.
pub const SNAPSHOT_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// serde's error; its text may quote the snapshot, so show its category only.
    #[error("the snapshot is not valid JSON for this version")]
    Json(#[from] serde_json::Error),
    #[error("the snapshot has format {0}, newer than this version reads")]
    NewerFormat(u32),
}

#[derive(Serialize)]
struct Versioned<'a> {
    format: u32,
    engine: &'a Engine,
}

#[derive(Deserialize)]
struct Stored {
    engine: Engine,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: u32,
}

impl Engine {
    /// The engine's state, versioned, as JSON.
    pub fn snapshot(&self) -> String {
        let versioned = Versioned {
            format: SNAPSHOT_FORMAT,
            engine: self,
        };
        serde_json::to_string(&versioned).expect("the engine serializes")
    }

    /// An engine from a snapshot of any format up to [`SNAPSHOT_FORMAT`].
    pub fn from_snapshot(json: &str) -> Result<Engine, SnapshotError> {
        let header: Header = serde_json::from_str(json)?;
        match header.format {
            0 => Ok(serde_json::from_str(json)?),
            SNAPSHOT_FORMAT => Ok(serde_json::from_str::<Stored>(json)?.engine),
            newer => Err(SnapshotError::NewerFormat(newer)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::state::GroupConfig;
    use crate::ids::{GroupId, MemberId};
    use crate::text::{AgreementText, Name};

    fn engine() -> Engine {
        Engine::new(GroupConfig::new(
            GroupId::new("g").unwrap(),
            Name::new("Group").unwrap(),
            ["a", "b"]
                .iter()
                .map(|m| (MemberId::new(*m).unwrap(), Name::new(*m).unwrap()))
                .collect(),
            AgreementText::new("Be kind.").unwrap(),
        ))
        .unwrap()
    }

    #[test]
    fn snapshots_of_this_format_and_the_unversioned_one_are_read() {
        let engine = engine();
        assert_eq!(Engine::from_snapshot(&engine.snapshot()).unwrap(), engine);
        let unversioned = serde_json::to_string(&engine).unwrap();
        assert_eq!(Engine::from_snapshot(&unversioned).unwrap(), engine);
    }

    #[test]
    fn a_snapshot_from_a_newer_version_is_refused() {
        let newer = engine()
            .snapshot()
            .replacen("\"format\":1", "\"format\":99", 1);
        assert!(matches!(
            Engine::from_snapshot(&newer),
            Err(SnapshotError::NewerFormat(99))
        ));
    }
}
