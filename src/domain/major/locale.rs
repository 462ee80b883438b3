//! The words of stakeholder messages, hand-over notes and reports in the agreement's language, and local
//! time formatting. Norwegian agreements write Bokmål, Swedish ones Swedish; `[major] language` overrides.

use chrono::{DateTime, LocalResult, Offset, TimeZone, Utc};
use chrono_tz::Tz;

pub use crate::domain::agreement::lang::Lang;

impl Lang {
    /// The language a hand-over was written in, told by its title (English if none matches).
    pub fn of_handover(markdown: &str) -> Lang {
        [Lang::Nb, Lang::Sv].into_iter().find(|l| markdown.contains(l.words().handover_title)).unwrap_or(Lang::En)
    }

    /// The words in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Nb => &NB,
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

/// Fixed words and phrases in one language.
#[derive(Debug)]
pub struct Words {
    /// The exercise marker: "ØVELSE", "ÖVNING", "EXERCISE".
    pub exercise: &'static str,
    /// A sentence saying the message is an exercise.
    pub exercise_banner: &'static str,
    /// "Major incident".
    pub major_incident: &'static str,
    /// "Status update".
    pub status_update: &'static str,
    /// The four fields of a status update (Stockholm §3.3.8.1).
    pub what_happened: &'static str,
    /// Cause.
    pub cause: &'static str,
    /// Expected resolution time.
    pub expected_resolution: &'static str,
    /// Workaround.
    pub workaround: &'static str,
    /// Short forms for SMS: expected resolution, cause, workaround.
    pub sms_labels: [&'static str; 3],
    /// "Priority".
    pub priority: &'static str,
    /// "State".
    pub state: &'static str,
    /// "Affected services".
    pub services: &'static str,
    /// "Affected organisations".
    pub organisations: &'static str,
    /// "Next update by".
    pub next_update: &'static str,
    /// Major incident states: declared, mitigated, resolved, closed.
    pub states: [&'static str; 4],
    /// Post-incident report title.
    pub report_title: &'static str,
    /// Report sections: summary, impact, timeline, SLA clocks, communications, root cause, actions, lessons.
    pub sections: [&'static str; 8],
    /// "Escalations".
    pub escalations: &'static str,
    /// Report labels: reference, agreement, declared, resolved, report due, completed by, time, kind, who,
    /// text, channel, audience, sender, delivery, owner, due date, draft.
    pub report: [&'static str; 17],
    /// Shift hand-over title.
    pub handover_title: &'static str,
    /// Hand-over labels: outgoing, incoming, note, open major incidents, running clocks, next update,
    /// escalation, proposed escalation, calls to make, acknowledged by, not acknowledged.
    pub handover: [&'static str; 11],
    /// Cadence states: on time, due soon, overdue, missed.
    pub cadence_states: [&'static str; 4],
    /// "Not filled in yet".
    pub not_filled_in: &'static str,
    /// "None".
    pub none: &'static str,
}

static NB: Words = Words {
    exercise: "ØVELSE",
    exercise_banner: "ØVELSE – dette er en øvelse, ikke en reell hendelse",
    major_incident: "Storhendelse",
    status_update: "Statusoppdatering",
    what_happened: "Hva har skjedd",
    cause: "Årsak",
    expected_resolution: "Forventet løst",
    workaround: "Midlertidig løsning",
    sms_labels: ["Ventet løst", "Årsak", "Midl. løsning"],
    priority: "Prioritet",
    state: "Status",
    services: "Berørte tjenester",
    organisations: "Berørte virksomheter",
    next_update: "Neste oppdatering innen",
    states: ["Erklært", "Begrenset", "Løst", "Lukket"],
    report_title: "Hendelsesrapport",
    sections: [
        "Sammendrag",
        "Konsekvens",
        "Tidslinje",
        "SLA-klokker",
        "Kommunikasjon",
        "Rotårsak",
        "Tiltak og oppfølging",
        "Læringspunkter",
    ],
    escalations: "Eskaleringer",
    report: [
        "Referanse",
        "Avtale",
        "Erklært",
        "Løst",
        "Rapportfrist",
        "Fullført av",
        "Tidspunkt",
        "Type",
        "Hvem",
        "Tekst",
        "Kanal",
        "Mottaker",
        "Avsender",
        "Levering",
        "Ansvarlig",
        "Frist",
        "Utkast",
    ],
    handover_title: "Vaktoverlevering",
    handover: [
        "Avtroppende",
        "Påtroppende",
        "Notat",
        "Åpne storhendelser",
        "Løpende klokker",
        "Neste oppdatering",
        "Eskaleringsnivå",
        "Foreslått eskalering",
        "Samtaler som gjenstår",
        "Kvittert av",
        "Ikke kvittert",
    ],
    cadence_states: ["i rute", "snart", "forfalt", "uteblitt – stedfortreder varslet"],
    not_filled_in: "(ikke fylt ut)",
    none: "ingen",
};

static SV: Words = Words {
    exercise: "ÖVNING",
    exercise_banner: "ÖVNING – detta är en övning, inte en verklig händelse",
    major_incident: "Major incident",
    status_update: "Statusuppdatering",
    what_happened: "Vad som inträffat",
    cause: "Orsak",
    expected_resolution: "Beräknas avhjälpt",
    workaround: "Workaround",
    sms_labels: ["Beräknat klart", "Orsak", "Workaround"],
    priority: "Prioritet",
    state: "Status",
    services: "Berörda tjänster",
    organisations: "Berörda verksamheter",
    next_update: "Nästa uppdatering senast",
    states: ["Deklarerad", "Begränsad", "Löst", "Stängd"],
    report_title: "Incidentrapport",
    sections: [
        "Sammanfattning",
        "Påverkan",
        "Tidslinje",
        "SLA-klockor",
        "Kommunikation",
        "Grundorsak",
        "Åtgärder och uppföljning",
        "Lärdomar",
    ],
    escalations: "Eskaleringar",
    report: [
        "Referens",
        "Avtal",
        "Deklarerad",
        "Löst",
        "Rapportfrist",
        "Slutförd av",
        "Tidpunkt",
        "Typ",
        "Vem",
        "Text",
        "Kanal",
        "Mottagare",
        "Avsändare",
        "Leverans",
        "Ansvarig",
        "Senast",
        "Utkast",
    ],
    handover_title: "Passöverlämning",
    handover: [
        "Avgående",
        "Tillträdande",
        "Anteckning",
        "Öppna major incidents",
        "Löpande klockor",
        "Nästa uppdatering",
        "Eskaleringsnivå",
        "Föreslagen eskalering",
        "Samtal kvar att ringa",
        "Kvitterad av",
        "Inte kvitterad",
    ],
    cadence_states: ["i tid", "snart", "försenad", "missad – ersättare aviserad"],
    not_filled_in: "(inte ifyllt)",
    none: "inga",
};

static EN: Words = Words {
    exercise: "EXERCISE",
    exercise_banner: "EXERCISE – this is an exercise, not a real incident",
    major_incident: "Major incident",
    status_update: "Status update",
    what_happened: "What happened",
    cause: "Cause",
    expected_resolution: "Expected resolution",
    workaround: "Workaround",
    sms_labels: ["ETA", "Cause", "Workaround"],
    priority: "Priority",
    state: "State",
    services: "Affected services",
    organisations: "Affected organisations",
    next_update: "Next update by",
    states: ["Declared", "Mitigated", "Resolved", "Closed"],
    report_title: "Post-incident report",
    sections: [
        "Summary",
        "Impact",
        "Timeline",
        "SLA clocks",
        "Communications",
        "Root cause",
        "Actions and follow-ups",
        "Lessons learned",
    ],
    escalations: "Escalations",
    report: [
        "Reference",
        "Agreement",
        "Declared",
        "Resolved",
        "Report due",
        "Completed by",
        "Time",
        "Kind",
        "Who",
        "Text",
        "Channel",
        "Audience",
        "Sender",
        "Delivery",
        "Owner",
        "Due",
        "Draft",
    ],
    handover_title: "Shift hand-over",
    handover: [
        "Outgoing",
        "Incoming",
        "Note",
        "Open major incidents",
        "Running clocks",
        "Next update",
        "Escalation level",
        "Proposed escalation",
        "Calls to make",
        "Acknowledged by",
        "Not acknowledged",
    ],
    cadence_states: ["on time", "due soon", "overdue", "missed – deputy notified"],
    not_filled_in: "(not filled in)",
    none: "none",
};

/// "2026-12-24 16:00" in `zone`; the zone abbreviation is added when the local time is ambiguous (the
/// repeated hour of a DST fall-back night), so that a reader can tell the two 02:30s apart.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> String {
    let local = at.with_timezone(&zone);
    let text = local.format(time_pattern(at)).to_string();
    if is_ambiguous(at, zone) { format!("{text} {}", local.format("%Z")) } else { text }
}

/// "2026-12-24 16:00–18:00", or "2026-12-24 22:00 – 2026-12-25 06:00" across midnight. Zone
/// abbreviations are added when the period crosses a DST change or touches the repeated hour.
pub fn local_period(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> String {
    let (a, b) = (from.with_timezone(&zone), to.with_timezone(&zone));
    let with_zone = a.offset().fix() != b.offset().fix() || is_ambiguous(from, zone) || is_ambiguous(to, zone);
    let zone_of = |t: &DateTime<Tz>| if with_zone { format!(" {}", t.format("%Z")) } else { String::new() };
    let start = format!("{}{}", a.format(time_pattern(from)), zone_of(&a));
    if a.date_naive() == b.date_naive() {
        let end_pattern = if has_seconds(to) { "%H:%M:%S" } else { "%H:%M" };
        format!("{start}–{}{}", b.format(end_pattern), zone_of(&b))
    } else {
        format!("{start} – {}{}", b.format(time_pattern(to)), zone_of(&b))
    }
}

fn time_pattern(at: DateTime<Utc>) -> &'static str {
    if has_seconds(at) { "%Y-%m-%d %H:%M:%S" } else { "%Y-%m-%d %H:%M" }
}

fn has_seconds(at: DateTime<Utc>) -> bool {
    use chrono::Timelike;
    at.second() != 0 || at.nanosecond() != 0
}

fn is_ambiguous(at: DateTime<Utc>, zone: Tz) -> bool {
    matches!(zone.from_local_datetime(&at.with_timezone(&zone).naive_local()), LocalResult::Ambiguous(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn regions_choose_their_language_and_exercise_word() {
        use crate::domain::calendar::holidays::Region;
        assert_eq!(Lang::of_region(Region::No).words().exercise, "ØVELSE");
        assert_eq!(Lang::of_region(Region::Se).words().exercise, "ÖVNING");
        assert_eq!(Lang::En.words().exercise, "EXERCISE");
    }

    #[test]
    fn periods_show_local_time_and_zone_only_where_needed() {
        let oslo = chrono_tz::Europe::Oslo;
        let cases = [
            ("2026-12-24T15:00:00Z", "2026-12-24T17:00:00Z", "2026-12-24 16:00–18:00"),
            ("2026-12-24T21:00:00Z", "2026-12-25T05:00:00Z", "2026-12-24 22:00 – 2026-12-25 06:00"),
            // Fall-back night: 02:00 CEST → 02:00 CET is one hour of real time.
            ("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25 02:00 CEST–02:00 CET"),
            // Spring-forward night: 01:00 → 03:00 local is one hour of real time.
            ("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29 01:00 CET–03:00 CEST"),
        ];
        for (from, to, want) in cases {
            assert_eq!(local_period(utc(from), utc(to), oslo), want);
        }
        assert_eq!(local_time(utc("2026-10-25T00:30:00Z"), oslo), "2026-10-25 02:30 CEST");
        assert_eq!(local_time(utc("2026-10-25T01:30:00Z"), oslo), "2026-10-25 02:30 CET");
        assert_eq!(local_time(utc("2026-06-01T10:15:30Z"), oslo), "2026-06-01 12:15:30");
    }
}
