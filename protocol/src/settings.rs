//! A group's settings, and the partial update the facilitator may send.

use crate::template::Template;
use crate::text::Name;
use serde::{Deserialize, Deserializer, Serialize};

/// Most templates a group may define.
pub const TEMPLATES_MAX: usize = 20;
/// Longest grace, in seconds.
pub const GRACE_S_MAX: u32 = 600;

/// How a group runs its meetings. Parsed, not validated after parsing:
/// settings read from JSON are valid ones (`serde(try_from)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "SettingsFields")]
pub struct Settings {
    /// How long after a deadline the server ends a turn or phase itself;
    /// `None` means never (the facilitator moves on by hand).
    pub grace_s: Option<u32>,
    /// How long the facilitator may be absent before the role passes on.
    pub facilitator_absent_s: u32,
    /// The template a case runs when `case.start` names none.
    pub default_template: Name,
    /// Templates the group defined.
    pub templates: Vec<Template>,
    /// How the members' logs credit time present.
    pub credit_rule: CreditRule,
}

/// How a member's log credits the time they were present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CreditRule {
    /// The time present.
    #[default]
    Attended,
    /// Group supervision as BACP counts it: half the time present with four
    /// or fewer present, the time divided by the number present with more.
    Shared,
}

impl CreditRule {
    /// The seconds credited for `present_s` in a meeting `present` attended.
    pub fn credited_s(self, present_s: u64, present: usize) -> u64 {
        match self {
            CreditRule::Attended => present_s,
            CreditRule::Shared if present <= 4 => present_s / 2,
            CreditRule::Shared => present_s / present as u64,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            grace_s: Some(30),
            facilitator_absent_s: 60,
            default_template: Name::new("sgs").expect("short literal"),
            templates: Vec::new(),
            credit_rule: CreditRule::default(),
        }
    }
}

/// Settings as sent, before they are checked; a field left out has its default.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct SettingsFields {
    #[serde(default = "default_grace_s")]
    grace_s: Option<u32>,
    #[serde(default = "default_facilitator_absent_s")]
    facilitator_absent_s: u32,
    #[serde(default = "default_template")]
    default_template: Name,
    #[serde(default)]
    templates: Vec<Template>,
    #[serde(default)]
    credit_rule: CreditRule,
}

fn default_grace_s() -> Option<u32> {
    Settings::default().grace_s
}

fn default_facilitator_absent_s() -> u32 {
    Settings::default().facilitator_absent_s
}

fn default_template() -> Name {
    Settings::default().default_template
}

impl TryFrom<SettingsFields> for Settings {
    type Error = String;

    fn try_from(fields: SettingsFields) -> Result<Settings, String> {
        let settings = Settings {
            grace_s: fields.grace_s,
            facilitator_absent_s: fields.facilitator_absent_s,
            default_template: fields.default_template,
            templates: fields.templates,
            credit_rule: fields.credit_rule,
        };
        settings.validate()?;
        Ok(settings)
    }
}

/// The fields `settings.update` may change; absent fields stay as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// `Some(None)` is an explicit `null`: never end a turn by itself.
    /// A field left out is left out when written back, so that it is not
    /// read again as that explicit `null`.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub grace_s: Option<Option<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator_absent_s: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_template: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<Template>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_rule: Option<CreditRule>,
}

/// Tells a field given as `null` from one left out.
fn explicit_null<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u32>>, D::Error> {
    Option::<u32>::deserialize(d).map(Some)
}

impl Settings {
    /// Checks every field; `Err` names the offending one.
    fn validate(&self) -> Result<(), String> {
        if self.grace_s.is_some_and(|g| g > GRACE_S_MAX) {
            return Err(format!("settings.grace_s must be 0-{GRACE_S_MAX} or null"));
        }
        if !(5..=600).contains(&self.facilitator_absent_s) {
            return Err("settings.facilitator_absent_s must be 5-600".into());
        }
        if self.templates.len() > TEMPLATES_MAX {
            return Err(format!("settings.templates: at most {TEMPLATES_MAX}"));
        }
        for (index, template) in self.templates.iter().enumerate() {
            if Template::BUILTIN.contains(&template.name.as_str()) {
                return Err(format!(
                    "settings.templates[{index}].name is a built-in template's name"
                ));
            }
        }
        if self.template(&self.default_template).is_none() {
            return Err("settings.default_template names no template".into());
        }
        Ok(())
    }

    /// A template by name: the group's own, or a built-in one.
    pub fn template(&self, name: &str) -> Option<Template> {
        self.templates
            .iter()
            .find(|t| t.name.as_str() == name)
            .cloned()
            .or_else(|| Template::builtin(name))
    }

    /// The settings with `update` applied; `Err` names the field that makes
    /// them invalid together (a default template that is gone, say).
    pub fn updated(&self, update: &SettingsUpdate) -> Result<Settings, String> {
        let mut next = self.clone();
        if let Some(grace_s) = update.grace_s {
            next.grace_s = grace_s;
        }
        if let Some(absent_s) = update.facilitator_absent_s {
            next.facilitator_absent_s = absent_s;
        }
        if let Some(name) = &update.default_template {
            next.default_template = name.clone();
        }
        if let Some(templates) = &update.templates {
            next.templates = templates.clone();
        }
        if let Some(rule) = update.credit_rule {
            next.credit_rule = rule;
        }
        next.validate()?;
        Ok(next)
    }

    pub fn grace_ms(&self) -> Option<u64> {
        self.grace_s.map(|s| u64::from(s) * 1000)
    }

    pub fn facilitator_absent_ms(&self) -> u64 {
        u64::from(self.facilitator_absent_s) * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_grace_differs_from_missing_grace() {
        let null: SettingsUpdate = serde_json::from_str(r#"{"grace_s":null}"#).unwrap();
        assert_eq!(null.grace_s, Some(None));
        let missing: SettingsUpdate = serde_json::from_str("{}").unwrap();
        assert_eq!(missing.grace_s, None);
    }

    #[test]
    fn an_update_reads_back_as_it_was_written() {
        for text in ["{}", r#"{"grace_s":null}"#, r#"{"grace_s":45}"#] {
            let update: SettingsUpdate = serde_json::from_str(text).unwrap();
            let written = serde_json::to_string(&update).unwrap();
            assert_eq!(written, text);
            let again: SettingsUpdate = serde_json::from_str(&written).unwrap();
            assert_eq!(again, update);
        }
    }

    #[test]
    fn default_template_must_exist() {
        let error = serde_json::from_str::<Settings>(r#"{"default_template":"nope"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("default_template"), "{error}");
        let update = SettingsUpdate {
            default_template: Some(Name::new("nope").unwrap()),
            ..SettingsUpdate::default()
        };
        let error = Settings::default().updated(&update).unwrap_err();
        assert!(error.contains("default_template"), "{error}");
    }
}
