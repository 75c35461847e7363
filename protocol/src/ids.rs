//! Identifiers, each its own type so that a case id is never taken for a member id.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Longest id accepted from a client.
pub const ID_LEN_MAX: usize = 64;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

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
                Ok(Self(id))
            }

            pub fn as_str(&self) -> &str {
                &self.0
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
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
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
        Self(format!("{group}-m{number}"))
    }

    /// The group a meeting belongs to, read back from its id.
    pub fn group(&self) -> Option<GroupId> {
        let (group, number) = self.0.rsplit_once("-m")?;
        number.parse::<u64>().ok()?;
        GroupId::new(group).ok()
    }
}
