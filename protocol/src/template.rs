//! Templates: the phases a case runs through. Built-in ones, and validation of
//! the ones a group defines.

use crate::text::Name;
use serde::{Deserialize, Serialize};

/// Longest phase or turn, in seconds (two hours).
pub const DURATION_S_MAX: u32 = 7200;
/// Most cycles a round may have.
pub const CYCLES_MAX: u32 = 5;
/// Most phases a template may have.
pub const PHASES_MAX: usize = 12;

/// How a phase hands out the floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// Only the presenter holds the floor.
    Presenter,
    /// Every present member but the presenter, one timed turn each, in rotation order.
    Round,
    /// Members raise hands; the facilitator gives the floor.
    Open,
    /// Nobody speaks: time to reflect.
    Silence,
    /// Everyone but the presenter writes; the texts are revealed when the phase ends.
    Written,
}

/// Who sees the contributions of a written phase when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevealTo {
    #[default]
    Group,
    Presenter,
}

/// One phase of a template, as it is on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: Name,
    pub kind: PhaseKind,
    /// How long the whole phase lasts; required for presenter, silence and
    /// written phases, optional for open ones, not allowed for rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u32>,
    /// Length of one turn: required for rounds, an optional per-speaker limit
    /// for open phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_s: Option<u32>,
    /// How many times a round goes round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles: Option<u32>,
    /// The presenter may not raise a hand or hold the floor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub presenter_silent: bool,
    /// For written phases: who sees the texts when the phase ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal_to: Option<RevealTo>,
}

/// A named list of phases. Parsed, not validated after parsing: a
/// `Template` read from JSON is a valid one (`serde(try_from)`), and the
/// error of an invalid one names the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "TemplateFields")]
pub struct Template {
    pub name: Name,
    pub phases: Vec<Phase>,
}

/// A template's fields as sent, before they are checked.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct TemplateFields {
    name: Name,
    phases: Vec<Phase>,
}

impl TryFrom<TemplateFields> for Template {
    type Error = String;

    fn try_from(fields: TemplateFields) -> Result<Template, String> {
        let template = Template {
            name: fields.name,
            phases: fields.phases,
        };
        template.validate()?;
        Ok(template)
    }
}

/// A template as a command names it: by name, or given in place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum TemplateChoice {
    Named(Name),
    Inline(Template),
}

/// By hand rather than `untagged`: an untagged enum would replace an inline
/// template's error, which names the field, with "no variant matched".
impl<'de> Deserialize<'de> for TemplateChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Choice;
        impl<'de> serde::de::Visitor<'de> for Choice {
            type Value = TemplateChoice;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a template's name or a template object")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<TemplateChoice, E> {
                Name::new(name)
                    .map(TemplateChoice::Named)
                    .map_err(E::custom)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<TemplateChoice, A::Error> {
                let template =
                    Template::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(TemplateChoice::Inline(template))
            }
        }
        d.deserialize_any(Choice)
    }
}

impl Template {
    /// Checks the template's shape; `Err` names the offending field.
    fn validate(&self) -> Result<(), String> {
        if self.name.is_blank() {
            return Err("template.name must not be empty".into());
        }
        if self.phases.is_empty() || self.phases.len() > PHASES_MAX {
            return Err(format!("template.phases must have 1-{PHASES_MAX} phases"));
        }
        for (index, phase) in self.phases.iter().enumerate() {
            phase
                .validate()
                .map_err(|field| format!("template.phases[{index}].{field}"))?;
        }
        Ok(())
    }

    /// Looks a built-in template up by name.
    pub fn builtin(name: &str) -> Option<Template> {
        let phases = match name {
            "sgs" => vec![
                presenter("request for help", 300),
                round("questions", 90, false),
                round("feedback", 120, true),
                timed("pause", PhaseKind::Silence, 300),
                presenter("response", 300),
                timed("discussion", PhaseKind::Open, 600),
            ],
            "incident" => vec![
                presenter("incident", 300),
                round("clarifying questions", 90, false),
                round("analysis", 120, false),
                round("advice", 120, true),
                presenter("reflection", 300),
                timed("evaluation", PhaseKind::Open, 600),
            ],
            "balint" => vec![
                presenter("presentation", 600),
                round("questions", 90, false),
                Phase {
                    presenter_silent: true,
                    ..timed("group reflection", PhaseKind::Open, 1200)
                },
                presenter("presenter returns", 300),
                timed("open discussion", PhaseKind::Open, 600),
            ],
            "open" => vec![Phase {
                duration_s: None,
                ..timed("open", PhaseKind::Open, 0)
            }],
            "peers" => [
                "paraprofessional development",
                "lived experience",
                "education",
                "responsibilities",
                "support",
            ]
            .into_iter()
            .map(|component| timed(component, PhaseKind::Open, 600))
            .collect(),
            // Kollegiale Beratung after Tietze, about 45 minutes: the roles
            // are cast, the presenter tells, names the key question, the
            // group chooses a method and consults while the presenter
            // listens, and the presenter closes.
            "tietze" => vec![
                timed("casting", PhaseKind::Open, 300),
                presenter("spontaneous account", 600),
                presenter("key question", 300),
                timed("choice of method", PhaseKind::Open, 300),
                round("consultation", 120, true),
                presenter("closing", 300),
            ],
            // The Dutch "roddel" (gossip) method: the others talk about the
            // case as if the presenter were not there, turned away and silent.
            "roddel" => vec![
                presenter("question", 300),
                round("exploring questions", 180, false),
                round("gossip round", 180, true),
                presenter("response", 900),
                timed("evaluation", PhaseKind::Open, 300),
            ],
            _ => return None,
        };
        Some(Template {
            name: name_of(name),
            phases,
        })
    }

    /// The names of the built-in templates.
    pub const BUILTIN: [&'static str; 7] = [
        "sgs", "incident", "balint", "open", "peers", "tietze", "roddel",
    ];
}

impl Phase {
    /// Checks one phase; `Err` names the field.
    fn validate(&self) -> Result<(), String> {
        let in_range = |value: Option<u32>| value.is_none_or(|s| (1..=DURATION_S_MAX).contains(&s));
        if self.name.is_blank() {
            return Err("name must not be empty".into());
        }
        if !in_range(self.duration_s) {
            return Err(format!("duration_s must be 1-{DURATION_S_MAX}"));
        }
        if !in_range(self.turn_s) {
            return Err(format!("turn_s must be 1-{DURATION_S_MAX}"));
        }
        if self.cycles.is_some_and(|c| !(1..=CYCLES_MAX).contains(&c)) {
            return Err(format!("cycles must be 1-{CYCLES_MAX}"));
        }
        let needs_duration = matches!(
            self.kind,
            PhaseKind::Presenter | PhaseKind::Silence | PhaseKind::Written
        );
        if needs_duration && self.duration_s.is_none() {
            return Err("duration_s is required for this kind".into());
        }
        match self.kind {
            PhaseKind::Round if self.turn_s.is_none() => {
                Err("turn_s is required for a round".into())
            }
            PhaseKind::Round if self.duration_s.is_some() => {
                Err("duration_s is not allowed for a round (use turn_s)".into())
            }
            PhaseKind::Presenter | PhaseKind::Silence | PhaseKind::Written
                if self.turn_s.is_some() =>
            {
                Err("turn_s is only for round and open phases".into())
            }
            kind if kind != PhaseKind::Round && self.cycles.is_some() => {
                Err("cycles is only for rounds".into())
            }
            kind if kind != PhaseKind::Written && self.reveal_to.is_some() => {
                Err("reveal_to is only for written phases".into())
            }
            _ => Ok(()),
        }
    }

    pub fn duration_ms(&self) -> Option<u64> {
        self.duration_s.map(|s| u64::from(s) * 1000)
    }

    pub fn turn_ms(&self) -> Option<u64> {
        self.turn_s.map(|s| u64::from(s) * 1000)
    }
}

fn name_of(name: &str) -> Name {
    // Built-in names are short literals, well under the limit.
    Name::new(name).expect("built-in names fit")
}

fn presenter(name: &str, duration_s: u32) -> Phase {
    timed(name, PhaseKind::Presenter, duration_s)
}

fn timed(name: &str, kind: PhaseKind, duration_s: u32) -> Phase {
    Phase {
        name: name_of(name),
        kind,
        duration_s: Some(duration_s),
        turn_s: None,
        cycles: None,
        presenter_silent: false,
        reveal_to: None,
    }
}

fn round(name: &str, turn_s: u32, presenter_silent: bool) -> Phase {
    Phase {
        turn_s: Some(turn_s),
        cycles: Some(1),
        presenter_silent,
        duration_s: None,
        ..timed(name, PhaseKind::Round, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid() {
        for name in Template::BUILTIN {
            let template = Template::builtin(name).unwrap();
            assert_eq!(template.validate(), Ok(()), "{name}");
        }
    }

    #[test]
    fn invalid_template_names_the_field() {
        let json = r#"{"name":"q","phases":[{"name":"r","kind":"round","turn_s":0}]}"#;
        let error = serde_json::from_str::<Template>(json)
            .unwrap_err()
            .to_string();
        assert!(error.contains("phases[0].turn_s"), "{error}");
    }

    #[test]
    fn presenter_phase_needs_a_duration() {
        let json = r#"{"name":"q","phases":[{"name":"p","kind":"presenter"}]}"#;
        let error = serde_json::from_str::<Template>(json)
            .unwrap_err()
            .to_string();
        assert!(error.contains("duration_s"), "{error}");
    }

    #[test]
    fn empty_and_oversized_templates_are_refused() {
        let empty = Template {
            name: name_of("x"),
            phases: vec![],
        };
        assert!(empty.validate().is_err());
        let many = Template {
            name: name_of("x"),
            phases: vec![timed("s", PhaseKind::Silence, 10); PHASES_MAX + 1],
        };
        assert!(many.validate().is_err());
    }
}
