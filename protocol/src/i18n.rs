//! The texts of the group's exports and calendars in its language: Project
//! Fluent catalogues (`protocol/locales/*.ftl`), compiled into the crate.

use crate::schedule::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// Each language's catalogue, as shipped.
pub const CATALOGUES: [(Language, &str); 3] = [
    (Language::En, include_str!("../locales/en.ftl")),
    (Language::De, include_str!("../locales/de.ftl")),
    (Language::Nl, include_str!("../locales/nl.ftl")),
];

fn bundle(language: Language) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(language, source)| {
                let tag = language
                    .tag()
                    .parse()
                    .expect("en, de and nl are language tags");
                let mut bundle = FluentBundle::new_concurrent(vec![tag]);
                // Files carry no invisible direction marks around placeholders.
                bundle.set_use_isolating(false);
                let resource = FluentResource::try_new((*source).to_owned())
                    .expect("the shipped catalogues parse (tested)");
                bundle
                    .add_resource(resource)
                    .expect("a catalogue defines each message once (tested)");
                bundle
            })
            .collect()
    });
    let index = CATALOGUES
        .iter()
        .position(|(l, _)| *l == language)
        .unwrap_or(0);
    &bundles[index]
}

/// A message in `language`, its placeholders filled; the English one where
/// a catalogue lacks it (a test makes sure none does).
pub fn text(language: Language, id: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(*value));
    }
    for bundle in [bundle(language), bundle(Language::En)] {
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
        }
    }
    id.to_owned()
}

impl Language {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Nl => "nl",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn messages_come_in_the_language_without_direction_marks() {
        let text = text(Language::De, "record-facilitator", &[("name", "Ana")]);
        assert_eq!(text, "Moderation: Ana");
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'));
        assert_eq!(text_en_fallback(), "Facilitator: Bo");
    }

    fn text_en_fallback() -> String {
        text(Language::En, "record-facilitator", &[("name", "Bo")])
    }
}
