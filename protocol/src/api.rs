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

/// `PUT /api/groups/{id}/agreement`: a new version, and the longest gap
/// between meetings the group allows (left out: as it was).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgreementChange {
    pub text: AgreementText,
    #[serde(default)]
    pub review_on: Option<Date>,
    /// Days, 1-365; `null`: no limit.
    #[serde(
        default,
        deserialize_with = "gap_days",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_gap_days: Option<Option<u32>>,
}

/// `max_gap_days`: in range or `null`, told apart from a field left out.
fn gap_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u32>>, D::Error> {
    let days = Option::<u32>::deserialize(d)?;
    match days {
        Some(days) if !crate::supervision::MAX_GAP_DAYS_RANGE.contains(&days) => Err(
            serde::de::Error::custom("max_gap_days must be 1-365 or null"),
        ),
        days => Ok(Some(days)),
    }
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
