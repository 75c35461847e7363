//! A member's log of supervision: every meeting of a period they attended,
//! with the time credited under the group's rule, and monthly totals against
//! their own target. As JSON (this type), CSV (`csv.rs`) and a PDF
//! certificate (`certificate.rs`). Never case content: the engine's
//! attendance keeps none, and only the member's own reflection is read.

pub mod certificate;
pub mod csv;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone};
use chrono_tz::Tz;
use rondo_protocol::engine::supervision::AttendedMeeting;
use rondo_protocol::engine::Engine;
use rondo_protocol::i18n::text;
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::reply::Rejection;
use rondo_protocol::schedule::Language;
use rondo_protocol::settings::CreditRule;
use rondo_protocol::supervision::Role;
use rondo_protocol::text::Name;
use rondo_protocol::Millis;
use serde::Serialize;
use std::collections::BTreeMap;

/// Longest period a log covers, in days: ten years.
pub const PERIOD_DAYS_MAX: i64 = 3660;

/// What the group task hands out for one member's log: a copy of the facts,
/// so the log is built (and the PDF drawn) outside the group's task.
#[derive(Clone, Debug)]
pub struct LogSource {
    group_id: GroupId,
    group_name: Name,
    language: Language,
    zone: Tz,
    rule: CreditRule,
    member: MemberId,
    member_name: Name,
    monthly_target_min: Option<u32>,
    names: BTreeMap<MemberId, Name>,
    /// The ended meetings the member attended, oldest first.
    meetings: Vec<AttendedMeeting>,
}

impl LogSource {
    /// The facts of `member`'s log: a current member who accepted the
    /// agreement in force, or a refusal.
    pub fn of(engine: &Engine, member: &MemberId, now: Millis) -> Result<LogSource, Rejection> {
        // The one rule: a current member who accepted the agreement in force;
        // a guest, there for one meeting, keeps no log.
        engine.may_read(member)?;
        if engine.is_guest(member) {
            return Err(Rejection::forbidden("a guest keeps no log"));
        }
        let group = engine.group_view(now);
        let zone = crate::schedule::group_zone(group.schedule.as_ref());
        let names: BTreeMap<MemberId, Name> = group
            .members
            .iter()
            .map(|m| (m.member_id.clone(), m.name.clone()))
            .collect();
        let supervision = engine.supervision();
        Ok(LogSource {
            group_id: group.group_id,
            group_name: group.name,
            language: group.language,
            zone,
            rule: group.settings.credit_rule,
            member: member.clone(),
            member_name: names.get(member).cloned().expect("a member has a name"),
            monthly_target_min: supervision.settings_of(member).monthly_target_min,
            names,
            meetings: supervision
                .meetings()
                .filter(|m| m.attendance_of(member).is_some())
                .cloned()
                .collect(),
        })
    }

    /// Today in the group's time zone.
    pub fn today(&self, now: Millis) -> NaiveDate {
        self.local(now).date_naive()
    }

    fn local(&self, at: Millis) -> DateTime<Tz> {
        self.zone
            .timestamp_millis_opt(at as i64)
            .single()
            .expect("an instant is one local time")
    }
}

/// The days a log covers, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period a request names; left out, `to` is today and `from` the
    /// first day of the month eleven months before `to`'s: a year of months.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, Rejection> {
        let day = |field: &str, text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|_| text.len() == 10)
                .ok_or_else(|| {
                    Rejection::bad_request(format!("{field} must be a date, YYYY-MM-DD"))
                })
        };
        let to = to.map(|t| day("to", t)).transpose()?.unwrap_or(today);
        let from = match from {
            Some(text) => day("from", text)?,
            None => first_of_month(to) - Months::new(11),
        };
        if from > to {
            return Err(Rejection::bad_request("from must not be after to"));
        }
        if (to - from).num_days() >= PERIOD_DAYS_MAX {
            return Err(Rejection::bad_request(format!(
                "to: a period is at most {PERIOD_DAYS_MAX} days"
            )));
        }
        Ok(Period { from, to })
    }
}

/// A day as `YYYY-MM-DD`.
fn iso_day<S: serde::Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(day)
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// The member whose log it is.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogMember {
    pub member_id: MemberId,
    pub name: Name,
}

/// The group the log is of.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogGroup {
    pub group_id: GroupId,
    pub name: Name,
}

/// `GET /api/log.json`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MemberLog {
    pub member: LogMember,
    pub group: LogGroup,
    #[serde(serialize_with = "iso_day")]
    #[schemars(with = "rondo_protocol::command::Date")]
    pub from: NaiveDate,
    #[serde(serialize_with = "iso_day")]
    #[schemars(with = "rondo_protocol::command::Date")]
    pub to: NaiveDate,
    /// The IANA zone of the dates and times: the schedule's, or UTC.
    pub time_zone: String,
    pub language: Language,
    pub rule: CreditRule,
    pub monthly_target_min: Option<u32>,
    pub meetings: Vec<LogMeeting>,
    pub months: Vec<LogMonth>,
    pub total_present_s: u64,
    pub total_credited_s: u64,
}

/// One meeting of a member's log.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogMeeting {
    pub meeting_id: rondo_protocol::ids::MeetingId,
    /// The day it started, in the group's time zone.
    #[serde(serialize_with = "iso_day")]
    #[schemars(with = "rondo_protocol::command::Date")]
    pub date: NaiveDate,
    /// Its actual start and end there, `HH:MM`.
    pub start: String,
    pub end: String,
    pub started_at: Millis,
    pub ended_at: Millis,
    pub present_s: u64,
    pub credited_s: u64,
    pub role: Role,
    /// How many members were present at some time.
    pub members_present: usize,
    pub templates: Vec<Name>,
    pub cases_presented: u32,
    pub confirmed_at: Option<Millis>,
    pub countersigned: Option<LogCountersigned>,
    /// The member's own reflection.
    pub reflection: Option<String>,
}

/// Who countersigned, by name.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogCountersigned {
    /// The member's name; the group's word for its convener when the
    /// convener countersigned.
    pub by_name: String,
    pub at: Millis,
}

/// A month's total against the target.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct LogMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub credited_s: u64,
    /// `null` without a target.
    pub meets_target: Option<bool>,
}

impl MemberLog {
    /// The log of `source`'s member over `period`.
    pub fn build(source: &LogSource, period: Period) -> MemberLog {
        let meetings: Vec<LogMeeting> = source
            .meetings
            .iter()
            .filter_map(|m| log_meeting(source, m))
            .filter(|m| (period.from..=period.to).contains(&m.date))
            .collect();
        let target_s = source.monthly_target_min.map(|m| u64::from(m) * 60);
        let mut months = Vec::new();
        let mut month = first_of_month(period.from);
        while month <= period.to {
            let key = month.format("%Y-%m").to_string();
            let credited_s = meetings
                .iter()
                .filter(|m| m.date.year() == month.year() && m.date.month() == month.month())
                .map(|m| m.credited_s)
                .sum();
            months.push(LogMonth {
                month: key,
                credited_s,
                meets_target: target_s.map(|t| credited_s >= t),
            });
            month = month + Months::new(1);
        }
        MemberLog {
            member: LogMember {
                member_id: source.member.clone(),
                name: source.member_name.clone(),
            },
            group: LogGroup {
                group_id: source.group_id.clone(),
                name: source.group_name.clone(),
            },
            from: period.from,
            to: period.to,
            time_zone: source.zone.name().to_owned(),
            language: source.language,
            rule: source.rule,
            monthly_target_min: source.monthly_target_min,
            total_present_s: meetings.iter().map(|m| m.present_s).sum(),
            total_credited_s: meetings.iter().map(|m| m.credited_s).sum(),
            meetings,
            months,
        }
    }
}

fn log_meeting(source: &LogSource, meeting: &AttendedMeeting) -> Option<LogMeeting> {
    let own = meeting.attendance_of(&source.member)?;
    let start = source.local(meeting.started_at);
    let end = source.local(meeting.ended_at);
    let members_present = meeting.attendance.len();
    Some(LogMeeting {
        meeting_id: meeting.meeting_id.clone(),
        date: start.date_naive(),
        start: start.format("%H:%M").to_string(),
        end: end.format("%H:%M").to_string(),
        started_at: meeting.started_at,
        ended_at: meeting.ended_at,
        present_s: own.present_s,
        credited_s: source.rule.credited_s(own.present_s, members_present),
        role: own.role,
        members_present,
        templates: meeting.templates.clone(),
        cases_presented: meeting.cases_presented,
        confirmed_at: own.confirmed_at,
        countersigned: meeting.countersigned.as_ref().map(|c| LogCountersigned {
            by_name: if c.by_convener() {
                text(source.language, "log-convener", &[])
            } else {
                source.names.get(&c.by).map_or_else(
                    || text(source.language, "log-former-member", &[]),
                    |n| n.as_str().to_owned(),
                )
            },
            at: c.at,
        }),
        reflection: meeting
            .reflections
            .get(&source.member)
            .map(|r| r.text.as_str().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_left_out_is_a_year_of_months_to_today() {
        let period = Period::parse(None, None, day("2027-03-15")).unwrap();
        assert_eq!(period.from, day("2026-04-01"));
        assert_eq!(period.to, day("2027-03-15"));
    }

    #[test]
    fn from_after_to_names_the_field() {
        let error =
            Period::parse(Some("2027-03-02"), Some("2027-03-01"), day("2027-03-15")).unwrap_err();
        assert_eq!(error.code, rondo_protocol::reply::ErrorCode::BadRequest);
        assert!(error.message.starts_with("from"), "{}", error.message);
        let error = Period::parse(Some("2027-02-30"), None, day("2027-03-15")).unwrap_err();
        assert!(error.message.starts_with("from"), "{}", error.message);
    }
}
