//! Commands from clients, parsed at the edge into types the engine trusts.

use crate::ids::{CaseId, CommandId, ItemId, MemberId, NoteId};
use crate::reply::Rejection;
use crate::settings::SettingsUpdate;
use crate::template::TemplateChoice;
use crate::text::{Bounded, ItemText, Label, NoteText, Question, Title};
use serde::{Deserialize, Deserializer, Serialize};

/// The first frame of a connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// The member's secret token (its `Debug` shows only its length).
    pub token: Bounded<128>,
    /// The last event seq the client saw, to be sent what came after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_from: Option<u64>,
    /// The client's name and version, for the operator's statistics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Bounded<80>>,
}

/// A command with its client-chosen id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommandEnvelope {
    pub id: CommandId,
    #[serde(flatten)]
    pub command: Command,
}

/// Any frame a client may send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientFrame {
    Hello(Hello),
    Command(CommandEnvelope),
}

/// A frame that could not be read; `re` is set when its id could be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    pub re: Option<CommandId>,
    pub rejection: Rejection,
}

/// A command without a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AgreementAccept {
    pub version: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingOpen {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<MemberId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberField {
    pub member: MemberId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CasePropose {
    pub title: Title,
    pub question: Question,
    pub minutes: u32,
    #[serde(default)]
    pub urgent: bool,
    /// The written background, the presenter's alone until shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<crate::text::Brief>,
}

/// `case.edit`: the fields of a queued case its presenter changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseEdit {
    pub case_id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Title>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<crate::text::Brief>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseRef {
    pub case_id: CaseId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseReorder {
    pub order: Vec<CaseId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseStart {
    pub case_id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateChoice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Extend {
    pub seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FloorGive {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
}

/// Who may read a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The author alone.
    Private,
    /// The author and the case's presenter.
    Presenter,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteSave {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_id: Option<NoteId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<CaseId>,
    pub visibility: Visibility,
    pub text: NoteText,
    /// A note to the presenter kept as a draft: its author's alone, however
    /// often it is saved, until `note.send`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteRef {
    pub note_id: NoteId,
}

/// What a record item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Area,
    Discussion,
    Action,
    Decision,
    Disagreement,
}

/// The fixed vocabulary of record tags: the functions of supervision and the
/// PEERS components.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    Management,
    Development,
    Support,
    Engagement,
    Reflection,
    Paraprofessional,
    Experience,
    Education,
    Responsibility,
}

/// A calendar date, `YYYY-MM-DD`, checked to exist.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Date(String);

impl Date {
    /// The UTC calendar date of an instant.
    pub fn of_epoch_ms(ms: crate::Millis) -> Date {
        // Howard Hinnant's days-to-civil: exact for every day since 1970.
        let days = (ms / 86_400_000) as i64 + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date(format!("{year:04}-{month:02}-{day:02}"))
    }

    pub fn new(text: &str) -> Result<Self, String> {
        let invalid = || {
            format!(
                "date must be YYYY-MM-DD, a real day (got {} chars)",
                text.len()
            )
        };
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, String> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(invalid()),
        };
        if day == 0 || day > days {
            return Err(invalid());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::new(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordAdd {
    pub kind: ItemKind,
    pub text: ItemText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<CaseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<MemberId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// The fields of a record item that `record.edit` may change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordEdit {
    pub item_id: ItemId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<ItemText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<MemberId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemRef {
    pub item_id: ItemId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContributionSubmit {
    pub text: ItemText,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PerspectiveAssign {
    pub member: MemberId,
    /// `null` takes the perspective away.
    pub perspective: Option<Label>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoundStart {
    pub turn_s: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub settings: SettingsUpdate,
}

/// Names an ended meeting: `attendance.confirm`, `attendance.countersign`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingRef {
    pub meeting_id: crate::ids::MeetingId,
}

/// `reflection.save`. The text's length is checked by the engine, so that
/// one over the limit is refused `too_large`, not as a malformed frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReflectionSave {
    pub meeting_id: crate::ids::MeetingId,
    pub text: Bounded<{ 4 * crate::supervision::REFLECTION_CHARS_MAX }>,
}

/// `member.settings`: a member's own settings for their log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberSettingsChange {
    pub settings: crate::supervision::MemberSettings,
}

/// Declares the commands once: the enum, each one's wire `type`, and how a
/// payload's error is found again with its path.
macro_rules! commands {
    ($($wire:literal => $variant:ident($payload:ty),)*) => {
        /// Every command of the protocol, by its `type`.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(tag = "type")]
        pub enum Command {
            $(#[serde(rename = $wire)] $variant($payload),)*
        }

        impl Command {
            /// The command's wire `type`, for logs and metrics.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Command::$variant(_) => $wire,)*
                }
            }
        }

        /// The error of a command's fields read on their own: serde reads an
        /// internally tagged enum through a buffer that loses the path, so a
        /// refused command's fields are read again to name the field.
        fn payload_error(kind: &str, fields: serde_json::Value) -> Option<String> {
            match kind {
                $($wire => from_value::<$payload>(fields).err(),)*
                _ => None,
            }
        }
    };
}

commands! {
    "agreement.accept" => AgreementAccept(AgreementAccept),
    "meeting.open" => MeetingOpen(MeetingOpen),
    "meeting.start" => MeetingStart(NoFields),
    "meeting.pause" => MeetingPause(NoFields),
    "meeting.resume" => MeetingResume(NoFields),
    "meeting.end" => MeetingEnd(NoFields),
    "facilitator.handover" => FacilitatorHandover(MemberField),
    "case.propose" => CasePropose(CasePropose),
    "case.withdraw" => CaseWithdraw(CaseRef),
    "case.edit" => CaseEdit(CaseEdit),
    "case.share" => CaseShare(CaseRef),
    "case.reorder" => CaseReorder(CaseReorder),
    "case.start" => CaseStart(CaseStart),
    "case.end" => CaseEnd(NoFields),
    "phase.next" => PhaseNext(NoFields),
    "phase.extend" => PhaseExtend(Extend),
    "turn.extend" => TurnExtend(Extend),
    "turn.done" => TurnDone(NoFields),
    "turn.pass" => TurnPass(NoFields),
    "turn.skip" => TurnSkip(NoFields),
    "hand.raise" => HandRaise(NoFields),
    "hand.lower" => HandLower(NoFields),
    "floor.give" => FloorGive(FloorGive),
    "note.save" => NoteSave(NoteSave),
    "note.delete" => NoteDelete(NoteRef),
    "note.send" => NoteSend(NoteRef),
    "record.add" => RecordAdd(RecordAdd),
    "record.edit" => RecordEdit(RecordEdit),
    "record.done" => RecordDone(ItemRef),
    "contribution.submit" => ContributionSubmit(ContributionSubmit),
    "perspective.assign" => PerspectiveAssign(PerspectiveAssign),
    "round.start" => RoundStart(RoundStart),
    "settings.update" => SettingsUpdate(SettingsChange),
    "attendance.confirm" => AttendanceConfirm(MeetingRef),
    "attendance.countersign" => AttendanceCountersign(MeetingRef),
    "reflection.save" => ReflectionSave(ReflectionSave),
    "member.settings" => MemberSettings(MemberSettingsChange),
    "ping" => Ping(NoFields),
}

impl Command {
    /// Whether the command may add text to what the group keeps (and so to
    /// its stored state), as opposed to moving the meeting on or removing.
    pub fn adds_text(&self) -> bool {
        matches!(
            self,
            Command::CasePropose(_)
                | Command::CaseEdit(_)
                | Command::NoteSave(_)
                | Command::NoteSend(_)
                | Command::RecordAdd(_)
                | Command::RecordEdit(_)
                | Command::ContributionSubmit(_)
                | Command::PerspectiveAssign(_)
                | Command::RoundStart(_)
                | Command::SettingsUpdate(_)
                | Command::ReflectionSave(_)
        )
    }
}

impl CommandEnvelope {
    /// The command as a JSON frame, as a client sends it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("commands serialize")
    }
}

/// Reads one text frame from a client.
///
/// Never panics; an error names what was wrong without repeating any value
/// the client sent, since values may be confidential.
pub fn parse_frame(text: &str) -> Result<ClientFrame, FrameError> {
    let unreadable = |message: String| FrameError {
        re: None,
        rejection: Rejection::bad_request(message),
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| unreadable("the frame is not valid JSON".into()))?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(unreadable("a frame must be a JSON object".into()));
    };
    if map.get("type").and_then(|t| t.as_str()) == Some("hello") {
        map.remove("type");
        let hello = from_value(serde_json::Value::Object(map))
            .map_err(|e| unreadable(format!("hello: {e}")))?;
        return Ok(ClientFrame::Hello(hello));
    }
    let id = match map.remove("id") {
        Some(serde_json::Value::String(id)) => CommandId::new(id).map_err(unreadable)?,
        Some(_) => return Err(unreadable("id must be a string".into())),
        None => return Err(unreadable("id is missing".into())),
    };
    let kind = map.get("type").and_then(|t| t.as_str()).map(str::to_owned);
    match from_value::<Command>(serde_json::Value::Object(map.clone())) {
        Ok(command) => Ok(ClientFrame::Command(CommandEnvelope { id, command })),
        Err(message) => {
            map.remove("type");
            let named = kind.and_then(|k| payload_error(&k, serde_json::Value::Object(map)));
            Err(FrameError {
                re: Some(id),
                rejection: Rejection::bad_request(named.unwrap_or(message)),
            })
        }
    }
}

/// Reads JSON into `T`; the error says where and what kind of problem it
/// was (see [`describe`]).
pub fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| describe(&e.path().to_string(), e.inner()))?;
    json.end().map_err(|e| describe("", &e))?;
    Ok(value)
}

fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| describe(&e.path().to_string(), e.inner()))
}

/// What was wrong with a frame or a body, built from where it was (the
/// path of field names and indices) and the kind of error, never from
/// serde's own text about the value: serde quotes what was sent (with
/// `{:?}`, so no cut at a quote or backtick can be trusted), and what was
/// sent may be confidential. Messages of this crate's own — a bound, a
/// date, a template's field — say nothing of the value either and are kept.
pub fn describe(path: &str, error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let problem = match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => "is not valid JSON".to_owned(),
        Category::Data => data_problem(error),
    };
    let mut segments: Vec<&str> = path.split('.').collect();
    // The key of an unknown field is the client's, not the protocol's.
    if error.to_string().starts_with("unknown field") {
        segments.pop();
    }
    // Every other key matched a field of the protocol; still, keep only
    // what looks like one (`phases[0]`, `turn_s`).
    let path: Vec<&str> = segments
        .into_iter()
        .take_while(|segment| looks_like_a_field(segment))
        .collect();
    if path.is_empty() {
        return format!("the frame {problem}");
    }
    // Our own messages name the field already.
    if let Some(own) = problem.strip_prefix("is not valid: ") {
        if own.starts_with(path[0]) {
            return own.to_owned();
        }
    }
    format!("{} {problem}", path.join("."))
}

fn looks_like_a_field(segment: &str) -> bool {
    let name = segment.split('[').next().unwrap_or("");
    let indices = &segment[name.len()..];
    (1..=40).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        && indices
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'[' || b == b']')
}

/// serde's data errors by kind; anything else is a message of this crate's.
fn data_problem(error: &serde_json::Error) -> String {
    const SERDE_KINDS: [(&str, &str); 7] = [
        ("invalid type", "has the wrong type"),
        ("invalid value", "has an invalid value"),
        ("invalid length", "has the wrong number of items"),
        ("unknown variant", "is not one of the values allowed here"),
        ("unknown field", "has a field that is not allowed here"),
        ("duplicate field", "has a field given twice"),
        (
            "data did not match",
            "matches none of the forms allowed here",
        ),
    ];
    let text = error.to_string();
    if let Some((_, problem)) = SERDE_KINDS.iter().find(|(kind, _)| text.starts_with(kind)) {
        return (*problem).to_owned();
    }
    // `missing field `x``: the name is the type's own, not the client's.
    if let Some(field) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return format!("is missing the field {field}");
    }
    // Our own messages, without serde_json's position.
    let own = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    format!("is not valid: {own}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(json: &str) -> Command {
        match parse_frame(json) {
            Ok(ClientFrame::Command(envelope)) => envelope.command,
            other => panic!("{other:?}"),
        }
    }

    fn rejected(json: &str) -> FrameError {
        parse_frame(json).expect_err(json)
    }

    #[test]
    fn parses_a_command_with_its_id() {
        assert_eq!(
            command(r#"{"id":"c-1","type":"hand.raise"}"#),
            Command::HandRaise(NoFields {})
        );
        assert!(matches!(
            command(
                r#"{"id":"c-2","type":"case.propose","title":"T","question":"Q","minutes":20}"#
            ),
            Command::CasePropose(CasePropose {
                minutes: 20,
                urgent: false,
                ..
            })
        ));
    }

    #[test]
    fn parses_hello() {
        let frame = parse_frame(r#"{"type":"hello","token":"abc","resume_from":4}"#).unwrap();
        let ClientFrame::Hello(hello) = frame else {
            panic!()
        };
        assert_eq!(hello.resume_from, Some(4));
        assert_eq!(hello.token.as_str(), "abc");
    }

    #[test]
    fn unknown_fields_are_refused_with_the_id() {
        let error = rejected(r#"{"id":"c-1","type":"hand.raise","x":1}"#);
        assert_eq!(error.re.as_ref().unwrap().as_str(), "c-1");
        assert!(
            error
                .rejection
                .message
                .contains("field that is not allowed"),
            "{error:?}"
        );
        rejected(r#"{"id":"c-1","type":"turn.extend","seconds":3,"extra":true}"#);
        rejected(r#"{"type":"hello","token":"t","id":"x"}"#);
    }

    #[test]
    fn unknown_type_and_wrong_types_are_bad_requests() {
        let unknown = rejected(r#"{"id":"c","type":"hand.wave"}"#);
        assert_eq!(unknown.rejection.code, crate::reply::ErrorCode::BadRequest);
        rejected(r#"{"id":"c","type":"turn.extend","seconds":"ten"}"#);
        rejected(r#"{"id":"c","type":"turn.extend","seconds":-1}"#);
        rejected(r#"{"id":"c"}"#);
        rejected(r#"{"id":7,"type":"ping"}"#);
        rejected(r#"{"type":"ping"}"#);
        rejected(r#"[1,2]"#);
        rejected("not json");
        rejected("");
    }

    #[test]
    fn bounded_strings_are_enforced() {
        let long_title = "x".repeat(121);
        let frame = format!(
            r#"{{"id":"c","type":"case.propose","title":"{long_title}","question":"q","minutes":5}}"#
        );
        assert!(rejected(&frame).rejection.message.contains("120"));
        let long_id = "i".repeat(65);
        rejected(&format!(r#"{{"id":"{long_id}","type":"ping"}}"#));
        rejected(r#"{"id":"","type":"ping"}"#);
    }

    #[test]
    fn error_messages_do_not_echo_values() {
        let secret = "CANARY-SECRET";
        let frames = [
            format!(
                r#"{{"id":"c","type":"note.save","visibility":"private","text":{{"{secret}":1}}}}"#
            ),
            format!(r#"{{"id":"c","type":"note.save","visibility":"{secret}","text":"a"}}"#),
            format!(r#"{{"id":"c","type":"turn.extend","seconds":"{secret}"}}"#),
            format!(
                r#"{{"id":"c","type":"record.add","kind":"action","text":"t","due":"{secret}"}}"#
            ),
        ];
        for frame in frames {
            let error = rejected(&frame);
            assert!(
                !error.rejection.message.contains(secret),
                "{}",
                error.rejection.message
            );
        }
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::new("2026-02-28").is_ok());
        assert!(Date::new("2028-02-29").is_ok());
        assert!(Date::new("2026-02-29").is_err());
        assert!(Date::new("2026-13-01").is_err());
        assert!(Date::new("2026-1-01").is_err());
        assert!(Date::new("２０26-01-01").is_err());
    }

    #[test]
    fn commands_round_trip_through_json() {
        let envelope = CommandEnvelope {
            id: CommandId::new("c-9").unwrap(),
            command: Command::TurnExtend(Extend { seconds: 30 }),
        };
        match parse_frame(&envelope.to_json()).unwrap() {
            ClientFrame::Command(back) => assert_eq!(back, envelope),
            other => panic!("{other:?}"),
        }
    }
}
