//! Strings with a bound on their length, checked when they are parsed.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A string of at most `MAX` characters (Unicode scalar values).
///
/// Parsing refuses a longer one, so no oversized text gets past the edge.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(transparent)]
pub struct Bounded<const MAX: usize>(String);

impl<const MAX: usize> Bounded<MAX> {
    /// Checks the length; `Err` names the limit.
    pub fn new(text: impl Into<String>) -> Result<Self, String> {
        let text = text.into();
        if text.chars().count() > MAX {
            return Err(format!("text longer than {MAX} characters"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the text has nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Bounded<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl<const MAX: usize> schemars::JsonSchema for Bounded<MAX> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Text{MAX}").into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "maxLength": MAX })
    }
}

/// Debug output never shows the text: it may be confidential, and debug
/// output ends up in logs.
impl<const MAX: usize> fmt::Debug for Bounded<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} chars>", self.0.chars().count())
    }
}

impl<const MAX: usize> std::ops::Deref for Bounded<MAX> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Case title: 120 characters.
pub type Title = Bounded<120>;
/// The question a presenter wants help with: 2 000 characters.
pub type Question = Bounded<2000>;
/// A note: 20 000 characters.
pub type NoteText = Bounded<20000>;
/// A record item, or a written contribution: 2 000 characters.
pub type ItemText = Bounded<2000>;
/// A perspective, or the label of a check-in round: 80 characters.
pub type Label = Bounded<80>;
/// A member's, group's, template's or phase's name: 80 characters.
pub type Name = Bounded<80>;
/// The group's agreement: 20 000 characters.
pub type AgreementText = Bounded<20000>;
/// A case's written background, shared before the meeting: 10 000 characters.
pub type Brief = Bounded<10000>;
