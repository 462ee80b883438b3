//! `vakt meeting` and `vakt followup`: status-meeting series, their meetings, the agenda vakt writes from live data
//! (and freezes when a meeting is opened), and the follow-up points their owners answer.

use chrono::{DateTime, NaiveDate, Utc};

use super::output::{self, Format};
use super::{CliError, CliResult, when};
use crate::config::Settings;
use crate::db::maintenance::meetings;
use crate::db::minutes::{self, follow_ups};
use crate::domain::minutes::agenda::Agenda;
use crate::domain::minutes::text;
use crate::domain::text::markup;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgendaFormat {
    Md,
    Json,
}

#[derive(Debug, clap::Subcommand)]
pub enum MeetingCommand {
    /// The meeting series: agreement, schedule, chair, participants and the next meeting.
    Series {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Meetings opened (drafts only for chairs and admins), oldest first.
    List {
        #[arg(long)]
        series: Option<String>,
        /// From this day or time (your zone).
        #[arg(long)]
        from: Option<String>,
        /// Before this day or time (your zone).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The agenda that would be generated now for the meeting running at --at (default now) or the next one.
    Agenda {
        #[arg(long)]
        series: String,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t = AgendaFormat::Md)]
        format: AgendaFormat,
    },
    /// Open the meeting running at --at (default now) or the next one: its agenda is generated and frozen (chairs).
    /// Prints the meeting id.
    Open {
        #[arg(long)]
        series: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// The series as iCalendar (RFC 5545) for a calendar program: one event per series that meets in the period,
    /// with its rule in its own zone, the chair as organizer and the participants in the description.
    Ics {
        /// Only this series.
        #[arg(long)]
        series: Option<String>,
        /// First day, YYYY-MM-DD (default: today).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Day after the last, YYYY-MM-DD (default: a year after --from).
        #[arg(long)]
        to: Option<NaiveDate>,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum FollowupCommand {
    /// Follow-up points by due date (of published minutes; a chair sees drafts' too).
    List {
        /// Only those addressed to this login.
        #[arg(long)]
        owner: Option<String>,
        /// Only those not answered yet.
        #[arg(long)]
        open: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Answer a follow-up point addressed to you.
    Answer {
        id: i64,
        #[arg(long)]
        text: String,
    },
    /// Add a follow-up point to a draft (chairs). Prints its id.
    Add {
        /// The meeting (`vakt meeting list`).
        #[arg(long)]
        meeting: i64,
        /// Who answers it: a staff login, a contact's e-mail address, or ORG:Contact name.
        #[arg(long)]
        owner: String,
        /// YYYY-MM-DD, today or later.
        #[arg(long)]
        due: String,
        #[arg(long)]
        text: String,
        /// The incident it concerns (INC-…).
        #[arg(long)]
        incident: Option<String>,
        /// The maintenance window (series id, `vakt maintenance list`) it concerns.
        #[arg(long)]
        window: Option<i64>,
        /// The issued service report (id, `vakt report list`) it concerns.
        #[arg(long)]
        report: Option<i64>,
    },
}

fn at_or_now(at: &Option<String>) -> Result<DateTime<Utc>, CliError> {
    at.as_deref().map_or_else(|| Ok(Utc::now()), |t| when::instant("--at", t))
}

pub async fn meeting(command: &MeetingCommand, settings: &Settings) -> CliResult {
    match command {
        MeetingCommand::Series { format } => {
            let pool = super::connect(settings).await?;
            let all = minutes::series(&pool).await?;
            let now = Utc::now();
            let mut cells = Vec::new();
            for s in &all {
                let next = s.slot_at(now).ok().map(|slot| when::local(slot.starts_at)).unwrap_or_else(|| "—".into());
                let mandatory: Vec<&str> =
                    s.participants.iter().filter(|p| p.mandatory).map(|p| p.who.as_str()).collect();
                cells.push(vec![
                    s.code.clone(),
                    s.agreement.clone(),
                    s.kind.to_string(),
                    s.title.clone(),
                    format!("{} {} ({} min)", s.rule.as_deref().unwrap_or("once"), s.zone, s.duration_minutes),
                    next,
                    s.chair.clone(),
                    mandatory.join(", "),
                ]);
            }
            let headers = ["code", "agreement", "kind", "title", "schedule", "next", "chair", "must attend"];
            print!("{}", output::render(*format, &headers, &cells, &all));
        }
        MeetingCommand::List { series, from, to, format } => {
            let from = from.as_deref().map(|t| when::instant("--from", t)).transpose()?;
            let to = to.as_deref().map(|t| when::instant("--to", t)).transpose()?;
            if let (Some(f), Some(t)) = (from, to)
                && t <= f
            {
                return Err(CliError::bad_input("--to must be after --from"));
            }
            let pool = super::connect(settings).await?;
            let rows = minutes::meetings(&pool, series.as_deref(), from, to).await?;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        m.series.clone(),
                        when::local(m.starts_at),
                        m.state.clone(),
                        m.opened_by.clone(),
                        m.published_at.map(when::local).unwrap_or_else(|| "—".into()),
                        m.follow_ups_open.to_string(),
                        m.corrections.to_string(),
                    ]
                })
                .collect();
            let headers = ["id", "series", "starts", "state", "opened by", "published", "open points", "corrections"];
            print!("{}", output::render(*format, &headers, &cells, &rows));
        }
        MeetingCommand::Agenda { series, at, format } => {
            let at = at_or_now(at)?;
            let pool = super::connect(settings).await?;
            let series = minutes::series_by_code(&pool, series).await?;
            let (_, agenda) = minutes::inputs::agenda(&pool, &series, at).await?;
            match format {
                AgendaFormat::Json => print!("{}", output::json(&agenda)),
                AgendaFormat::Md => print!("{}", markdown(&series.title, &agenda, when::zone())),
            }
        }
        MeetingCommand::Open { series, at } => {
            let at = at_or_now(at)?;
            let pool = super::connect(settings).await?;
            let opened = minutes::open(&pool, series, at).await?;
            println!("{}", opened.id);
        }
        MeetingCommand::Ics { series, from, to } => {
            let from = from.unwrap_or_else(|| Utc::now().date_naive());
            let to = to.unwrap_or(from + chrono::Duration::days(365));
            if to <= from {
                return Err(CliError::bad_input("--to must be after --from"));
            }
            let pool = super::connect(settings).await?;
            let all = match series {
                Some(code) => vec![minutes::series_by_code(&pool, code).await?],
                None => minutes::series(&pool).await?,
            };
            let extras = meetings::extras(&pool).await?;
            let now = Utc::now();
            let midnight = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
            print!("{}", meetings::calendar(&all, &extras, midnight(from), midnight(to), now)?);
        }
    }
    Ok(())
}

/// The agenda as Markdown: a heading per section, a bullet per row (text escaped).
pub fn markdown(title: &str, agenda: &Agenda, zone: chrono_tz::Tz) -> String {
    let mut out = format!("# {} · {}\n\n", markup::markdown_inline(title), when::local_in(agenda.starts_at, zone));
    for (n, section) in agenda.sections.iter().enumerate() {
        out.push_str(&format!("## {} {}\n\n", n + 1, markup::markdown_inline(&section.title)));
        if section.rows.is_empty() {
            out.push_str("- none\n");
        }
        for row in &section.rows {
            out.push_str(&format!("- {}\n", markup::markdown_inline(&text::line(row, zone))));
        }
        out.push('\n');
    }
    out
}

fn due(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::bad_input(format!("--due '{text}' is not a date: write YYYY-MM-DD")))
}

pub async fn followup(command: &FollowupCommand, settings: &Settings) -> CliResult {
    match command {
        FollowupCommand::List { owner, open, format } => {
            let pool = super::connect(settings).await?;
            let rows = follow_ups::list(&pool, owner.as_deref(), *open).await?;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.series.clone(),
                        p.meeting.to_string(),
                        p.owner.clone(),
                        p.due.to_string(),
                        p.state.clone(),
                        p.text.clone(),
                        p.answer.clone().unwrap_or_else(|| "—".into()),
                        p.concerns(),
                    ]
                })
                .collect();
            let headers = ["id", "series", "meeting", "owner", "due", "state", "text", "answer", "concerns"];
            print!("{}", output::render(*format, &headers, &cells, &rows));
        }
        FollowupCommand::Answer { id, text } => {
            let pool = super::connect(settings).await?;
            follow_ups::answer(&pool, *id, text).await?;
            println!("follow-up point {id} answered");
        }
        FollowupCommand::Add { meeting, owner, due: due_text, text, incident, window, report } => {
            let due = due(due_text)?;
            let pool = super::connect(settings).await?;
            let new = follow_ups::NewPoint {
                meeting: *meeting,
                text,
                owner,
                due: Some(due),
                concerns: crate::domain::minutes::concerns::Concerns {
                    incident: incident.as_deref().map(|i| i.trim().to_uppercase()),
                    window: *window,
                    report: *report,
                },
                item: None,
            };
            println!("{}", follow_ups::add(&pool, &new).await?);
        }
    }
    Ok(())
}
