//! Admins plan, move, approve, announce and cancel windows from the calendar, in forms with the checks of `vakt
//! maintenance` (the database makes the same ones again, and refuses everyone but admins). A form acts on the
//! windows of the cursor's day (or the agenda's selected window); what is typed is kept as a draft until the write
//! succeeds.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::CalendarView;
use super::days::zone_of;
use crate::app::command::CalendarAct;
use crate::app::effect::{DbCommand, Effect, MaintenanceWrite};
use crate::app::form::{ChoiceOption, Field, Values};
use crate::app::model::{MaintenanceWindow, WriteError};
use crate::app::screens::major::update::yes_no;
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::maintenance::series::Series;
use crate::domain::maintenance::{Impact, WindowKind};
use crate::domain::text::duration;

/// Opens the form of an admin's action; others are told the calendar is read-only for them.
pub fn start(state: &mut State, act: CalendarAct, now: DateTime<Utc>) -> Vec<Effect> {
    if !state.user.as_ref().is_some_and(|u| u.rights.admin) {
        state.warn("the calendar is read-only for you: only admins (vakt_admin) plan maintenance", now);
        return Vec::new();
    }
    let day = state.screens.calendar.day();
    if act != CalendarAct::New && targets(state).is_empty() {
        let what = match state.screens.calendar.view {
            CalendarView::Agenda => "no window selected".to_string(),
            _ => format!("no window on {}", day.map(|d| d.to_string()).unwrap_or_default()),
        };
        state.warn(format!("{what}: move to a day with a window (h/l, j/k)"), now);
        return Vec::new();
    }
    let purpose = FormPurpose::Maintenance(act, day);
    remember_versions(state);
    let fields = fields_for(state, act, day);
    crate::app::forms::open(state, purpose, title(act, day), fields);
    Vec::new()
}

/// Notes the versions of the windows the form can be for, as they are on screen now.
fn remember_versions(state: &mut State) {
    let seen = targets(state).iter().map(|w| (w.series_id, w.version)).collect();
    state.screens.calendar.seen_versions = seen;
}

/// Whether a form belongs to the calendar.
pub fn owns(purpose: &FormPurpose) -> bool {
    matches!(purpose, FormPurpose::Maintenance(..))
}

fn title(act: CalendarAct, day: Option<NaiveDate>) -> String {
    let day = day.map(|d| format!(" ({d})")).unwrap_or_default();
    match act {
        CalendarAct::New => format!("Plan a maintenance window{day}"),
        CalendarAct::Edit => format!("Move a window, or change its series{day}"),
        CalendarAct::Approve => format!("Record an approval{day}"),
        CalendarAct::Announce => format!("Announce to the owners' contacts{day}"),
        CalendarAct::Cancel => format!("Cancel a window or its series{day}"),
        _ => String::new(),
    }
}

/// The windows an action can be for: the agenda's selected one, or those of the cursor's day.
fn targets(state: &State) -> Vec<&MaintenanceWindow> {
    let calendar = &state.screens.calendar;
    match (calendar.view, calendar.day()) {
        (CalendarView::Agenda, _) => calendar.selected().into_iter().collect(),
        (_, Some(day)) => calendar.on_day(day).collect(),
        (_, None) => Vec::new(),
    }
}

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

fn window_choice(state: &State) -> Field {
    let options = targets(state)
        .iter()
        .map(|w| {
            let zone = zone_of(w);
            let label = format!("{} {} · {}", local(w.start, zone), w.kind.replace('_', " "), w.services.join(", "));
            ChoiceOption::new(w.id.clone(), label, format!("series {} · {}", w.series_id, w.state))
        })
        .collect();
    Field::choice("window", options, 0)
}

fn kinds() -> Vec<ChoiceOption> {
    WindowKind::ALL.iter().map(|k| ChoiceOption::new(k.as_str(), k.as_str().replace('_', " "), "")).collect()
}

fn impacts() -> Vec<ChoiceOption> {
    Impact::ALL.iter().map(|i| ChoiceOption::new(i.as_str(), i.as_str(), "")).collect()
}

fn scopes(one: &'static str) -> Vec<ChoiceOption> {
    vec![ChoiceOption::new("window", one, ""), ChoiceOption::new("series", "every window of its series", "")]
}

pub fn fields_for(state: &State, act: CalendarAct, day: Option<NaiveDate>) -> Vec<Field> {
    let first = targets(state).first().copied();
    match act {
        CalendarAct::New => {
            let start = day.map(|d| format!("{d} 18:00")).unwrap_or_default();
            vec![
                Field::line("services (codes, comma-separated)", "", true).named("services"),
                Field::line("start (YYYY-MM-DD HH:MM, the agreement's time)", &start, true).named("start"),
                Field::line("length (e.g. 4h, 90m, 2d)", "4h", true).named("length"),
                Field::choice("kind", kinds(), 0),
                Field::choice("impact", impacts(), 0),
                Field::line("repeats (RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=3TU; empty: once)", "", false)
                    .named("rule"),
                Field::area("reason", "", false),
                Field::choice("others must change their side (Altinn: 6 months' notice)", yes_no(), 0)
                    .named("breaking"),
                Field::line("inside a freeze anyway, because (empty: refuse)", "", false).named("override"),
            ]
        }
        CalendarAct::Edit => {
            let (start, length) =
                first.map(|w| (local(w.start, zone_of(w)), duration::compact(w.end - w.start))).unwrap_or_default();
            vec![
                window_choice(state),
                Field::choice("change", scopes("move this window only (start and length)"), 0).named("scope"),
                Field::line("start (YYYY-MM-DD HH:MM; moves this window)", &start, false).named("start"),
                Field::line("length (e.g. 4h)", &length, false).named("length"),
                Field::choice("impact (the series)", impacts(), 0).named("impact"),
                Field::area("reason or note", "", false).named("reason"),
                Field::line("inside a freeze anyway, because (empty: refuse)", "", false).named("override"),
            ]
        }
        CalendarAct::Approve => vec![
            window_choice(state),
            Field::line("approved by (a person; may be a contact)", "", true).named("by"),
            Field::line("in the role (e.g. systemansvarlig)", "", true).named("role"),
        ],
        CalendarAct::Announce => vec![window_choice(state)],
        CalendarAct::Cancel => vec![
            window_choice(state),
            Field::choice("cancel", scopes("this window only"), 0).named("scope"),
            Field::line("reason", "", false),
        ],
        _ => Vec::new(),
    }
}

/// Builds the write from the form; a bad value is explained in the form, where the text stays.
pub fn submit(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let FormPurpose::Maintenance(act, _) = form.purpose else { return Vec::new() };
    let values = Values::of(&form.fields);
    match build(state, act, &values) {
        Ok(write) => crate::app::forms::send(state, Effect::Db(DbCommand::Maintenance(write)), now),
        Err(message) => {
            if let Some(Overlay::Form(form)) = &mut state.overlay {
                form.error = Some(message);
            }
            Vec::new()
        }
    }
}

fn build(state: &State, act: CalendarAct, values: &Values) -> Result<MaintenanceWrite, String> {
    let text = |name: &str| values.text(name).trim().to_string();
    let optional = |name: &str| values.optional(name).map(|v| v.trim().to_string());
    let length = |name: &str| duration::parse_compact(&text(name)).map_err(|e| format!("length: {e}"));
    let minute = |name: &str| {
        NaiveDateTime::parse_from_str(&text(name), "%Y-%m-%d %H:%M")
            .map_err(|_| format!("{name} '{}' is not a time like 2027-01-19 18:00", text(name)))
    };
    let chosen = || -> Result<&MaintenanceWindow, String> {
        let id = text("window");
        targets(state).into_iter().find(|w| w.id == id).ok_or_else(|| "choose a window".to_string())
    };
    let series_date = |w: &MaintenanceWindow| -> Result<NaiveDate, String> {
        w.id.split_once(':').and_then(|(_, d)| d.parse().ok()).ok_or_else(|| format!("window {} has no date", w.id))
    };
    Ok(match act {
        CalendarAct::New => {
            let services: Vec<String> =
                text("services").split(',').map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()).collect();
            let first = services.first().ok_or("give at least one service")?;
            let Some(service) = state.services.iter().find(|s| s.code.eq_ignore_ascii_case(first)) else {
                return Err(format!("unknown service '{first}'"));
            };
            let zone =
                state.agreements.values().find(|a| a.code() == service.agreement).map_or(chrono_tz::UTC, |a| a.zone());
            let series = Series {
                services,
                kind: text("kind").parse()?,
                impact: text("impact").parse()?,
                zone,
                start: minute("start")?,
                length: length("length")?,
                rule: optional("rule"),
                cancelled: Vec::new(),
                moved: Vec::new(),
            };
            series.validate().map_err(|e| e.to_string())?;
            MaintenanceWrite::Plan {
                series,
                reason: text("reason"),
                freeze_override: optional("override"),
                breaking: values.yes("breaking"),
            }
        }
        CalendarAct::Edit => {
            let window = chosen()?;
            if text("scope") == "window" {
                MaintenanceWrite::Move {
                    series_id: window.series_id,
                    date: series_date(window)?,
                    start: minute("start")?,
                    length: length("length")?,
                    note: text("reason"),
                    freeze_override: optional("override"),
                    seen_version: state.screens.calendar.seen_versions.get(&window.series_id).copied(),
                }
            } else {
                let reason = optional("reason");
                MaintenanceWrite::Edit {
                    series_id: window.series_id,
                    length: Some(length("length")?),
                    impact: Some(text("impact").parse()?),
                    reason,
                    seen_version: state.screens.calendar.seen_versions.get(&window.series_id).copied(),
                }
            }
        }
        CalendarAct::Approve => {
            MaintenanceWrite::Approve { series_id: chosen()?.series_id, by: text("by"), role: text("role") }
        }
        CalendarAct::Announce => MaintenanceWrite::Announce { series_id: chosen()?.series_id },
        CalendarAct::Cancel => {
            let window = chosen()?;
            let date = if text("scope") == "window" { Some(series_date(window)?) } else { None };
            MaintenanceWrite::Cancel { series_id: window.series_id, date, reason: text("reason") }
        }
        _ => return Err("not a calendar form".into()),
    })
}

/// The write's answer: on success the form closes, its draft goes, and the calendar and the board's windows are
/// loaded again; otherwise the form stays with its text and says why.
pub fn written(state: &mut State, result: Result<String, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(what) => {
            let mut effects = crate::app::forms::succeeded(state);
            let reload: Vec<Effect> = state
                .screens
                .calendar
                .reload()
                .map(Effect::Db)
                .into_iter()
                .chain([Effect::Db(DbCommand::LoadServiceWindows)])
                .collect();
            effects.extend(state.link.in_flight.admit(reload, crate::app::update::coalesce::Since::Unknown));
            state.inform(what, now);
            effects
        }
        Err(error) => {
            let mut message = error.message().to_string();
            let conflict = matches!(error, WriteError::Conflict { .. });
            if conflict {
                // The other change has arrived (or is on its way, with its notice); once it is on screen the
                // admin has seen it, and Enter applies theirs on top.
                remember_versions(state);
                message.push_str(
                    " — look at the window again: Ctrl-s applies yours on top of it, Esc cancels (your text is kept)",
                );
            }
            crate::app::forms::failed(state, message, now);
            if conflict {
                let reload: Vec<Effect> = state.screens.calendar.reload().map(Effect::Db).into_iter().collect();
                return state.link.in_flight.admit(reload, crate::app::update::coalesce::Since::Unknown);
            }
            Vec::new()
        }
    }
}
