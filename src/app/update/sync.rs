//! Results and notices from the database side: loads, fresh rows, change notices, connection state.

use chrono::{DateTime, Utc};

use super::coalesce::{Load, Since};
use crate::app::action::{Action, ChangeNotice};
use crate::app::effect::{DbCommand, Effect};
use crate::app::screens::board::filter::Filter;
use crate::app::screens::board::queue::{SortKey, VIEWS};
use crate::app::screens::calendar::days::Dates;
use crate::app::screens::major::update::UPDATE_REQUEST_PREFIX;
use crate::app::state::{Connection, State};

pub fn on_data(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    match action {
        Action::Connected { user } => {
            state.screens.board.queue.set_me(&user.login);
            state.screens.board.queue.set_zone(state.zone);
            state.user = Some(user);
            crate::app::screens::calendar::update::start(state, now);
            // The first screen first: the whole queue is loaded once the change listener is online (`Online`).
            if state.screens.board.queue.showing() {
                return Vec::new();
            }
            vec![Effect::Db(DbCommand::LoadBoardFirstPage { rows: crate::app::screens::board::first_page_rows(state) })]
        }
        Action::BoardFirstPage { rows, open } => {
            state.screens.board.queue.show_first_page(rows, open, now);
            Vec::new()
        }
        Action::BoardLoaded(rows) => {
            state.screens.board.queue.replace(rows, now);
            let queue = &state.screens.board.queue;
            let mut effects = state.link.in_flight.board_loaded(|id| queue.version_of(id));
            // A command got through: the worker's side is back.
            if state.link.worker_down {
                state.link.worker_down = false;
                effects.extend(back_online(state, now));
            }
            effects
        }
        Action::AgreementsLoaded(agreements) => {
            state.agreements = agreements;
            state.link.in_flight.loaded(Load::Agreements)
        }
        Action::SettingsLoaded(settings) => {
            if let Some(view) = VIEWS.iter().position(|v| v.name == settings.view) {
                state.screens.board.view = view;
            }
            if let Ok(filter) = Filter::parse(&settings.filter) {
                state.screens.board.queue.set_filter(filter, now);
            }
            let (key, descending) = match settings.sort.strip_prefix('-') {
                Some(name) => (SortKey::parse(name), true),
                None => (SortKey::parse(&settings.sort), false),
            };
            if let Some(key) = key {
                state.screens.board.queue.set_sort(key, descending, now);
            }
            Vec::new()
        }
        Action::SummaryFetched { id, summary } => {
            let have = summary.as_ref().map(|s| s.version);
            state.screens.board.queue.apply(id, summary.map(|s| *s), now);
            state.link.in_flight.fetched(id, have)
        }
        Action::DetailLoaded { id, detail } => {
            if let Some(view) = state.screens.board.incident.as_mut().filter(|v| v.id == id) {
                match detail {
                    Some(detail) => view.detail = Some(*detail),
                    None => {
                        let reference = view.reference.clone();
                        state.screens.board.incident = None;
                        state.warn(format!("{reference} no longer exists"), now);
                    }
                }
            }
            state.link.in_flight.loaded(Load::Detail(id))
        }
        Action::Changed(notice) => {
            let wanted = on_change(state, &notice);
            state.link.in_flight.admit(wanted, Since::of(&notice))
        }
        Action::Offline { reason } => {
            state.link.in_flight.forget();
            state.link.listener_down = true;
            go_offline(state, reason, now);
            Vec::new()
        }
        Action::WorkerOffline { reason } => {
            state.link.in_flight.forget();
            state.link.worker_down = true;
            state.link.probed_at = Some(now);
            go_offline(state, reason, now);
            Vec::new()
        }
        Action::Online => {
            state.link.listener_down = false;
            let mut effects = back_online(state, now);
            // Tracked like a notice's loads, so that the notices that follow it are coalesced with it.
            effects.extend(state.link.in_flight.admit(resync(state), Since::Unknown));
            effects
        }
        Action::DbFailed { what, error } => {
            state.link.in_flight.forget();
            state.warn(format!("{what}: {error}"), now);
            Vec::new()
        }
        Action::FileWritten { result } => {
            match result {
                Ok(message) => state.inform(message, now),
                Err(message) => state.warn(message, now),
            }
            Vec::new()
        }
        Action::ChoicesLoaded { services, staff } => {
            state.services = services;
            state.staff = staff;
            refresh_form_choices(state);
            Vec::new()
        }
        Action::DraftsLoaded(drafts) => {
            let unanswered = drafts.keys().filter(|k| k.starts_with(UPDATE_REQUEST_PREFIX)).count();
            let typed = drafts.len() - unanswered;
            if unanswered > 0 {
                // Sent again from its kept draft, the update keeps its request key: it is not queued twice.
                state.inform("an update got no answer before vakt stopped: press 2 then u to send it again", now);
            } else if typed > 0 {
                state.inform(
                    format!("{typed} draft(s) kept from earlier; they come back when you open the same form"),
                    now,
                );
            }
            state.drafts = drafts;
            Vec::new()
        }
        Action::Written { what, result } => crate::app::screens::board::actions::written(state, what, result, now),
        Action::WhatIfReady { target, result } => {
            if let Some(crate::app::state::Overlay::Confirm(confirm)) = &mut state.overlay
                && confirm.target.id == target
            {
                confirm.what_if = Some(result);
            }
            Vec::new()
        }
        Action::PresenceLoaded(presence) => {
            state.presence.others = presence;
            state.link.in_flight.loaded(Load::Presence)
        }
        Action::MajorsLoaded(list) => {
            let keep = state.screens.major.selected().map(|m| m.id);
            state.screens.major.list = list;
            state.screens.major.loaded = true;
            state.screens.major.deliveries_stale = false;
            state.screens.major.selected = keep
                .and_then(|id| state.screens.major.list.iter().position(|m| m.id == id))
                .unwrap_or(0)
                .min(state.screens.major.list.len().saturating_sub(1));
            crate::app::screens::major::update::remind(state, now);
            state.link.in_flight.loaded(Load::Majors)
        }
        Action::RotaLoaded { shifts, duty, handover } => {
            state.screens.calendar.duty = shifts.iter().map(|s| (s.starts_at, s.ends_at, s.mim_name.clone())).collect();
            state.screens.major.rota = shifts;
            state.screens.major.duty = duty;
            if let Some(waiting) = &handover
                && state.screens.major.handover.as_ref().map(|h| h.id) != Some(waiting.id)
            {
                let keys = crate::app::keymap::route_to(
                    &state.keymap,
                    crate::app::Screen::Major,
                    crate::app::keymap::Scope::Major,
                    crate::app::Command::Major(crate::app::command::MajorAct::AcknowledgeHandover),
                );
                state.inform(
                    format!("a hand-over from {} is waiting: press {keys} to acknowledge", waiting.outgoing),
                    now,
                );
            }
            state.screens.major.handover = handover;
            state.link.in_flight.loaded(Load::Rota)
        }
        Action::ServiceWindowsLoaded(windows) => {
            state.service_windows = windows;
            state.link.in_flight.loaded(Load::ServiceWindows)
        }
        Action::MaintenanceLoaded { from, to, windows, meetings } => {
            state.screens.calendar.replace(Dates { from, to }, windows);
            let zone = state.zone;
            state.screens.calendar.replace_meetings(meetings, zone);
            state.screens.calendar.holidays = calendar_holidays(state, from, to);
            state.link.in_flight.loaded(Load::Maintenance)
        }
        Action::HeatmapLoaded { request, result } => {
            crate::app::screens::heatmap::update::loaded(state, request, result, now)
        }
        Action::HeatCellLoaded { service, from, result } => {
            crate::app::screens::heatmap::update::cell_loaded(state, service, from, result)
        }
        Action::MeetingsLoaded(result) => {
            let mut effects = crate::app::screens::minutes::update::listed(state, result, now);
            effects.extend(state.link.in_flight.loaded(Load::Meetings));
            effects
        }
        Action::MinutesWritten(result) => crate::app::screens::minutes::chair::written(state, result, now),
        Action::MinutesLoaded { id, result } => {
            let mut effects = crate::app::screens::minutes::update::loaded(state, id, result);
            effects.extend(state.link.in_flight.loaded(Load::Minutes(id)));
            effects
        }
        Action::AdminLoaded { section, result } => {
            crate::app::screens::admin::update::loaded(state, section, result, now);
            state.link.in_flight.loaded(Load::Admin)
        }
        Action::AdminWritten(result) => crate::app::screens::admin::update::written(state, result, now),
        Action::AdminImportPreviewed(result) => {
            crate::app::screens::admin::agreements::previewed(state, result, now);
            Vec::new()
        }
        Action::RegisterLoaded { section, result } => {
            crate::app::screens::problems::update::loaded(state, section, result, now);
            state.link.in_flight.loaded(Load::Register)
        }
        Action::ProblemLoaded { reference, result } => {
            state.screens.problems.problem_loaded(&reference, result);
            Vec::new()
        }
        Action::RegisterWritten(result) => crate::app::screens::problems::update::written(state, result, now),
        Action::MinutesExported { id, result } => match result {
            Ok(files) => vec![Effect::ExportFiles { what: format!("the minutes of meeting {id}"), files }],
            Err(why) => {
                state.warn(format!("the minutes of meeting {id} could not be exported: {why}"), now);
                Vec::new()
            }
        },
        Action::CalendarExported { from, result } => match result {
            Ok(ics) => {
                let name = format!("maintenance-{from}.ics");
                vec![Effect::ExportFiles { what: "the calendar".into(), files: vec![(name, ics)] }]
            }
            Err(why) => {
                state.warn(format!("the calendar could not be exported: {why}"), now);
                Vec::new()
            }
        },
        Action::OutageRecorded(result) => crate::app::screens::board::outage::recorded(state, result, now),
        Action::MaintenanceWritten(result) => crate::app::screens::calendar::plan::written(state, result, now),
        Action::MajorWritten { what, result } => crate::app::screens::major::update::written(state, what, result, now),
        Action::ReportLoaded { major_id, report } => {
            crate::app::screens::major::update::report_loaded(state, major_id, report, now)
        }
        Action::MyFollowUpsLoaded(result) => crate::app::screens::board::follow_ups::loaded(state, result, now),
        Action::FollowUpAnswered { id, result } => {
            crate::app::screens::board::follow_ups::answered(state, id, result, now)
        }
        Action::KnownErrorsFound { text, result } => {
            crate::app::screens::board::known_errors::found(state, text, result)
        }
        Action::ProblemLinked { problem, incident, result } => {
            crate::app::screens::board::known_errors::linked(state, problem, incident, result, now)
        }
        Action::Key(_) | Action::Paste(_) | Action::Resize { .. } | Action::Tick | Action::Run(_) => Vec::new(),
    }
}

fn on_change(state: &mut State, notice: &ChangeNotice) -> Vec<Effect> {
    let open_view = state.screens.board.incident.as_ref().map(|v| v.id);
    match (notice.table.as_str(), notice.id) {
        ("incidents", Some(id)) => {
            crate::app::screens::heatmap::update::changed(state);
            let mut effects = Vec::new();
            let stale = match (state.screens.board.queue.version_of(id), notice.version) {
                (Some(shown), Some(version)) => version > shown,
                _ => true,
            };
            if notice.op == "delete" || stale {
                effects.push(Effect::Db(DbCommand::FetchSummary { id }));
            }
            if open_view == Some(id) {
                effects.push(Effect::Db(DbCommand::LoadDetail { id }));
            }
            effects
        }
        ("agreements", _) => {
            let mut effects = vec![Effect::Db(DbCommand::LoadAgreements)];
            effects.extend(resync(state));
            effects
        }
        ("majors", _) => {
            let mut effects = vec![Effect::Db(DbCommand::LoadMajors)];
            effects.extend(crate::app::screens::admin::update::changed(state, &notice.table));
            effects
        }
        // A delivery step (claimed, sent, failed) shows only in the major cockpit: elsewhere it is read when the
        // cockpit is shown. Fifty consoles reading every major incident on every step of every message kept two
        // cores busy (`cargo bench --bench scale`).
        ("outbox", _) => {
            let mut effects = crate::app::screens::admin::update::changed(state, &notice.table);
            if state.screen == crate::app::Screen::Major {
                effects.push(Effect::Db(DbCommand::LoadMajors));
            } else {
                state.screens.major.deliveries_stale = true;
            }
            effects
        }
        ("outages", _) => {
            crate::app::screens::heatmap::update::changed(state);
            Vec::new()
        }
        (
            "maintenance_series"
            | "maintenance_approvals"
            | "maintenance_announcements"
            | "maintenance_moves"
            | "maintenance_notes",
            _,
        ) => {
            let calendar = state.screens.calendar.reload().map(Effect::Db);
            calendar.into_iter().chain([Effect::Db(DbCommand::LoadServiceWindows)]).collect()
        }
        ("presence", _) if !state.presence.console_id.is_empty() => {
            vec![Effect::Db(DbCommand::LoadPresence { console: state.presence.console_id.clone() })]
        }
        ("rota_shifts" | "settings" | "handovers", _) => {
            let mut effects = vec![Effect::Db(DbCommand::LoadRota)];
            effects.extend(crate::app::screens::admin::update::changed(state, &notice.table));
            effects
        }
        ("contacts", _) => crate::app::screens::admin::update::changed(state, &notice.table),
        ("change_needs" | "problems" | "problem_incidents" | "problem_services", _) => {
            crate::app::screens::problems::update::changed(state)
        }
        (
            table @ ("meeting_series"
            | "meetings"
            | "meeting_items"
            | "meeting_attendance"
            | "meeting_decisions"
            | "follow_ups"
            | "minutes_corrections"),
            _,
        ) => {
            let mut effects = crate::app::screens::minutes::update::changed(state);
            // A point added, answered or closed, or minutes published: the user's follow-ups may have changed.
            if matches!(table, "follow_ups" | "meetings") {
                effects.push(Effect::Db(DbCommand::LoadMyFollowUps));
            }
            // The calendar's meetings overlay expands the series: a new or moved schedule is loaded again.
            if table == "meeting_series" {
                effects.extend(state.screens.calendar.reload().map(Effect::Db));
            }
            effects
        }
        // Names of services, organisations or staff show on many rows; bulk loads touch everything.
        ("services" | "organisations" | "staff" | "bulk", _) => {
            crate::app::screens::heatmap::update::changed(state);
            resync(state)
        }
        _ => Vec::new(),
    }
}

/// The public holidays, by country, of the agreements' regions in `[from, to)`.
fn calendar_holidays(
    state: &State,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Vec<(chrono::NaiveDate, String)> {
    use crate::domain::calendar::holidays;
    let mut regions: Vec<holidays::Region> = state.agreements.values().map(|a| a.spec().region).collect();
    regions.sort_by_key(|r| r.code());
    regions.dedup();
    let mut found = Vec::new();
    for year in chrono::Datelike::year(&from)..=chrono::Datelike::year(&to) {
        for region in &regions {
            for h in holidays::public_holidays(*region, year).into_iter().filter(|h| h.date >= from && h.date < to) {
                found.push((h.date, format!("{} ({})", h.name, region.code())));
            }
        }
    }
    found.sort();
    found
}

fn go_offline(state: &mut State, reason: String, now: DateTime<Utc>) {
    if !matches!(state.link.connection, Connection::Offline { .. }) {
        state.link.connection = Connection::Offline { since: now, reason };
    }
}

/// Live again once neither side is down.
fn back_online(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    if state.link.listener_down || state.link.worker_down {
        return Vec::new();
    }
    let was_offline = matches!(state.link.connection, Connection::Offline { .. });
    state.link.connection = Connection::Live;
    if was_offline {
        state.inform("reconnected; the board was reloaded", now);
    }
    Vec::new()
}

/// Reloads what every screen shows (after a reconnect, a bulk change, or on request).
pub fn resync(state: &State) -> Vec<Effect> {
    state.screens.all().iter().flat_map(|screen| screen.resync()).collect()
}

/// A form opened before its choices were loaded is rebuilt with them, keeping what was typed.
fn refresh_form_choices(state: &mut State) {
    use crate::app::state::{FormPurpose, Overlay};
    let Some(Overlay::Form(form)) = &state.overlay else {
        return;
    };
    if !matches!(form.purpose, FormPurpose::Create | FormPurpose::Assign(_)) {
        return;
    }
    let typed: Vec<Option<String>> = form.fields.iter().map(|f| f.typed()).collect();
    let mut fresh = crate::app::screens::board::actions::fresh_fields(state, &form.purpose);
    for (field, old) in fresh.iter_mut().zip(typed) {
        if let (Some(value), Some(_)) = (old, field.typed()) {
            field.set_typed(&value);
        }
    }
    if let Some(Overlay::Form(form)) = &mut state.overlay {
        form.fields = fresh;
    }
    crate::app::screens::board::actions::choice_changed(state);
}
