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

/// Every command of the protocol, by its `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type")]
pub enum Command {
    #[serde(rename = "agreement.accept")]
    AgreementAccept(AgreementAccept),
    #[serde(rename = "meeting.open")]
    MeetingOpen(MeetingOpen),
    #[serde(rename = "meeting.start")]
    MeetingStart(NoFields),
    #[serde(rename = "meeting.pause")]
    MeetingPause(NoFields),
    #[serde(rename = "meeting.resume")]
    MeetingResume(NoFields),
    #[serde(rename = "meeting.end")]
    MeetingEnd(NoFields),
    #[serde(rename = "facilitator.handover")]
    FacilitatorHandover(MemberField),
    #[serde(rename = "case.propose")]
    CasePropose(CasePropose),
    #[serde(rename = "case.withdraw")]
    CaseWithdraw(CaseRef),
    #[serde(rename = "case.reorder")]
    CaseReorder(CaseReorder),
    #[serde(rename = "case.start")]
    CaseStart(CaseStart),
    #[serde(rename = "case.end")]
    CaseEnd(NoFields),
    #[serde(rename = "phase.next")]
    PhaseNext(NoFields),
    #[serde(rename = "phase.extend")]
    PhaseExtend(Extend),
    #[serde(rename = "turn.extend")]
    TurnExtend(Extend),
    #[serde(rename = "turn.done")]
    TurnDone(NoFields),
    #[serde(rename = "turn.pass")]
    TurnPass(NoFields),
    #[serde(rename = "turn.skip")]
    TurnSkip(NoFields),
    #[serde(rename = "hand.raise")]
    HandRaise(NoFields),
    #[serde(rename = "hand.lower")]
    HandLower(NoFields),
    #[serde(rename = "floor.give")]
    FloorGive(FloorGive),
    #[serde(rename = "note.save")]
    NoteSave(NoteSave),
    #[serde(rename = "note.delete")]
    NoteDelete(NoteRef),
    #[serde(rename = "record.add")]
    RecordAdd(RecordAdd),
    #[serde(rename = "record.edit")]
    RecordEdit(RecordEdit),
    #[serde(rename = "record.done")]
    RecordDone(ItemRef),
    #[serde(rename = "contribution.submit")]
    ContributionSubmit(ContributionSubmit),
    #[serde(rename = "perspective.assign")]
    PerspectiveAssign(PerspectiveAssign),
    #[serde(rename = "round.start")]
    RoundStart(RoundStart),
    #[serde(rename = "settings.update")]
    SettingsUpdate(SettingsChange),
    #[serde(rename = "ping")]
    Ping(NoFields),
}

impl Command {
    /// The command's wire `type`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Command::AgreementAccept(_) => "agreement.accept",
            Command::MeetingOpen(_) => "meeting.open",
            Command::MeetingStart(_) => "meeting.start",
            Command::MeetingPause(_) => "meeting.pause",
            Command::MeetingResume(_) => "meeting.resume",
            Command::MeetingEnd(_) => "meeting.end",
            Command::FacilitatorHandover(_) => "facilitator.handover",
            Command::CasePropose(_) => "case.propose",
            Command::CaseWithdraw(_) => "case.withdraw",
            Command::CaseReorder(_) => "case.reorder",
            Command::CaseStart(_) => "case.start",
            Command::CaseEnd(_) => "case.end",
            Command::PhaseNext(_) => "phase.next",
            Command::PhaseExtend(_) => "phase.extend",
            Command::TurnExtend(_) => "turn.extend",
            Command::TurnDone(_) => "turn.done",
            Command::TurnPass(_) => "turn.pass",
            Command::TurnSkip(_) => "turn.skip",
            Command::HandRaise(_) => "hand.raise",
            Command::HandLower(_) => "hand.lower",
            Command::FloorGive(_) => "floor.give",
            Command::NoteSave(_) => "note.save",
            Command::NoteDelete(_) => "note.delete",
            Command::RecordAdd(_) => "record.add",
            Command::RecordEdit(_) => "record.edit",
            Command::RecordDone(_) => "record.done",
            Command::ContributionSubmit(_) => "contribution.submit",
            Command::PerspectiveAssign(_) => "perspective.assign",
            Command::RoundStart(_) => "round.start",
            Command::SettingsUpdate(_) => "settings.update",
            Command::Ping(_) => "ping",
        }
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
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| unreadable(format!("not JSON: {}", describe(&e))))?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(unreadable("a frame must be a JSON object".into()));
    };
    if map.get("type").and_then(|t| t.as_str()) == Some("hello") {
        map.remove("type");
        let hello = serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| unreadable(format!("hello: {}", describe(&e))))?;
        return Ok(ClientFrame::Hello(hello));
    }
    let id = match map.remove("id") {
        Some(serde_json::Value::String(id)) => CommandId::new(id).map_err(unreadable)?,
        Some(_) => return Err(unreadable("id must be a string".into())),
        None => return Err(unreadable("missing field `id`".into())),
    };
    match serde_json::from_value::<Command>(serde_json::Value::Object(map)) {
        Ok(command) => Ok(ClientFrame::Command(CommandEnvelope { id, command })),
        Err(e) => Err(FrameError {
            re: Some(id),
            rejection: Rejection::bad_request(describe(&e)),
        }),
    }
}

/// A serde error's text with any value the client sent cut out.
///
/// serde quotes values in double quotes (`invalid type: string "…"`) and names
/// in backticks (`unknown field `x``). Quoted values are dropped; a backticked
/// name is kept only when it looks like a protocol name (lowercase letters,
/// dots and underscores), since the client may have put anything there.
pub fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('"');
    // Even parts are outside double quotes, odd parts inside.
    let mut inside = false;
    for part in parts.by_ref() {
        if inside {
            out.push_str("\"…\"");
        } else {
            out.push_str(&redact_backticks(part));
        }
        inside = !inside;
    }
    out.chars().take(300).collect()
}

fn redact_backticks(text: &str) -> String {
    let looks_like_a_name = |name: &str| {
        (1..=40).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
    };
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 if looks_like_a_name(part) => format!("`{part}`"),
            1 => "`…`".to_owned(),
            _ => part.to_owned(),
        })
        .collect()
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
            error.rejection.message.contains("unknown field"),
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
