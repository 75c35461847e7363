//! Reminders in a member's private calendar feed: two alarms on every
//! meeting (a day and a quarter of an hour before), and, on the next
//! meeting of that member's own feed only, a line saying that they
//! facilitate it or have a case queued — in the group's language, with no
//! name and nothing of the case.

use icalendar::{Alarm, EventLike, Trigger};
use rondo_protocol::schedule::Language;

/// How long before a meeting each alarm goes off.
const ALARMS_BEFORE: [chrono::TimeDelta; 2] =
    [chrono::TimeDelta::days(1), chrono::TimeDelta::minutes(15)];

/// What the member's own feed says of their next meeting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Personal {
    /// They are the one due to facilitate it.
    pub facilitates: bool,
    /// A case of theirs waits in the queue.
    pub case_queued: bool,
}

impl Personal {
    /// The lines for the next meeting's description, in `language`.
    pub fn lines(self, language: Language) -> Vec<String> {
        let text = |id| rondo_protocol::i18n::text(language, id, &[]);
        let mut lines = Vec::new();
        if self.facilitates {
            lines.push(text("calendar-you-facilitate"));
        }
        if self.case_queued {
            lines.push(text("calendar-your-case-queued"));
        }
        lines
    }
}

/// Adds the two display alarms to a meeting's event.
pub fn add_alarms(event: &mut icalendar::Event, language: Language) {
    let description = rondo_protocol::i18n::text(language, "calendar-reminder", &[]);
    for before in ALARMS_BEFORE {
        // No RELATED parameter: relative to the start is the default.
        event.alarm(Alarm::display(
            &description,
            Trigger::Duration(-before, None),
        ));
    }
}

/// The next meeting's description with the member's own lines after the
/// group's.
pub fn describe_next(base: &str, personal: Personal, language: Language) -> String {
    std::iter::once(base.to_owned())
        .chain(personal.lines(language))
        .collect::<Vec<_>>()
        .join("\n")
}
