//! A member's log as a PDF certificate in the group's language (printpdf,
//! with DejaVu Serif embedded so umlauts and the Dutch ij print as such):
//! the member, the group, the period, each meeting's date, time, minutes,
//! credit, role, confirmation and countersignature, the months against the
//! target and the total. Nothing of the reflections, and no case content.

use super::csv::minutes;
use super::{LogMeeting, MemberLog};
use printpdf::{
    IndirectFontRef, Line, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference, Point,
};
use rondo_protocol::export::date_in;
use rondo_protocol::i18n::text;
use rondo_protocol::schedule::Language;
use rondo_protocol::settings::CreditRule;
use rondo_protocol::supervision::Role;

/// DejaVu Serif 2.37, from Debian's fonts-dejavu-core, under its licence
/// (`server/fonts/DejaVuSerif.LICENSE`).
const FONT: &[u8] = include_bytes!("../../fonts/DejaVuSerif.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const ROW_H: f32 = 5.0;
/// Where each column of the meetings' table starts, from the left margin.
const COLUMNS: [f32; 7] = [0.0, 24.0, 50.0, 66.0, 84.0, 110.0, 136.0];
/// Longest countersigner's name printed whole.
const NAME_CHARS_MAX: usize = 28;

/// Why a certificate could not be made (never the log's content).
#[derive(Debug, thiserror::Error)]
#[error("the certificate could not be written: {0}")]
pub struct CertificateError(String);

/// The certificate of `log`, as PDF bytes.
pub fn to_pdf(log: &MemberLog) -> Result<Vec<u8>, CertificateError> {
    let language = log.language;
    let t = |id: &str| text(language, id, &[]);
    let title = t("log-title");
    let (doc, page, layer) = PdfDocument::new(&title, Mm(PAGE_W), Mm(PAGE_H), "text");
    let font = doc
        .add_external_font(FONT)
        .map_err(|e| CertificateError(e.to_string()))?;
    let mut pen = Pen {
        doc: &doc,
        layer: doc.get_page(page).get_layer(layer),
        font,
        y: PAGE_H - MARGIN,
    };
    pen.line(&title, 16.0, 0.0);
    pen.gap(3.0);
    let period = text(
        language,
        "log-period",
        &[
            ("from", &day(language, log.from)),
            ("to", &day(language, log.to)),
        ],
    );
    let rule = match log.rule {
        CreditRule::Attended => t("log-rule-attended"),
        CreditRule::Shared => t("log-rule-shared"),
    };
    for line in [
        text(
            language,
            "log-member",
            &[("name", log.member.name.as_str())],
        ),
        text(language, "log-group", &[("name", log.group.name.as_str())]),
        period,
        rule,
        text(language, "log-time-zone", &[("zone", &log.time_zone)]),
    ] {
        pen.line(&line, 11.0, 0.0);
    }
    pen.gap(4.0);
    let header: Vec<String> = [
        "log-col-date",
        "log-col-time",
        "log-col-minutes",
        "log-col-credited",
        "log-col-role",
        "log-col-confirmed",
        "log-col-countersigned",
    ]
    .iter()
    .map(|id| t(id))
    .collect();
    pen.row(&header, 9.0);
    pen.rule();
    if log.meetings.is_empty() {
        pen.line(&t("log-no-meetings"), 9.0, 0.0);
    }
    for meeting in &log.meetings {
        pen.row(&meeting_row(language, meeting), 9.0);
    }
    pen.gap(4.0);
    let target = match log.monthly_target_min {
        Some(min) => text(language, "log-target", &[("minutes", &min.to_string())]),
        None => t("log-no-target"),
    };
    pen.line(&target, 11.0, 0.0);
    for month in &log.months {
        let met = match month.meets_target {
            Some(true) => t("log-target-met"),
            Some(false) => t("log-target-missed"),
            None => String::new(),
        };
        let line = text(
            language,
            "log-month",
            &[
                ("month", &month.month),
                ("minutes", &minutes(month.credited_s)),
            ],
        );
        pen.row(&[line, met], 9.0);
    }
    pen.gap(3.0);
    let total = text(
        language,
        "log-total",
        &[
            ("present", &minutes(log.total_present_s)),
            ("credited", &minutes(log.total_credited_s)),
        ],
    );
    pen.line(&total, 11.0, 0.0);
    pen.gap(4.0);
    pen.line(&t("log-footer"), 8.0, 0.0);
    pen.line(&t("log-footer-content"), 8.0, 0.0);
    doc.save_to_bytes()
        .map_err(|e| CertificateError(e.to_string()))
}

fn meeting_row(language: Language, m: &LogMeeting) -> Vec<String> {
    let t = |id: &str| text(language, id, &[]);
    let role = match m.role {
        Role::Facilitator => t("log-role-facilitator"),
        Role::Presenter => t("log-role-presenter"),
        Role::Member => t("log-role-member"),
        Role::Guest => t("log-role-guest"),
    };
    let confirmed = m
        .confirmed_at
        .map_or_else(|| t("log-no"), |at| instant_day(language, at));
    let countersigned = m.countersigned.as_ref().map_or_else(
        || t("log-no"),
        |c| {
            let name: String = c.by_name.chars().take(NAME_CHARS_MAX).collect();
            format!("{name}, {}", instant_day(language, c.at))
        },
    );
    vec![
        day(language, m.date),
        format!("{}–{}", m.start, m.end),
        minutes(m.present_s),
        minutes(m.credited_s),
        role,
        confirmed,
        countersigned,
    ]
}

fn day(language: Language, date: chrono::NaiveDate) -> String {
    date_in(language, &date.to_string())
}

/// The UTC day of an instant, for confirmations and countersignatures.
fn instant_day(language: Language, at: rondo_protocol::Millis) -> String {
    date_in(
        language,
        rondo_protocol::command::Date::of_epoch_ms(at).as_str(),
    )
}

/// Writes lines down the page, starting a new page at the bottom margin.
struct Pen<'a> {
    doc: &'a PdfDocumentReference,
    layer: PdfLayerReference,
    font: IndirectFontRef,
    /// The baseline of the next line, from the page's foot.
    y: f32,
}

impl Pen<'_> {
    fn room(&mut self, height: f32) {
        if self.y - height < MARGIN {
            let (page, layer) = self.doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "text");
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.y = PAGE_H - MARGIN;
        }
    }

    fn line(&mut self, text: &str, size: f32, x: f32) {
        let height = size * 0.3528 + 1.5;
        self.room(height);
        self.y -= height;
        self.layer
            .use_text(text, size, Mm(MARGIN + x), Mm(self.y), &self.font);
    }

    fn row(&mut self, cells: &[String], size: f32) {
        self.room(ROW_H);
        self.y -= ROW_H;
        for (cell, x) in cells.iter().zip(COLUMNS) {
            self.layer
                .use_text(cell, size, Mm(MARGIN + x), Mm(self.y), &self.font);
        }
    }

    fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    /// A thin line under a table's header.
    fn rule(&mut self) {
        let y = Mm(self.y - 1.5);
        self.layer.add_line(Line {
            points: vec![
                (Point::new(Mm(MARGIN), y), false),
                (Point::new(Mm(PAGE_W - MARGIN), y), false),
            ],
            is_closed: false,
        });
        self.y -= 1.5;
    }
}
