//! A window as the calendar and the CLI show it: its notice against the agreement's rule (from its announcement,
//! or as if announced now) and its warnings. Pure: the windows around it, the agreements and the time are given.

use chrono::{DateTime, Utc};

use super::{Agreements, Planned, occurrence};
use crate::app::model::{MaintenanceNotice, MaintenanceWarning, MaintenanceWindow};
use crate::domain::maintenance::WindowState;
use crate::domain::maintenance::notice;
use crate::domain::maintenance::series::Occurrence;
use crate::domain::maintenance::warnings::{self, Warning};

/// A window with its notice (as of `now`) and its warnings: overlaps on shared services, freezes and high-volume
/// periods, daylight-saving changes, notice too short.
pub fn annotate(p: &Planned, all: &[Planned], agreements: &Agreements, now: DateTime<Utc>) -> MaintenanceWindow {
    let s = &p.series.series;
    let window = occurrence(p);
    let mut found: Vec<Warning> = Vec::new();
    if !s.kind.is_period() {
        let others: Vec<(&[String], Vec<Occurrence>)> = all
            .iter()
            .filter(|o| o.series.id != p.series.id && !o.series.series.kind.is_period())
            .map(|o| (&o.series.series.services[..], vec![occurrence(o)]))
            .collect();
        found.extend(warnings::overlaps(&window, &s.services, others.iter().map(|(sv, oc)| (*sv, &oc[..]))));
        let periods: Vec<Occurrence> = all
            .iter()
            .filter(|o| {
                o.series.series.kind.is_period() && o.series.series.services.iter().any(|x| s.services.contains(x))
            })
            .map(occurrence)
            .collect();
        found.extend(warnings::inside_periods(&window, &periods));
    }
    found.extend(warnings::crosses_dst(&window, s.zone));
    if let (Some((primary_id, _)), Some(primary_date)) = (p.series.follows, p.primary_date) {
        let unfinished = all
            .iter()
            .find(|o| o.series.id == primary_id)
            .map(|o| &o.series)
            .is_some_and(|primary| primary.notes.iter().any(|n| n.date == primary_date && n.unfinished));
        if !unfinished {
            found.push(Warning::SecondaryUnlinked { primary: primary_id, date: primary_date });
        }
    }
    let mut texts: Vec<MaintenanceWarning> =
        found.iter().map(|w| MaintenanceWarning { code: w.code().into(), text: describe(w, s.zone) }).collect();
    // Notice counts from the announcement of the window's times; before it, from now (what announcing now gives).
    let announced = p.series.announced_at.filter(|_| p.series.state == WindowState::Announced);
    let rule = s
        .services
        .iter()
        .filter_map(|sv| {
            agreements.get(sv).and_then(|a| {
                notice::required(a, sv).map(|n| (a.clone(), n, notice::reference(a, sv).map(|r| format!(" ({r})"))))
            })
        })
        .max_by_key(|(_, n, _)| n.amount);
    let upcoming = p.start > now || announced.is_some();
    let notice = rule.filter(|_| !s.kind.is_period() && upcoming).map(|(agreement, required, reference)| {
        let checked = notice::check(&agreement, required, announced.unwrap_or(now), p.start);
        if !checked.ok {
            let given = match announced {
                Some(at) => format!("announced {} it got", at.format("%Y-%m-%d")),
                None => "announced now it gets".to_string(),
            };
            texts.push(MaintenanceWarning {
                code: "notice_short".into(),
                text: format!(
                    "{given} {} of the {} {} {} requires{}",
                    checked.given,
                    required.amount,
                    unit(required.unit),
                    agreement.code(),
                    reference.unwrap_or_default()
                ),
            });
        }
        let working = required.unit == crate::domain::agreement::spec::NoticeUnit::WorkingDays;
        MaintenanceNotice {
            given_working_days: working.then_some(checked.given),
            required_working_days: working.then_some(required.amount),
            given_days: (!working).then_some(checked.given),
            required_days: (!working).then_some(required.amount),
            ok: checked.ok,
            announced_at: announced,
        }
    });
    // A change that forces others to change needs months of notice where the agreement says so (Altinn: 6).
    if p.series.breaking && !s.kind.is_period() && (p.start > now || announced.is_some()) {
        for agreement in s.services.iter().filter_map(|sv| agreements.get(sv)) {
            let Some(months) = agreement.spec().breaking_change_notice_months else { continue };
            let from = announced.unwrap_or(now);
            if !notice::breaking_ok(months, from, p.start) {
                let given = match announced {
                    Some(at) => {
                        format!("announced {} it got {} days", at.format("%Y-%m-%d"), (p.start - at).num_days())
                    }
                    None => format!("announced now it gets {} days", (p.start - now).num_days()),
                };
                texts.push(MaintenanceWarning {
                    code: "breaking_notice_short".into(),
                    text: format!(
                        "a change others must follow needs {months} months' notice under {}; {given}",
                        agreement.code()
                    ),
                });
                break;
            }
        }
    }
    // Approved and announced windows are in progress while they run and done after; the rest keep their state.
    let state = match p.series.state {
        WindowState::Approved | WindowState::Announced if p.end <= now => WindowState::Done,
        WindowState::Approved | WindowState::Announced if p.start <= now => WindowState::InProgress,
        other => other,
    };
    MaintenanceWindow {
        id: format!("{}:{}", p.series.id, p.local_date),
        series_id: p.series.id,
        version: p.series.version,
        services: s.services.clone(),
        kind: s.kind.as_str().into(),
        state: state.as_str().into(),
        impact: s.impact.as_str().into(),
        start: p.start,
        end: p.end,
        zone: s.zone.name().into(),
        notice,
        warnings: texts,
    }
}

fn unit(unit: crate::domain::agreement::spec::NoticeUnit) -> &'static str {
    match unit {
        crate::domain::agreement::spec::NoticeUnit::WorkingDays => "working days",
        crate::domain::agreement::spec::NoticeUnit::Days => "days",
    }
}

fn describe(warning: &Warning, zone: chrono_tz::Tz) -> String {
    let local = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
    match warning {
        Warning::Overlap { service, other } => {
            format!("overlaps another window on {service} from {}", local(other.start))
        }
        Warning::InsidePeriod { period } => {
            format!("inside a freeze or high-volume period {} – {}", local(period.start), local(period.end))
        }
        Warning::SecondaryUnlinked { primary, date } => format!(
            "reserve window: no unfinished work is recorded for the primary window of {date} (vakt maintenance \
             annotate {primary} --occurrence {date} --unfinished)"
        ),
        Warning::CrossesDst { wall } => format!(
            "crosses a daylight-saving change: {} on the wall clock",
            crate::domain::text::duration::compact(*wall)
        ),
    }
}
