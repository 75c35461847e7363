//! A store in memory, for tests of the group task: every write is durable at
//! once, and what was written can be read back as start-up would.

use super::{Store, StoreError, StoredGroup, TokenOwner, Write};
use rondo_protocol::ids::{GroupId, MemberId};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

#[derive(Default)]
pub struct MemoryStore {
    groups: Mutex<Vec<StoredGroup>>,
}

impl MemoryStore {
    /// Every event written for a group, in order, as JSON.
    pub fn events(&self, group_id: &str) -> Vec<String> {
        let groups = self.groups.lock().expect("no test panics holding it");
        groups
            .iter()
            .filter(|g| g.group_id.as_str() == group_id)
            .flat_map(|g| g.recent_events.iter().map(|e| e.json.clone()))
            .collect()
    }
}

impl Store for MemoryStore {
    fn write(&self, write: Write) -> oneshot::Receiver<Result<(), Arc<StoreError>>> {
        let (done, receiver) = oneshot::channel();
        let mut groups = self.groups.lock().expect("no test panics holding it");
        match write {
            Write::CreateGroup {
                group_id,
                config_json,
                ..
            } => groups.push(StoredGroup {
                group_id,
                config_json,
                snapshot: None,
                inputs: Vec::new(),
                recent_events: Vec::new(),
            }),
            Write::Append {
                group_id,
                inputs,
                events,
                snapshot,
                ..
            } => {
                if let Some(group) = groups.iter_mut().find(|g| g.group_id == group_id) {
                    group.inputs.extend(inputs);
                    group.recent_events.extend(events);
                    if snapshot.is_some() {
                        group.snapshot = snapshot;
                    }
                }
            }
            Write::SetToken { .. } | Write::SetFeed { .. } => {}
        }
        let _ = done.send(Ok(()));
        receiver
    }

    fn token_owner(&self, _: &[u8; 32]) -> Result<Option<TokenOwner>, StoreError> {
        Ok(None)
    }

    fn feed_owner(&self, _: &[u8; 32]) -> Result<Option<(GroupId, MemberId)>, StoreError> {
        Ok(None)
    }

    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError> {
        Ok(self
            .groups
            .lock()
            .expect("no test panics holding it")
            .clone())
    }

    fn check(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
