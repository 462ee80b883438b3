//! Runs the console's database commands off the UI loop and sends the results back as actions.

use super::maintenance;
use sqlx::PgPool;
use tokio::sync::mpsc;

use super::{DbError, agreements, incidents, lifecycle, majors, outbox, pir, presence, rota, settings, staff};
use crate::app::effect::MaintenanceWrite;
use crate::app::model::{ChildIncident, DueDelta, IncidentDetail, IncidentSummary, Relations, WriteError};
use crate::app::screens::board::known_errors::{self, KnownError};
use crate::app::{Action, DbCommand, MajorCommand};
use crate::domain::agreement::spec::TargetKind;
use crate::domain::incident::lifecycle::IncidentAction;
use crate::domain::sla::IncidentClocks;
use crate::domain::sla::record::state_name;

/// Executes commands one at a time, in order, until either channel closes.
pub async fn run(pool: PgPool, mut commands: mpsc::Receiver<DbCommand>, actions: mpsc::Sender<Action>) {
    while let Some(command) = commands.recv().await {
        let Some(action) = execute(&pool, command).await else {
            continue;
        };
        if actions.send(action).await.is_err() {
            break;
        }
    }
}

/// Runs one command; `None` when there is nothing to tell the console.
pub async fn execute(pool: &PgPool, command: DbCommand) -> Option<Action> {
    Some(match command {
        DbCommand::LoadBoard => match incidents::list_open(pool).await {
            Ok(rows) => Action::BoardLoaded(rows),
            Err(e) => failed("loading the board", e),
        },
        DbCommand::LoadBoardFirstPage { rows } => match incidents::list_open_first(pool, rows).await {
            Ok((rows, open)) => Action::BoardFirstPage { rows, open },
            Err(e) => failed("loading the board", e),
        },
        DbCommand::FetchSummary { id } => match incidents::summary_by_id(pool, id).await {
            Ok(summary) => Action::SummaryFetched { id, summary: summary.map(Box::new) },
            Err(e) => failed("refreshing an incident", e),
        },
        DbCommand::LoadDetail { id } => match detail_with_relations(pool, id).await {
            Ok(detail) => Action::DetailLoaded { id, detail: detail.map(Box::new) },
            Err(e) => failed("loading the incident", e),
        },
        DbCommand::LoadAgreements => match agreements::load_all(pool).await {
            Ok(set) => Action::AgreementsLoaded(set),
            Err(e) => failed("loading the agreements", e),
        },
        DbCommand::SaveSettings(board) => match settings::save(pool, &board).await {
            Ok(()) => return None,
            Err(e) => failed("saving the board settings", e),
        },
        DbCommand::LoadChoices => {
            let services = incidents::services(pool).await;
            let staff = staff::active(pool).await;
            match (services, staff) {
                (Ok(services), Ok(staff)) => Action::ChoicesLoaded { services, staff },
                (Err(e), _) | (_, Err(e)) => failed("loading services and staff", e),
            }
        }
        DbCommand::Perform { target, action } => {
            let result = lifecycle::perform(pool, target.id, Some(target.version), &action).await;
            Action::Written { what: past_tense(&action), result: written(pool, target.id, result).await }
        }
        DbCommand::Create(new) => {
            let result = lifecycle::create(pool, &new).await;
            Action::Written { what: "created".into(), result: written(pool, 0, result).await }
        }
        DbCommand::Link { target, other } => {
            let result = lifecycle::link(pool, target.id, &other).await;
            Action::Written {
                what: format!("linked to {}", other.trim()),
                result: written(pool, target.id, result).await,
            }
        }
        DbCommand::SetPresence { console, incident, editing } => {
            match presence::set(pool, &console, incident, editing).await {
                Ok(()) => return None,
                Err(e) => failed("telling others where you are", e),
            }
        }
        DbCommand::LoadPresence { console } => match presence::others(pool, &console).await {
            Ok(list) => Action::PresenceLoaded(list),
            Err(e) => failed("loading who else is here", e),
        },
        DbCommand::LoadMajors => {
            let mut list = Vec::new();
            let ids = match majors::active_ids(pool).await {
                Ok(ids) => ids,
                Err(e) => return Some(failed("loading major incidents", e)),
            };
            for id in ids {
                match majors::load(pool, id).await {
                    Ok(view) => list.push(view),
                    Err(e) => return Some(failed("loading a major incident", e)),
                }
            }
            Action::MajorsLoaded(list)
        }
        DbCommand::LoadServiceWindows => match maintenance::service_windows(pool).await {
            Ok(windows) => Action::ServiceWindowsLoaded(windows),
            Err(e) => failed("loading the service windows", e),
        },
        DbCommand::ExportCalendar { from, to } => {
            let midnight = |day: chrono::NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
            let result = maintenance::ics::export(pool, midnight(from), midnight(to)).await;
            Action::CalendarExported { from, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::LoadHeatmap { request, today } => {
            let grid = super::heatmap_grid::grid(pool, &request).await;
            let standings = super::heatmap_grid::standings(pool, today).await;
            let result = match (grid, standings) {
                (Ok(grid), Ok(standings)) => Ok(crate::app::action::HeatmapData { grid, standings }),
                (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
            };
            Action::HeatmapLoaded { request, result }
        }
        DbCommand::LoadHeatCell { service, from, to, max_rank } => {
            let result = super::heatmap_grid::cell(pool, &service, from, to, max_rank).await;
            Action::HeatCellLoaded { service, from, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::LoadMeetings => {
            Action::MeetingsLoaded(super::minutes::screen::list(pool).await.map_err(|e| e.to_string()))
        }
        DbCommand::LoadMinutes { id } => {
            let result = super::minutes::screen::detail(pool, id).await;
            Action::MinutesLoaded { id, result: result.map(Box::new).map_err(|e| e.to_string()) }
        }
        DbCommand::OpenMeeting { series, at } => {
            use crate::app::screens::minutes::data::MinutesWrite;
            let result = super::minutes::open(pool, &series, at).await;
            Action::MinutesWritten(
                result.map(|o| MinutesWrite::Opened { id: o.id, items: o.items }).map_err(write_error),
            )
        }
        DbCommand::PublishMinutes { id } => {
            use crate::app::screens::minutes::data::MinutesWrite;
            // Publishing also queues the minutes to the distribution list (migration 27); the outbox shows them.
            let result = super::minutes::publish(pool, id).await;
            Action::MinutesWritten(result.map(|_queued| MinutesWrite::Published { id }).map_err(write_error))
        }
        DbCommand::AddDecision { id, item, text } => {
            use crate::app::screens::minutes::data::MinutesWrite;
            let result = super::minutes::edit::add_decision(pool, id, item, &text).await;
            Action::MinutesWritten(result.map(|()| MinutesWrite::Decision { id }).map_err(write_error))
        }
        DbCommand::AddFollowUp { id, item, owner, due, text, concerns } => {
            use crate::app::screens::minutes::data::MinutesWrite;
            let new = super::minutes::follow_ups::NewPoint {
                meeting: id,
                text: &text,
                owner: &owner,
                due: Some(due),
                concerns,
                item,
            };
            let result = super::minutes::follow_ups::add(pool, &new).await;
            Action::MinutesWritten(result.map(|point| MinutesWrite::FollowUp { id, point }).map_err(write_error))
        }
        DbCommand::LoadProblem { reference } => {
            let result = super::register_screen::problem(pool, &reference).await;
            Action::ProblemLoaded { reference, result: result.map(Box::new).map_err(|e| e.to_string()) }
        }
        DbCommand::LoadRegister { section } => {
            let result = super::register_screen::load(pool, section).await;
            Action::RegisterLoaded { section, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::Register(write) => {
            Action::RegisterWritten(super::register_screen::write(pool, write).await.map_err(write_error))
        }
        DbCommand::LoadAdmin { section } => {
            let result = super::admin_screen::load(pool, section).await;
            Action::AdminLoaded { section, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::Admin(write) => {
            Action::AdminWritten(super::admin_screen::write(pool, write).await.map_err(write_error))
        }
        DbCommand::LoadAdminAudit { query } => {
            use crate::app::screens::admin::data::{AdminData, AdminSection};
            let result = super::admin_screen::audit(pool, &query).await;
            let section = AdminSection::Audit;
            Action::AdminLoaded { section, result: result.map(AdminData::Audit).map_err(|e| e.to_string()) }
        }
        DbCommand::AdminImportPreview { path } => {
            Action::AdminImportPreviewed(super::admin_screen::import_preview(pool, &path).await)
        }
        DbCommand::ExportMinutes { id, zone } => {
            let result = super::minutes::show::minutes(pool, id).await.map(|found| {
                let document = crate::report::minutes::document(&found, zone);
                let stem = format!(
                    "minutes-{}-{}",
                    found.series.to_lowercase(),
                    found.starts_at.with_timezone(&zone).format("%Y-%m-%d")
                );
                vec![
                    (format!("{stem}.md"), crate::report::markdown::render(&document)),
                    (format!("{stem}.html"), crate::report::html::render(&document)),
                ]
            });
            Action::MinutesExported { id, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::EditMinutes { id, edit } => {
            Action::MinutesWritten(super::minutes::edit::apply(pool, id, edit).await.map_err(write_error))
        }
        DbCommand::SetPresent { id, participant, present } => {
            use crate::app::screens::minutes::data::MinutesWrite;
            let result = super::minutes::edit::set_present(pool, id, &participant, present).await;
            Action::MinutesWritten(result.map(|()| MinutesWrite::Attendance { id }).map_err(write_error))
        }
        DbCommand::LoadMaintenance { from, to } => {
            match (maintenance::agenda(pool, from, to).await, maintenance::meetings::between(pool, from, to).await) {
                (Ok(windows), Ok(meetings)) => Action::MaintenanceLoaded { from, to, windows, meetings },
                (Err(e), _) | (_, Err(e)) => failed("loading the maintenance calendar", e),
            }
        }
        DbCommand::LoadRota => {
            let shifts = rota::shifts_around_now(pool).await;
            match (shifts, rota::duty_line(pool).await, rota::pending_handover(pool).await) {
                (Ok(shifts), Ok(duty), Ok(handover)) => Action::RotaLoaded { shifts, duty, handover },
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => failed("loading the rota", e),
            }
        }
        DbCommand::LoadReport { major_id } => match pir::get(pool, major_id).await {
            Ok(report) => Action::ReportLoaded { major_id, report: report.map(|(r, v)| (Box::new(r), v)) },
            Err(e) => failed("loading the report", e),
        },
        DbCommand::RecordOutage { incident, service, start, end, degraded, exclusion, note } => {
            let new = super::outages::NewOutage {
                service,
                incident: Some(incident.clone()),
                start,
                end,
                degraded,
                exclusion,
                note,
            };
            let recorded =
                super::outages::add(pool, &new).await.map(|id| format!("outage {id} recorded for {incident}"));
            Action::OutageRecorded(recorded.map_err(write_error))
        }
        DbCommand::Maintenance(write) => {
            Action::MaintenanceWritten(maintenance_write(pool, write).await.map_err(write_error))
        }
        DbCommand::Major(command) => {
            let (what, result) = major_write(pool, command).await;
            Action::MajorWritten { what, result: result.map_err(write_error) }
        }
        DbCommand::WhatIf { target, action } => {
            let result =
                lifecycle::what_if(pool, target.id, &action).await.map(|(before, after)| deltas(&before, &after));
            Action::WhatIfReady { target: target.id, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::LoadMyFollowUps => {
            Action::MyFollowUpsLoaded(super::minutes::follow_ups::mine(pool).await.map_err(|e| e.to_string()))
        }
        DbCommand::AnswerFollowUp { id, text } => {
            let result = super::minutes::follow_ups::answer(pool, id, &text).await;
            Action::FollowUpAnswered { id, result: result.map_err(write_error) }
        }
        DbCommand::SearchKnownErrors { text } => {
            let result = super::problems::search(pool, &text, known_errors::SHOWN).await;
            let result = result.map(|found| {
                found
                    .into_iter()
                    .map(|k| KnownError { reference: k.reference, title: k.title, workaround: k.workaround })
                    .collect()
            });
            Action::KnownErrorsFound { text, result: result.map_err(|e| e.to_string()) }
        }
        DbCommand::LinkProblem { problem, incident, apply_workaround } => {
            let result = super::problems::link(pool, &problem, &incident, apply_workaround).await;
            Action::ProblemLinked {
                problem,
                incident,
                result: result.map(|l| linked_sentence(&l)).map_err(write_error),
            }
        }
    })
}

/// Performs a major-incident write; returns what to say on success.
async fn major_write(pool: &PgPool, command: MajorCommand) -> (String, Result<(), DbError>) {
    match command {
        MajorCommand::Declare { incident_id, services, organisations, impact, exercise } => {
            let request = majors::DeclareRequest { services, organisations, impact, exercise };
            let result = majors::declare(pool, incident_id, &request).await;
            let what = result.as_ref().map_or(String::new(), |v| format!("declared {} a major incident", v.reference));
            (what, result.map(|_| ()))
        }
        MajorCommand::Update { major_id, update, sms, request } => {
            let result = majors::send_update_once(pool, major_id, &update, sms, &request).await;
            let what = result.as_ref().map_or(String::new(), |o| match o.already_recorded {
                true => format!(
                    "update {} had been recorded before the connection dropped; nothing was queued again",
                    o.sequence
                ),
                false => {
                    format!("update {} queued: {} e-mail, {} SMS, {} webhook", o.sequence, o.emails, o.sms, o.webhooks)
                }
            });
            (what, result.map(|_| ()))
        }
        MajorCommand::Escalate { major_id, reason } => {
            let result = majors::escalate(pool, major_id, None, None, reason).await;
            let what = result.as_ref().map_or(String::new(), |v| {
                format!("escalated to {}", v.major.escalations.last().map_or("?", |s| s.level_name.as_str()))
            });
            (what, result.map(|_| ()))
        }
        MajorCommand::State { major_id, to, note } => {
            ("state changed".into(), majors::set_state(pool, major_id, to, &note).await.map(|_| ()))
        }
        MajorCommand::Role { major_id, role, person, organisation } => (
            format!("{person} is {role}"),
            majors::assign_role(pool, major_id, role, &person, organisation.as_deref()).await.map(|_| ()),
        ),
        MajorCommand::Call { task_id, outcome, note } => {
            ("call logged".into(), majors::log_call(pool, task_id, outcome, &note).await.map(|_| ()))
        }
        MajorCommand::Notified { major_id } => {
            ("notify step complete".into(), majors::complete_notify(pool, major_id).await)
        }
        MajorCommand::Handover { note, zone } => {
            let result = rota::hand_over(pool, &note, zone).await;
            let what = result.as_ref().map_or(String::new(), |(id, note, _)| {
                format!("hand-over {id} written to {}; they acknowledge with `vakt handover ack {id}`", note.incoming)
            });
            (what, result.map(|_| ()))
        }
        MajorCommand::RetryDead { major_id } => match outbox::retry_dead_of_major(pool, major_id).await {
            Ok(n) => (format!("{n} dead message(s) queued again; vakt serve delivers them"), Ok(())),
            Err(e) => (String::new(), Err(e)),
        },
        MajorCommand::AcknowledgeHandover { id } => {
            (format!("hand-over {id} acknowledged"), rota::acknowledge_handover(pool, id).await)
        }
        MajorCommand::AddShift { shift, zone } => {
            let result = rota::add_shift(pool, &shift, zone).await;
            let what = result.as_ref().map_or(String::new(), |row| {
                format!("shift {} added: {} on duty, {} deputy", row.id, row.mim_name, row.deputy_name)
            });
            (what, result.map(|_| ()))
        }
        MajorCommand::ReassignShift { id, mim, deputy } => {
            (format!("shift {id} reassigned"), rota::reassign_shift(pool, id, mim.as_deref(), deputy.as_deref()).await)
        }
        MajorCommand::RemoveShift { id } => (format!("shift {id} removed"), rota::remove_shift(pool, id).await),
        MajorCommand::Report { major_id, findings, complete, version } => {
            let saved = match pir::get(pool, major_id).await {
                Ok(Some((mut report, _))) => {
                    report.findings = findings;
                    pir::save(pool, major_id, &report, version).await.map(|_| ())
                }
                Ok(None) => Err(DbError::NotFound("no report yet".into())),
                Err(e) => Err(e),
            };
            match (saved, complete) {
                (Err(e), _) => (String::new(), Err(e)),
                (Ok(()), false) => ("report saved".into(), Ok(())),
                (Ok(()), true) => ("report completed".into(), pir::complete(pool, major_id).await.map(|_| ())),
            }
        }
    }
}

/// An admin's write to the maintenance calendar; what it did, in words, for the status line.
async fn maintenance_write(pool: &PgPool, write: MaintenanceWrite) -> Result<String, DbError> {
    Ok(match write {
        MaintenanceWrite::Plan { series, reason, freeze_override, breaking } => {
            let new = maintenance::NewSeries { series, reason, follows: None, freeze_override, breaking };
            let id = maintenance::add(pool, &new).await?;
            format!("series {id} planned (draft): approve (A) and announce (N) it when it is agreed")
        }
        MaintenanceWrite::Move { series_id, date, start, length, note, freeze_override, seen_version } => {
            let to = maintenance::MoveTo {
                start,
                length: Some(length),
                note: &note,
                freeze_override: freeze_override.as_deref(),
                seen_version,
            };
            let edited = maintenance::move_occurrence(pool, series_id, date, &to).await?;
            let told = edited.announced_to.map(|n| format!("; announced to {n} recipients")).unwrap_or_default();
            format!("the window of {date} is moved to {}{told}", start.format("%Y-%m-%d %H:%M"))
        }
        MaintenanceWrite::Edit { series_id, length, impact, reason, seen_version } => {
            let changes = maintenance::Changes { length, impact, reason, seen_version, ..Default::default() };
            let edited = maintenance::edit(pool, series_id, &changes).await?;
            let told = edited.announced_to.map(|n| format!("; announced to {n} recipients")).unwrap_or_default();
            format!("series {series_id} changed{told}")
        }
        MaintenanceWrite::Approve { series_id, by, role } => {
            let approved = maintenance::approve(pool, series_id, &by, &role).await?;
            match approved.missing.is_empty() {
                true => format!("approval recorded: series {series_id} is {}", approved.state),
                false => format!(
                    "approval recorded: series {series_id} is {} and still needs {}",
                    approved.state,
                    approved.missing.join(" and ")
                ),
            }
        }
        MaintenanceWrite::Announce { series_id } => {
            let announced = maintenance::announce(pool, series_id).await?;
            format!("series {series_id} announced to {} recipients; vakt serve delivers it", announced.recipients)
        }
        MaintenanceWrite::Cancel { series_id, date, reason } => {
            maintenance::cancel(pool, series_id, date, &reason).await?
        }
    })
}

fn write_error(error: DbError) -> WriteError {
    match error {
        DbError::Conflict(message) => WriteError::Conflict { message, fresh: None },
        DbError::Refused(message) => WriteError::Refused(message),
        DbError::BadInput(message) | DbError::NotFound(message) => WriteError::BadInput(message),
        e if e.is_connection_lost() => {
            WriteError::Offline(format!("the database is unreachable ({e}); your text is kept"))
        }
        e => WriteError::Other(e.to_string()),
    }
}

/// Sorts a write's error for the console; a conflict brings the incident as it is now.
async fn written(
    pool: &PgPool,
    id: i64,
    result: Result<IncidentSummary, DbError>,
) -> Result<Box<IncidentSummary>, WriteError> {
    match result {
        Ok(summary) => Ok(Box::new(summary)),
        Err(DbError::Conflict(message)) => {
            let fresh = incidents::summary_by_id(pool, id).await.ok().flatten().map(Box::new);
            Err(WriteError::Conflict { message, fresh })
        }
        Err(DbError::Refused(message)) => Err(WriteError::Refused(message)),
        Err(DbError::BadInput(message) | DbError::NotFound(message)) => Err(WriteError::BadInput(message)),
        Err(e) if e.is_connection_lost() => {
            Err(WriteError::Offline(format!("the database is unreachable ({e}); nothing was saved, your text is kept")))
        }
        Err(e) => Err(WriteError::Other(e.to_string())),
    }
}

fn past_tense(action: &IncidentAction) -> String {
    match action {
        IncidentAction::Acknowledge => "acknowledged".into(),
        IncidentAction::Note { .. } => "note added".into(),
        other => format!("{} done", other.verb()),
    }
}

/// Each clock's due before and after, for the confirmation.
fn deltas(before: &IncidentClocks, after: &IncidentClocks) -> Vec<DueDelta> {
    let mut targets: Vec<TargetKind> = before.clocks.iter().chain(&after.clocks).map(|c| c.kind).collect();
    targets.sort();
    targets.dedup();
    targets
        .into_iter()
        .map(|kind| {
            let was = before.clock(kind);
            let will = after.clock(kind);
            DueDelta {
                target: kind.to_string(),
                before: was.and_then(|c| c.effective_due()),
                after: will.and_then(|c| c.effective_due()),
                state_after: will.map_or("no target", |c| state_name(&c.state)).to_string(),
            }
        })
        .collect()
}

/// The incident view's detail with its problems, master and children.
async fn detail_with_relations(pool: &PgPool, id: i64) -> Result<Option<IncidentDetail>, DbError> {
    let Some(mut detail) = incidents::detail_by_id(pool, id).await? else {
        return Ok(None);
    };
    let children = super::problems::masters::children_of(pool, id).await?;
    detail.relations = Relations {
        problems: super::problems::problems_of(pool, id).await?,
        master: super::problems::masters::master_of(pool, id).await?,
        children: children
            .into_iter()
            .map(|c| ChildIncident { open: c.is_open(), id: c.id, reference: c.reference })
            .collect(),
    };
    Ok(Some(detail))
}

/// What linking did, in words, for the status line.
fn linked_sentence(linked: &super::problems::Linked) -> String {
    let workaround = if linked.workaround_applied {
        "; its workaround is applied (workaround in place)"
    } else if linked.workaround_already {
        "; it had a workaround recorded already"
    } else {
        ""
    };
    format!("{} linked to {}{workaround}", linked.incident, linked.problem)
}

fn failed(what: &str, error: DbError) -> Action {
    if error.is_connection_lost() {
        Action::WorkerOffline { reason: "database unreachable".into() }
    } else {
        Action::DbFailed { what: what.into(), error: error.to_string() }
    }
}
