//! A meeting's record, and a member's notes, as documents to download.

use crate::command::{ItemKind, Visibility};
use crate::i18n::text;
use crate::ids::{MeetingId, MemberId};
use crate::schedule::Language;
use crate::text::Name;
use crate::view::{CaseView, Note, RecordItem};
use crate::Millis;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A meeting's record, as exported to its members.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordExport {
    pub group: Name,
    /// The group's language: the Markdown's headings and dates.
    pub language: Language,
    pub meeting_id: MeetingId,
    pub opened_at: Millis,
    pub ended_at: Option<Millis>,
    pub facilitator: String,
    pub members: Vec<(MemberId, Name)>,
    pub cases: Vec<CaseView>,
    pub items: Vec<RecordItem>,
    pub speaking_ms: BTreeMap<MemberId, u64>,
    /// The attendance as measured, confirmed and countersigned.
    pub started_at: Option<Millis>,
    pub attendance: Vec<crate::supervision::Attendance>,
    pub countersigned: Option<crate::supervision::Countersigned>,
}

/// One member's notes of a meeting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotesExport {
    pub group: Name,
    pub language: Language,
    pub meeting_id: MeetingId,
    pub opened_at: Millis,
    pub member: String,
    pub notes: Vec<Note>,
    pub members: Vec<(MemberId, Name)>,
    pub cases: Vec<CaseView>,
}

/// The record's sections, in order, by their message in the catalogues.
const SECTIONS: [(ItemKind, &str); 5] = [
    (ItemKind::Area, "record-areas"),
    (ItemKind::Discussion, "record-discussion"),
    (ItemKind::Decision, "record-decisions"),
    (ItemKind::Action, "record-actions"),
    (ItemKind::Disagreement, "record-disagreements"),
];

fn name_in(members: &[(MemberId, Name)], id: &MemberId) -> String {
    members
        .iter()
        .find(|(m, _)| m == id)
        .map_or_else(|| id.to_string(), |(_, name)| name.to_string())
}

/// Text typed by members goes into Markdown as text: characters Markdown would
/// read as markup are escaped, and line breaks kept inside the list item.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("  \n  "),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The group's time zone, as the documents print their times. This crate
/// keeps no time-zone database: the caller, which has one, says the zone's
/// offset from UTC at each instant printed.
pub trait Zone {
    /// The zone's name, printed after each time (`Europe/Amsterdam`).
    fn name(&self) -> &str;
    /// How far the zone's clocks are ahead of UTC at `at`, in seconds.
    fn offset_s(&self, at: Millis) -> i32;
}

/// UTC itself, for a group without a time zone.
pub struct Utc;

impl Zone for Utc {
    fn name(&self) -> &str {
        "UTC"
    }

    fn offset_s(&self, _: Millis) -> i32 {
        0
    }
}

/// An instant as the zone's clocks show it, in the language's usual numeric
/// form: `2025-11-22 09:26 Europe/Amsterdam`, `22.11.2025 09:26 …`,
/// `22-11-2025 09:26 …`.
pub fn local_in(language: Language, at: Millis, zone: &dyn Zone) -> String {
    let local = at.saturating_add_signed(i64::from(zone.offset_s(at)) * 1000);
    let iso = utc(local);
    let (date, time) = (&iso[..10], &iso[10..16]);
    format!("{}{time} {}", date_in(language, date), zone.name())
}

/// A `YYYY-MM-DD` date in the language's usual numeric form.
pub fn date_in(language: Language, iso: &str) -> String {
    let (year, month, day) = (&iso[..4], &iso[5..7], &iso[8..10]);
    match language {
        Language::En => iso.to_owned(),
        Language::De => format!("{day}.{month}.{year}"),
        Language::Nl => format!("{day}-{month}-{year}"),
    }
}

/// `YYYY-MM-DD HH:MM UTC` for an epoch-millisecond instant.
pub fn utc(at: Millis) -> String {
    let secs = at / 1000;
    let days = secs / 86_400;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Civil-from-days, after Howard Hinnant's algorithm.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

fn minutes(ms: u64) -> String {
    format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60)
}

impl RecordExport {
    /// The record as Markdown, its times in `zone`.
    pub fn to_markdown(&self, zone: &dyn Zone) -> String {
        let mut md = String::new();
        let name = |id: &MemberId| name_in(&self.members, id);
        let t = |id: &str, args: &[(&str, &str)]| text(self.language, id, args);
        let group = escape(&self.group);
        let _ = writeln!(md, "# {}\n", t("record-title", &[("group", &group)]));
        let opened = local_in(self.language, self.opened_at, zone);
        let _ = writeln!(md, "- {}", t("record-opened", &[("at", &opened)]));
        if let Some(ended) = self.ended_at {
            let ended = local_in(self.language, ended, zone);
            let _ = writeln!(md, "- {}", t("record-ended", &[("at", &ended)]));
        }
        let facilitator = escape(&self.facilitator);
        let _ = writeln!(
            md,
            "- {}",
            t("record-facilitator", &[("name", &facilitator)])
        );
        let meeting = format!("`{}`", self.meeting_id);
        let _ = writeln!(md, "- {}\n", t("record-meeting", &[("id", &meeting)]));
        if !self.cases.is_empty() {
            let _ = writeln!(md, "## {}\n", t("record-cases", &[]));
            for case in &self.cases {
                let (title, presenter) = (escape(&case.title), escape(&name(&case.presenter)));
                let line = t(
                    "record-presented-by",
                    &[("title", &title), ("presenter", &presenter)],
                );
                let _ = writeln!(md, "- {line}");
            }
            md.push('\n');
        }
        for (kind, heading) in SECTIONS {
            let heading = t(heading, &[]);
            let items: Vec<_> = self.items.iter().filter(|i| i.kind == kind).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(md, "## {heading}\n");
            for item in items {
                let mut line = String::new();
                if kind == ItemKind::Action {
                    line.push_str(if item.done { "[x] " } else { "[ ] " });
                }
                line.push_str(&escape(&item.text));
                if let Some(owner) = &item.owner {
                    let _ = write!(line, " — {}", escape(&name(owner)));
                }
                if let Some(due) = &item.due {
                    let due = date_in(self.language, due.as_str());
                    let _ = write!(line, ", {}", t("record-due", &[("date", &due)]));
                }
                if !item.tags.is_empty() {
                    let tags: Vec<String> = item
                        .tags
                        .iter()
                        .map(|t| {
                            serde_json::to_value(t)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        })
                        .collect();
                    let _ = write!(line, " ({})", tags.join(", "));
                }
                let _ = writeln!(md, "- {line}");
            }
            md.push('\n');
        }
        if !self.speaking_ms.is_empty() {
            let _ = writeln!(md, "## {}\n", t("record-speaking", &[]));
            let (member, time) = (t("record-member", &[]), t("record-time", &[]));
            let _ = writeln!(md, "| {member} | {time} |\n|---|---|");
            for (member, ms) in &self.speaking_ms {
                let _ = writeln!(md, "| {} | {} |", escape(&name(member)), minutes(*ms));
            }
            md.push('\n');
        }
        md
    }
}

impl NotesExport {
    /// The notes as Markdown, the meeting's time in `zone`.
    pub fn to_markdown(&self, zone: &dyn Zone) -> String {
        let mut md = String::new();
        let name = |id: &MemberId| name_in(&self.members, id);
        let t = |id: &str, args: &[(&str, &str)]| text(self.language, id, args);
        let (group, member) = (escape(&self.group), escape(&self.member));
        let _ = writeln!(
            md,
            "# {}\n",
            t("notes-title", &[("group", &group), ("member", &member)])
        );
        let opened = local_in(self.language, self.opened_at, zone);
        let _ = writeln!(md, "{}\n", t("notes-meeting", &[("at", &opened)]));
        let case_title = |note: &Note| {
            note.case_id
                .as_ref()
                .and_then(|id| self.cases.iter().find(|c| &c.case_id == id))
                .map(|c| c.title.to_string())
        };
        for note in &self.notes {
            let heading = match (note.visibility, &note.presenter) {
                (Visibility::Private, _) => t("notes-private", &[]),
                (Visibility::Presenter, Some(p)) => {
                    let (presenter, author) = (name(p), name(&note.author));
                    t(
                        "notes-to-presenter",
                        &[("presenter", &presenter), ("author", &author)],
                    )
                }
                (Visibility::Presenter, None) => t("notes-to-presenter-unknown", &[]),
            };
            let _ = writeln!(md, "## {}", escape(&heading));
            if let Some(title) = case_title(note) {
                let _ = writeln!(md, "\n{}", t("notes-case", &[("title", &escape(&title))]));
            }
            let _ = writeln!(md, "\n{}\n", escape(&note.text));
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_763_800_000_000), "2025-11-22 08:26 UTC");
    }

    /// Central European time, by the rule of 2026: summer time from
    /// 29 March 01:00 UTC.
    struct Cet;

    impl Zone for Cet {
        fn name(&self) -> &str {
            "Europe/Amsterdam"
        }

        fn offset_s(&self, at: Millis) -> i32 {
            if at >= 1_774_746_000_000 {
                7200
            } else {
                3600
            }
        }
    }

    #[test]
    fn prints_the_zones_time_and_name_either_side_of_a_change() {
        let before = 1_774_746_000_000 - 60_000;
        assert_eq!(
            local_in(Language::De, before, &Cet),
            "29.03.2026 01:59 Europe/Amsterdam"
        );
        assert_eq!(
            local_in(Language::En, before + 60_000, &Cet),
            "2026-03-29 03:00 Europe/Amsterdam"
        );
        assert_eq!(local_in(Language::Nl, 0, &Utc), "01-01-1970 00:00 UTC");
    }

    #[test]
    fn escapes_markup_typed_by_members() {
        assert_eq!(escape("<b>*x*</b>"), "\\<b\\>\\*x\\*\\</b\\>");
    }
}
