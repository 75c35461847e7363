//! A member's log as CSV (RFC 4180): a header row, one meeting a row, CRLF
//! line ends, and a field quoted when it holds a comma, a quote or a line end.

use super::MemberLog;
use std::fmt::Write;

/// The columns, in order.
const HEADER: [&str; 15] = [
    "meeting_id",
    "date",
    "start",
    "end",
    "present_min",
    "credited_min",
    "role",
    "members_present",
    "templates",
    "cases_presented",
    "confirmed_at",
    "countersigned_by",
    "countersigned_at",
    "time_zone",
    "reflection",
];

/// The log's meetings as CSV.
pub fn to_csv(log: &MemberLog) -> String {
    let mut out = String::new();
    row(&mut out, HEADER.iter().map(|h| (*h).to_owned()));
    for m in &log.meetings {
        let role = serde_json::to_value(m.role).expect("roles serialize");
        let templates: Vec<&str> = m.templates.iter().map(|t| t.as_str()).collect();
        row(
            &mut out,
            [
                m.meeting_id.to_string(),
                m.date.to_string(),
                m.start.clone(),
                m.end.clone(),
                minutes(m.present_s),
                minutes(m.credited_s),
                role.as_str().unwrap_or_default().to_owned(),
                m.members_present.to_string(),
                templates.join(" "),
                m.cases_presented.to_string(),
                m.confirmed_at.map(iso).unwrap_or_default(),
                m.countersigned
                    .as_ref()
                    .map(|c| c.by_name.clone())
                    .unwrap_or_default(),
                m.countersigned
                    .as_ref()
                    .map(|c| iso(c.at))
                    .unwrap_or_default(),
                log.time_zone.clone(),
                m.reflection.clone().unwrap_or_default(),
            ],
        );
    }
    out
}

/// Whole minutes, rounded down, as the certificate shows them.
pub(super) fn minutes(seconds: u64) -> String {
    (seconds / 60).to_string()
}

/// An instant as `YYYY-MM-DDTHH:MM:SSZ`.
fn iso(at: rondo_protocol::Millis) -> String {
    chrono::DateTime::from_timestamp_millis(at as i64)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        let mut out = String::new();
        row(
            &mut out,
            [
                "plain".into(),
                "a,b".into(),
                "say \"hi\"".into(),
                "two\nlines".into(),
            ],
        );
        assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
