//! Identifiers, each its own type so that a case id is never taken for a member id.
//!
//! Each id carries a hash of itself beside its text, so that two ids that
//! differ are told apart without reading either text: the one rule looks a
//! member up for every frame and recipient, and the text of each id it
//! passes over is a read from memory the group has not touched for a while.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};

/// Longest id accepted from a client.
pub const ID_LEN_MAX: usize = 64;

/// FNV-1a: a few cycles for an id of up to 64 characters.
fn tag_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            id: String,
            /// `tag_of(id)`: ids whose tags differ differ.
            tag: u64,
        }

        impl $name {
            /// Accepts 1–64 printable characters.
            pub fn new(id: impl Into<String>) -> Result<Self, String> {
                let id = id.into();
                let len = id.chars().count();
                if len == 0 || len > ID_LEN_MAX || id.chars().any(char::is_control) {
                    return Err(format!(
                        "{} must be 1-{} printable characters",
                        stringify!($name), ID_LEN_MAX
                    ));
                }
                Ok(Self::checked(id))
            }

            /// An id the server made, or one `new` has checked.
            fn checked(id: String) -> Self {
                Self { tag: tag_of(&id), id }
            }

            pub fn as_str(&self) -> &str {
                &self.id
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.tag == other.tag && self.id == other.id
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// By the text, so that whatever lists ids in order lists them as before.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.id.cmp(&other.id)
            }
        }

        /// The text's hash, as a `String`'s: the tag is no defence against
        /// ids chosen to collide.
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.id.hash(state);
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.id)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": ID_LEN_MAX,
                    "pattern": "^[^\\p{Cc}]+$"
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.id)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.id)
            }
        }
    };
}

id_type!(
    /// A group: chosen by the server when the group is created.
    GroupId
);
id_type!(
    /// A member of a group.
    MemberId
);
id_type!(
    /// One sitting of a group: `<group id>-m<n>`, so the group can be found from it.
    MeetingId
);
id_type!(
    /// A case in the group's queue.
    CaseId
);
id_type!(
    /// A note of one member.
    NoteId
);
id_type!(
    /// An item of a meeting's record.
    ItemId
);
id_type!(
    /// A client-chosen command id, unique per member; it makes a command idempotent.
    CommandId
);

impl MeetingId {
    /// The meeting id for the `number`th meeting of `group`.
    pub fn for_group(group: &GroupId, number: u64) -> Self {
        Self::checked(format!("{group}-m{number}"))
    }

    /// The group a meeting belongs to, read back from its id.
    pub fn group(&self) -> Option<GroupId> {
        let (group, number) = self.id.rsplit_once("-m")?;
        number.parse::<u64>().ok()?;
        GroupId::new(group).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::MemberId;

    #[test]
    fn ids_are_equal_ordered_and_hashed_by_their_text_alone() {
        use std::collections::HashSet;
        let texts = ["a", "b", "ab", "ba", "member-1", "member-2", "Member-1"];
        let ids: Vec<MemberId> = texts.iter().map(|t| MemberId::new(*t).unwrap()).collect();
        for (a, ta) in ids.iter().zip(texts) {
            for (b, tb) in ids.iter().zip(texts) {
                assert_eq!(a == b, ta == tb, "{ta} and {tb}");
                assert_eq!(a.cmp(b), ta.cmp(tb), "{ta} and {tb}");
            }
        }
        let again: HashSet<MemberId> = texts.iter().map(|t| MemberId::new(*t).unwrap()).collect();
        assert!(ids.iter().all(|id| again.contains(id)));
        assert_eq!(
            serde_json::to_string(&ids[4]).unwrap(),
            "\"member-1\"",
            "the wire sees the text alone"
        );
    }
}
