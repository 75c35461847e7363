//! The bodies the HTTP API reads, parsed like frames: bounded, no unknown
//! fields, and errors that name the field but never repeat a value.

use crate::command::Date;
use crate::settings::Settings;
use crate::text::{AgreementText, Name};
use serde::{Deserialize, Serialize};

/// `POST /api/groups/{id}/members`, and each member of a new group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub name: Name,
}

/// `PUT /api/groups/{id}/agreement`: a new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAgreement {
    pub text: AgreementText,
    #[serde(default)]
    pub review_on: Option<Date>,
}

/// An agreement as given at creation: its text alone, or text and review date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum AgreementGiven {
    Text(AgreementText),
    Full(NewAgreement),
}

/// `POST /api/groups`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub name: Name,
    pub members: Vec<NewMember>,
    #[serde(default)]
    pub agreement: Option<AgreementGiven>,
    #[serde(default)]
    pub settings: Option<Settings>,
    /// `en`, `de` or `nl`: the group's exports and calendar texts.
    #[serde(default)]
    pub language: Option<crate::schedule::Language>,
}

/// `POST /api/groups/{id}/display`: a room display (retiring the last).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDisplay {
    /// Whether the screen shows case titles and questions (default: no).
    #[serde(default)]
    pub show_titles: bool,
}
