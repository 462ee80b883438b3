//! The agenda writes itself: from what the database holds when a meeting is opened, the sections a chair would
//! otherwise collect by hand, each with the rows behind it. Corrections to the last minutes; open follow-up points,
//! overdue first, with their answers; open major incidents and the agreement's most severe open incidents; SLA
//! breaches since the last meeting; windows, changes and freezes coming up; availability against target for the
//! monthly delivery meeting; and the items carried over from the last meeting.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::MeetingKind;
use super::carry::Carried;

/// The most severe priorities of an agreement (A/B, Kritisk/Høy): ranks 1 and 2.
pub const SEVERE_RANKS: i32 = 2;

/// Without a last meeting, breaches are looked for this far back.
pub fn default_lookback(kind: MeetingKind) -> Duration {
    match kind {
        MeetingKind::MonthlyDelivery | MeetingKind::Steering => Duration::days(31),
        _ => Duration::days(7),
    }
}

/// What the database read for one agenda. Rows may include more than belongs on the agenda (all open incidents
/// of the agreement, breaches of a wider period): the builder chooses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    pub corrections: Vec<CorrectionRow>,
    pub follow_ups: Vec<FollowUpRow>,
    pub incidents: Vec<IncidentRow>,
    pub breaches: Vec<BreachRow>,
    pub windows: Vec<WindowRow>,
    pub availability: Vec<AvailabilityRow>,
    pub carried: Vec<Carried>,
    /// The agreement's open problems and known errors with incidents linked since the last meeting.
    pub problems: Vec<ProblemRow>,
}

/// A problem behind recurring incidents, for the meetings that review them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRow {
    pub reference: String,
    pub title: String,
    /// open or known error.
    pub state: String,
    /// Incidents linked to it received since the last meeting, and in all.
    pub incidents_since: i64,
    pub incidents: i64,
    pub has_workaround: bool,
}

/// The meeting the agenda is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meeting {
    pub kind: MeetingKind,
    pub starts_at: DateTime<Utc>,
    /// Its local date in the series' zone: a point due before it is overdue.
    pub local_date: NaiveDate,
    /// When the last meeting of the series started, if there was one.
    pub last_starts_at: Option<DateTime<Utc>>,
    /// How far ahead windows and freezes are shown.
    pub horizon: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRow {
    pub id: i64,
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRow {
    pub id: i64,
    pub text: String,
    /// A login or a contact's name.
    pub owner: String,
    pub due: NaiveDate,
    /// open or answered (closed points are not on the agenda).
    pub state: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Set by the builder: due before the meeting's date and not answered.
    #[serde(default)]
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRow {
    pub reference: String,
    pub service: String,
    pub priority: Option<String>,
    /// The priority's rank in the agreement's scheme (1 most severe).
    pub rank: Option<i32>,
    pub title: String,
    pub status: String,
    pub major: bool,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachRow {
    pub reference: String,
    pub service: String,
    pub priority: Option<String>,
    /// The SLA target breached (response, resolution …).
    pub target: String,
    pub breached_at: DateTime<Utc>,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowRow {
    pub series_id: i64,
    /// Serialised as `window_kind`: the row's enum is tagged by `kind`, and two `kind` keys in one object made the
    /// stored agenda unreadable (jsonb keeps the last one, so the row's tag was lost).
    #[serde(rename = "window_kind")]
    pub kind: String,
    pub services: Vec<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub state: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityRow {
    pub service: String,
    pub period: String,
    /// Percent, e.g. 99.9.
    pub target: Option<f64>,
    /// Percent measured; `None` without operating time.
    pub measured: Option<f64>,
    pub met: Option<bool>,
}

/// What a section is about; the rows under it say the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Corrections,
    FollowUps,
    Incidents,
    Breaches,
    Maintenance,
    Availability,
    Carried,
    Problems,
}

impl SectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Corrections => "corrections",
            Self::FollowUps => "follow_ups",
            Self::Incidents => "incidents",
            Self::Breaches => "breaches",
            Self::Maintenance => "maintenance",
            Self::Availability => "availability",
            Self::Carried => "carried",
            Self::Problems => "problems",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Row {
    Correction(CorrectionRow),
    FollowUp(FollowUpRow),
    Incident(IncidentRow),
    Breach(BreachRow),
    Window(WindowRow),
    Availability(AvailabilityRow),
    Carried(Carried),
    Problem(ProblemRow),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    pub title: String,
    pub rows: Vec<Row>,
}

/// The agenda as generated, frozen into the minutes when the meeting is opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agenda {
    pub starts_at: DateTime<Utc>,
    /// Breaches counted from here (the last meeting, or the default look-back).
    pub since: DateTime<Utc>,
    /// Windows shown up to here.
    pub until: DateTime<Utc>,
    pub sections: Vec<Section>,
}

impl Agenda {
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
}

/// Builds the agenda of `meeting` from `inputs`.
pub fn build(meeting: &Meeting, inputs: Inputs) -> Agenda {
    let since = meeting.last_starts_at.unwrap_or(meeting.starts_at - default_lookback(meeting.kind));
    let until = meeting.starts_at + meeting.horizon;
    let mut sections = Vec::new();

    let mut corrections = inputs.corrections;
    corrections.sort_by_key(|c| (c.at, c.id));
    let n = corrections.len();
    let late = corrections.iter().filter(|c| c.late).count();
    let title = if late > 0 {
        format!("Corrections to the last minutes ({n}, {late} late)")
    } else {
        format!("Corrections to the last minutes ({n})")
    };
    sections.push(Section {
        kind: SectionKind::Corrections,
        title,
        rows: corrections.into_iter().map(Row::Correction).collect(),
    });

    let mut points: Vec<FollowUpRow> = inputs.follow_ups.into_iter().filter(|p| p.state != "closed").collect();
    for point in &mut points {
        point.overdue = point.answer.is_none() && point.due < meeting.local_date;
    }
    // Overdue first, then the unanswered, then by due date: what needs chasing comes up first.
    points.sort_by_key(|p| (!p.overdue, p.answer.is_some(), p.due, p.id));
    let overdue = points.iter().filter(|p| p.overdue).count();
    let answered = points.iter().filter(|p| p.answer.is_some()).count();
    sections.push(Section {
        kind: SectionKind::FollowUps,
        title: format!("Follow-up points ({}, {overdue} overdue, {answered} answered)", points.len()),
        rows: points.into_iter().map(Row::FollowUp).collect(),
    });

    let mut incidents: Vec<IncidentRow> =
        inputs.incidents.into_iter().filter(|i| i.major || i.rank.is_some_and(|r| r <= SEVERE_RANKS)).collect();
    incidents.sort_by(|a, b| a.reference.cmp(&b.reference));
    incidents.dedup_by(|a, b| a.reference == b.reference);
    incidents.sort_by_key(|i| (!i.major, i.rank.unwrap_or(i32::MAX), i.received_at));
    let majors = incidents.iter().filter(|i| i.major).count();
    sections.push(Section {
        kind: SectionKind::Incidents,
        title: format!("Open major and most severe incidents ({}, {majors} major)", incidents.len()),
        rows: incidents.into_iter().map(Row::Incident).collect(),
    });

    let mut breaches: Vec<BreachRow> =
        inputs.breaches.into_iter().filter(|b| b.breached_at >= since && b.breached_at < meeting.starts_at).collect();
    breaches.sort_by_key(|b| b.breached_at);
    sections.push(Section {
        kind: SectionKind::Breaches,
        title: format!("SLA breaches since the last meeting ({})", breaches.len()),
        rows: breaches.into_iter().map(Row::Breach).collect(),
    });

    let mut windows: Vec<WindowRow> =
        inputs.windows.into_iter().filter(|w| w.end > meeting.starts_at && w.start < until).collect();
    windows.sort_by_key(|w| (w.start, w.series_id));
    let days = meeting.horizon.num_days();
    let what = if meeting.kind == MeetingKind::WeeklyChange {
        "Changes, windows and freezes coming up"
    } else {
        "Maintenance and freezes"
    };
    sections.push(Section {
        kind: SectionKind::Maintenance,
        title: format!("{what}, next {days} days ({})", windows.len()),
        rows: windows.into_iter().map(Row::Window).collect(),
    });

    if meeting.kind == MeetingKind::MonthlyDelivery {
        let mut availability = inputs.availability;
        // Deviations first: a missed target is what the meeting is for.
        availability
            .sort_by(|a, b| (a.met != Some(false)).cmp(&(b.met != Some(false))).then(a.service.cmp(&b.service)));
        let missed = availability.iter().filter(|a| a.met == Some(false)).count();
        sections.push(Section {
            kind: SectionKind::Availability,
            title: format!("Availability against target ({} services, {missed} below target)", availability.len()),
            rows: availability.into_iter().map(Row::Availability).collect(),
        });
    }

    // The meetings that review recurring faults (Stockholm's problem management, the weekly status and change
    // meetings) see the problems that came back since they last met.
    if matches!(meeting.kind, MeetingKind::ProblemReview | MeetingKind::WeeklyStatus | MeetingKind::WeeklyChange) {
        let mut problems: Vec<ProblemRow> = inputs.problems.into_iter().filter(|p| p.incidents_since > 0).collect();
        problems.sort_by(|a, b| b.incidents_since.cmp(&a.incidents_since).then(a.reference.cmp(&b.reference)));
        sections.push(Section {
            kind: SectionKind::Problems,
            title: format!("Recurring problems since the last meeting ({})", problems.len()),
            rows: problems.into_iter().map(Row::Problem).collect(),
        });
    }

    if !inputs.carried.is_empty() {
        sections.push(Section {
            kind: SectionKind::Carried,
            title: format!("Carried over from the last meeting ({})", inputs.carried.len()),
            rows: inputs.carried.into_iter().map(Row::Carried).collect(),
        });
    }

    Agenda { starts_at: meeting.starts_at, since, until, sections }
}

#[cfg(test)]
mod tests;
