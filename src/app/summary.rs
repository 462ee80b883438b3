//! The summary line's figures, computed when the clock ticks or data arrives, never while drawing: they go over
//! every open incident (up to 10,000), which is too much work for every frame.

use chrono::{DateTime, Duration, Utc};

use super::countdown::{Urgency, settled};
use super::state::State;
use crate::domain::incident::Status;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub open: usize,
    pub breached: usize,
    /// Running deadlines within the next hour.
    pub due_soon: usize,
    /// Real major incidents (exercises apart).
    pub majors: usize,
    pub exercises: usize,
    /// Open incidents by status, in board order, leaving out statuses with none.
    pub by_status: Vec<(Status, usize)>,
    /// The first major incident whose stakeholder update is overdue, and the first the ladder would escalate.
    pub update_overdue: Option<String>,
    pub escalate: Option<String>,
    /// Maintenance running now: the services under it (by code) and how many open incidents are on them.
    pub in_maintenance: Vec<String>,
    pub incidents_in_maintenance: usize,
}

impl Summary {
    pub fn compute(state: &State, now: DateTime<Utc>) -> Summary {
        let rows = state.screens.board.queue.all();
        let soon = now + Duration::hours(1);
        let (mut breached, mut due_soon) = (0, 0);
        // Only breached, paused and the due instant count here, which the row says without the business time
        // left: a full countdown per row took 10,100 calendar walks a second on every console (issue 15).
        for row in rows {
            let Some(next) = &row.next_due else { continue };
            match settled(next, now) {
                Some(Urgency::Breached) => breached += 1,
                Some(_) => {}
                None if next.at <= soon => due_soon += 1,
                None => {}
            }
        }
        let majors_list = &state.screens.major.list;
        let exercises: Vec<i64> =
            majors_list.iter().filter(|m| m.major.declaration.exercise).map(|m| m.incident_id).collect();
        let majors = rows.iter().filter(|r| r.flags.major && !exercises.contains(&r.id)).count();
        let by_status = [Status::New, Status::Acknowledged, Status::InProgress, Status::Paused]
            .into_iter()
            .map(|status| (status, rows.iter().filter(|r| r.status == status).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        let update_overdue = majors_list
            .iter()
            .find(|m| super::major_cadence(state, m, now).is_some_and(|c| c.remaining() < Duration::zero()))
            .map(|m| m.reference.clone());
        let escalate =
            majors_list.iter().find(|m| super::major_proposal(state, m, now).is_some()).map(|m| m.reference.clone());
        let mut in_maintenance: Vec<String> = state
            .service_windows
            .windows
            .iter()
            .filter(|w| w.start <= now && now < w.end)
            .flat_map(|w| w.services.iter().cloned())
            .collect();
        in_maintenance.sort();
        in_maintenance.dedup();
        let incidents_in_maintenance =
            rows.iter().filter(|r| in_maintenance.binary_search(&r.service.code).is_ok()).count();
        Summary {
            in_maintenance,
            incidents_in_maintenance,
            open: rows.len(),
            breached,
            due_soon,
            majors,
            exercises: exercises.len(),
            by_status,
            update_overdue,
            escalate,
        }
    }
}
