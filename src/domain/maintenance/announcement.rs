//! What an announcement of maintenance says, in the agreement's language: the kind, the services, the impact
//! and the next windows in the series' own zone, with the iCalendar UID and SEQUENCE so a reader can match it to
//! the calendar export. Pure: the caller picks the windows and the language.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::series::Occurrence;
use super::{Impact, WindowKind};
use crate::domain::agreement::lang::Lang;
use crate::domain::names::stored_names;

stored_names!(
    /// Why a message about a window goes out.
    AnnouncementKind {
        /// The first announcement.
        Announce => "announce",
        /// The window changed after it was announced.
        Change => "change",
        /// The series, or one of its windows, is cancelled.
        Cancel => "cancel",
        /// `vakt serve`'s reminder before a window starts.
        Reminder => "reminder",
    }
);

/// The window a message is about.
#[derive(Debug, Clone)]
pub struct AnnouncedWindow<'a> {
    pub series_id: i64,
    pub sequence: i32,
    pub kind: WindowKind,
    pub impact: Impact,
    pub services: &'a [String],
    pub zone: Tz,
    pub reason: &'a str,
    /// The windows the message names, soonest first (for a cancelled occurrence: that one).
    pub windows: &'a [Occurrence],
    /// A single cancelled occurrence, when not the whole series is cancelled.
    pub occurrence: Option<NaiveDate>,
}

/// Subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementText {
    pub subject: String,
    pub body: String,
}

/// Windows named in a message at most; a recurring series says how many follow.
pub const WINDOWS_NAMED: usize = 6;

pub fn render(what: AnnouncementKind, window: &AnnouncedWindow<'_>, lang: Lang) -> AnnouncementText {
    let words = Words::of(lang);
    let services = window.services.join(", ");
    let heading = match what {
        AnnouncementKind::Announce => words.announce,
        AnnouncementKind::Change => words.change,
        AnnouncementKind::Cancel => words.cancel,
        AnnouncementKind::Reminder => words.reminder,
    };
    let first = window.windows.first().map(|o| local(o.start, window.zone));
    let subject = match (&first, window.occurrence) {
        (_, Some(date)) if what == AnnouncementKind::Cancel => format!("{heading}: {services} {date}"),
        (Some(first), _) => format!("{heading}: {services} {first}"),
        (None, _) => format!("{heading}: {services}"),
    };
    let mut body = vec![
        heading.to_string(),
        String::new(),
        format!("{}: {services}", words.services),
        format!("{}: {}", words.kind, kind_name(window.kind, lang)),
        format!("{}: {}", words.impact, impact_name(window.impact, lang)),
    ];
    if !window.reason.trim().is_empty() {
        body.push(format!("{}: {}", words.reason, window.reason.trim()));
    }
    body.push(String::new());
    body.push(format!("{} ({}):", words.windows, window.zone.name()));
    for o in window.windows.iter().take(WINDOWS_NAMED) {
        body.push(format!("  {} – {}", local(o.start, window.zone), local_end(o, window.zone)));
    }
    if window.windows.len() > WINDOWS_NAMED {
        body.push(format!("  … {} {}", window.windows.len() - WINDOWS_NAMED, words.more));
    }
    body.push(String::new());
    body.push(format!("UID maintenance-{}@vakt · SEQUENCE {}", window.series_id, window.sequence.max(0)));
    AnnouncementText { subject, body: body.join("\n") + "\n" }
}

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// The end as a time alone when the window ends on the day it starts.
fn local_end(o: &Occurrence, zone: Tz) -> String {
    let (start, end) = (o.start.with_timezone(&zone), o.end.with_timezone(&zone));
    if start.date_naive() == end.date_naive() { end.format("%H:%M").to_string() } else { local(o.end, zone) }
}

struct Words {
    announce: &'static str,
    change: &'static str,
    cancel: &'static str,
    reminder: &'static str,
    services: &'static str,
    kind: &'static str,
    impact: &'static str,
    reason: &'static str,
    windows: &'static str,
    more: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Self {
        match lang {
            Lang::Nb => Words {
                announce: "Varsel om planlagt vedlikehold",
                change: "Endret planlagt vedlikehold",
                cancel: "Avlyst planlagt vedlikehold",
                reminder: "Påminnelse om planlagt vedlikehold",
                services: "Tjenester",
                kind: "Type",
                impact: "Konsekvens",
                reason: "Begrunnelse",
                windows: "Tidspunkt",
                more: "flere",
            },
            Lang::Sv => Words {
                announce: "Avisering om planerat underhåll",
                change: "Ändrat planerat underhåll",
                cancel: "Inställt planerat underhåll",
                reminder: "Påminnelse om planerat underhåll",
                services: "Tjänster",
                kind: "Typ",
                impact: "Påverkan",
                reason: "Anledning",
                windows: "Tidpunkt",
                more: "till",
            },
            Lang::En => Words {
                announce: "Planned maintenance",
                change: "Planned maintenance changed",
                cancel: "Planned maintenance cancelled",
                reminder: "Reminder: planned maintenance",
                services: "Services",
                kind: "Kind",
                impact: "Impact",
                reason: "Reason",
                windows: "When",
                more: "more",
            },
        }
    }
}

fn kind_name(kind: WindowKind, lang: Lang) -> &'static str {
    use WindowKind::*;
    match (lang, kind) {
        (Lang::Nb, Primary) => "fast servicevindu",
        (Lang::Nb, Secondary) => "reservevindu",
        (Lang::Nb, PlannedDowntime) => "planlagt nedetid",
        (Lang::Nb, Release) => "leveranse",
        (Lang::Nb, Change) => "endring",
        (Lang::Nb, Freeze) => "endringsstopp",
        (Lang::Nb, HighVolume) => "periode med høy trafikk",
        (Lang::Nb, CriticalPeriod) => "kritisk periode",
        (Lang::Sv, Primary) => "ordinarie servicefönster",
        (Lang::Sv, Secondary) => "reservfönster",
        (Lang::Sv, PlannedDowntime) => "planerat avbrott",
        (Lang::Sv, Release) => "release",
        (Lang::Sv, Change) => "ändring",
        (Lang::Sv, Freeze) => "ändringsstopp",
        (Lang::Sv, HighVolume) => "period med hög belastning",
        (Lang::Sv, CriticalPeriod) => "kritisk period",
        (Lang::En, Primary) => "primary service window",
        (Lang::En, Secondary) => "secondary service window",
        (Lang::En, PlannedDowntime) => "planned downtime",
        (Lang::En, Release) => "release",
        (Lang::En, Change) => "change",
        (Lang::En, Freeze) => "change freeze",
        (Lang::En, HighVolume) => "high-volume period",
        (Lang::En, CriticalPeriod) => "critical period",
    }
}

fn impact_name(impact: Impact, lang: Lang) -> &'static str {
    match (lang, impact) {
        (Lang::Nb, Impact::Unavailable) => "utilgjengelig",
        (Lang::Nb, Impact::Degraded) => "redusert",
        (Lang::Nb, Impact::None) => "ingen",
        (Lang::Sv, Impact::Unavailable) => "otillgänglig",
        (Lang::Sv, Impact::Degraded) => "begränsad",
        (Lang::Sv, Impact::None) => "ingen",
        (Lang::En, Impact::Unavailable) => "unavailable",
        (Lang::En, Impact::Degraded) => "degraded",
        (Lang::En, Impact::None) => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window(start: (i32, u32, u32, u32), hours: i64) -> Occurrence {
        let start = Utc.with_ymd_and_hms(start.0, start.1, start.2, start.3, 0, 0).unwrap();
        Occurrence { start, end: start + chrono::Duration::hours(hours), local_date: start.date_naive() }
    }

    #[test]
    fn a_swedish_announcement_names_the_windows_in_stockholm_time_and_the_calendar_uid() {
        let services = vec!["TRA-EPOST".to_string(), "ULR-EPOST".to_string()];
        // The third Tuesday of January and of April 2027, 18:00 local: winter and summer time.
        let windows = [window((2027, 1, 19, 17), 4), window((2027, 4, 20, 16), 4)];
        let text = render(
            AnnouncementKind::Announce,
            &AnnouncedWindow {
                series_id: 7,
                sequence: 2,
                kind: WindowKind::Primary,
                impact: Impact::Unavailable,
                services: &services,
                zone: chrono_tz::Europe::Stockholm,
                reason: "",
                windows: &windows,
                occurrence: None,
            },
            Lang::Sv,
        );
        assert_eq!(text.subject, "Avisering om planerat underhåll: TRA-EPOST, ULR-EPOST 2027-01-19 18:00");
        assert!(text.body.contains("  2027-01-19 18:00 – 22:00\n  2027-04-20 18:00 – 22:00\n"), "{}", text.body);
        assert!(text.body.contains("Typ: ordinarie servicefönster\nPåverkan: otillgänglig\n"));
        assert!(text.body.ends_with("UID maintenance-7@vakt · SEQUENCE 2\n"));
    }

    #[test]
    fn a_long_series_names_its_first_windows_and_counts_the_rest() {
        let windows: Vec<Occurrence> = (1..=10).map(|day| window((2027, 3, day, 8), 2)).collect();
        let services = vec!["SBL".to_string()];
        let text = render(
            AnnouncementKind::Cancel,
            &AnnouncedWindow {
                series_id: 1,
                sequence: 0,
                kind: WindowKind::Release,
                impact: Impact::Degraded,
                services: &services,
                zone: chrono_tz::Europe::Oslo,
                reason: "leverandøren er ikke klar",
                windows: &windows,
                occurrence: None,
            },
            Lang::Nb,
        );
        assert!(text.subject.starts_with("Avlyst planlagt vedlikehold: SBL 2027-03-01 09:00"));
        assert!(text.body.contains("Begrunnelse: leverandøren er ikke klar\n"));
        assert!(text.body.contains("  … 4 flere\n"));
    }
}
