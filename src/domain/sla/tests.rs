//! Clock rules on the seed agreements: vectors, warnings, breaches, pauses, priority changes,
//! reopen, feedback, deprioritise, re-plan and what-if.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;

const ROR: &str = include_str!("../../../agreements/ror-ikt.toml");
const ALTINN: &str = include_str!("../../../agreements/altinn.toml");
const STOCKHOLM: &str = include_str!("../../../agreements/stockholm.toml");
const TRANEMO: &str = include_str!("../../../agreements/tranemo-ulricehamn.toml");
const WAITING: &str = "venter på innmelder";

fn ror() -> Agreement {
    Agreement::from_toml(ROR).unwrap()
}

/// ROR with one pause reason allowed (no seed defines any), to exercise pauses.
fn ror_with_pauses() -> Agreement {
    Agreement::from_toml(&ROR.replace("pause_reasons = []", &format!("pause_reasons = [\"{WAITING}\"]"))).unwrap()
}

fn oslo(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Oslo.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

/// Tuesday 22 October 2024 (an ordinary working week in Norway), at h:min Oslo time.
fn tue(h: u32, min: u32) -> DateTime<Utc> {
    oslo(2024, 10, 22, h, min)
}

fn wed(h: u32, min: u32) -> DateTime<Utc> {
    oslo(2024, 10, 23, h, min)
}

fn ev(at: DateTime<Utc>, kind: EventKind) -> IncidentEvent {
    IncidentEvent::new(at, kind)
}

fn received(at: DateTime<Utc>, priority: &str) -> IncidentEvent {
    ev(at, EventKind::Received { priority: Some(priority.to_string()) })
}

fn priority(at: DateTime<Utc>, to: &str) -> IncidentEvent {
    ev(at, EventKind::PriorityChanged { to: to.to_string() })
}

fn pause(at: DateTime<Utc>) -> IncidentEvent {
    ev(at, EventKind::Paused { reason: WAITING.to_string() })
}

fn clock(a: &Agreement, events: &[IncidentEvent], now: DateTime<Utc>, kind: TargetKind) -> ClockReport {
    compute_clocks(a, events, now).unwrap().clock(kind).unwrap().clone()
}

#[test]
fn ror_kritisk_and_hoy_vectors() {
    let a = ror();
    let clocks = compute_clocks(&a, &[received(tue(9, 0), "Kritisk")], tue(9, 0)).unwrap();
    assert_eq!(clocks.clock(TargetKind::Response).unwrap().due, Some(tue(9, 15)));
    assert_eq!(clocks.clock(TargetKind::Resolution).unwrap().due, Some(tue(11, 0)));
    let next = clocks.next_due().unwrap();
    assert_eq!((next.kind, next.due, next.state), (TargetKind::Response, tue(9, 15), ClockState::Running));
    let hoy = deadline(&a, "Høy", TargetKind::Resolution, tue(14, 0)).unwrap();
    assert_eq!(
        (hoy.due, hoy.budget, hoy.remaining),
        (Some(wed(10, 30)), Some(Duration::hours(4)), Some(Duration::hours(4)))
    );
    assert_eq!(deadline(&a, "Høy", TargetKind::Response, tue(14, 0)).unwrap().due, Some(tue(15, 0)));
    let error = deadline(&a, "Akutt", TargetKind::Resolution, tue(14, 0)).unwrap_err();
    assert_eq!(error.to_string(), "unknown priority 'Akutt' for agreement ROR-IKT (known: Kritisk, Høy, Middels, Lav)");
}

#[test]
fn warning_thresholds_and_the_breach_instant() {
    let a = ror();
    let events = [received(tue(9, 0), "Høy")]; // resolution due 13:00
    let state_at = |now| clock(&a, &events, now, TargetKind::Resolution).state;
    assert_eq!(state_at(tue(10, 0)), ClockState::Running);
    assert_eq!(state_at(tue(11, 0)), ClockState::Warning { threshold: 50 });
    assert_eq!(state_at(tue(12, 0)), ClockState::Warning { threshold: 75 });
    assert_eq!(state_at(tue(12, 40)), ClockState::Warning { threshold: 90 });
    assert_eq!(state_at(tue(13, 0)), ClockState::Warning { threshold: 90 }, "due instant itself is not yet a breach");
    assert_eq!(state_at(tue(13, 1)), ClockState::Breached { at: tue(13, 0) });
    let late = clock(&a, &events, tue(14, 0), TargetKind::Resolution);
    assert_eq!((late.remaining, late.breached_at, late.counting), (Some(Duration::hours(-1)), Some(tue(13, 0)), true));
    assert!((late.share.unwrap() - 1.25).abs() < 1e-9);
}

#[test]
fn a_deadline_at_closing_time_is_breached_after_hours() {
    let a = ror();
    let events = [received(tue(11, 30), "Høy")]; // 4 h: due at closing time 15:30
    let evening = clock(&a, &events, tue(18, 0), TargetKind::Resolution);
    assert_eq!(evening.due, Some(tue(15, 30)));
    assert_eq!(evening.state, ClockState::Breached { at: tue(15, 30) });
    assert_eq!(evening.closed_until, Some(wed(8, 0)), "the board can say: closed until 08:00");
    let on_time = [received(tue(11, 30), "Høy"), ev(tue(15, 30), EventKind::Resolved)];
    assert_eq!(clock(&a, &on_time, tue(18, 0), TargetKind::Resolution).state, ClockState::Met { at: tue(15, 30) });
}

#[test]
fn responses_and_workarounds_stop_clocks_and_next_due_moves_on() {
    let a = ror();
    let events = [
        received(tue(9, 0), "Kritisk"),
        ev(tue(9, 10), EventKind::Responded),
        ev(tue(10, 30), EventKind::WorkaroundEstablished),
    ];
    let before_workaround = compute_clocks(&a, &events[..2], tue(9, 30)).unwrap();
    assert_eq!(before_workaround.clock(TargetKind::Response).unwrap().state, ClockState::Met { at: tue(9, 10) });
    assert_eq!(before_workaround.next_due().unwrap().kind, TargetKind::Resolution);
    let after = compute_clocks(&a, &events, tue(12, 0)).unwrap();
    assert_eq!(after.clock(TargetKind::Resolution).unwrap().state, ClockState::Met { at: tue(10, 30) });
    assert_eq!(after.next_due(), None);
    // Middels does not stop on a workaround [ROR §5.6].
    let middels = [received(tue(9, 0), "Middels"), ev(tue(10, 0), EventKind::WorkaroundEstablished)];
    assert!(clock(&a, &middels, tue(11, 0), TargetKind::Resolution).counting);
}

#[test]
fn pausing_needs_a_reason_the_agreement_allows() {
    let error = compute_clocks(&ror(), &[received(tue(9, 0), "Høy"), pause(tue(10, 0))], tue(11, 0)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "pausing for 'venter på innmelder' is not allowed by agreement ROR-IKT (allowed reasons: none)"
    );
    let a = ror_with_pauses();
    let other = ev(tue(10, 0), EventKind::Paused { reason: "lunsj".into() });
    let error = compute_clocks(&a, &[received(tue(9, 0), "Høy"), other], tue(11, 0)).unwrap_err();
    assert!(error.to_string().contains("(allowed reasons: venter på innmelder)"));
    let twice = [received(tue(9, 0), "Høy"), pause(tue(10, 0)), pause(tue(10, 5))];
    assert!(matches!(compute_clocks(&a, &twice, tue(11, 0)), Err(ClockError::AlreadyPaused { .. })));
    let resume_only = [received(tue(9, 0), "Høy"), ev(tue(10, 0), EventKind::Resumed)];
    assert!(matches!(compute_clocks(&a, &resume_only, tue(11, 0)), Err(ClockError::NotPaused { .. })));
}

#[test]
fn paused_time_is_not_counted() {
    let a = ror_with_pauses();
    let events = [received(tue(9, 0), "Høy"), pause(tue(10, 0)), ev(tue(14, 0), EventKind::Resumed)];
    let during = compute_clocks(&a, &events[..2], tue(12, 0)).unwrap();
    let paused = during.clock(TargetKind::Resolution).unwrap();
    assert_eq!((paused.state, paused.due, paused.elapsed), (ClockState::Paused, None, Duration::hours(1)));
    assert!(!paused.counting && during.paused.is_some());
    assert_eq!(during.next_due(), None);
    let resumed = clock(&a, &events, tue(14, 0), TargetKind::Resolution);
    // 1 h used before the pause; 3 h left from 14:00: 1.5 h today, 1.5 h tomorrow.
    assert_eq!(resumed.due, Some(wed(9, 30)));
}

#[test]
fn a_priority_change_keeps_elapsed_time_and_records_the_due_before_and_after() {
    let a = ror_with_pauses();
    let events = [
        received(tue(9, 0), "Høy"),
        pause(tue(10, 0)),
        ev(tue(14, 0), EventKind::Resumed),
        priority(tue(14, 30), "Kritisk"),
    ];
    let c = clock(&a, &events, tue(14, 30), TargetKind::Resolution);
    // Elapsed 1 h + 0.5 h (the four paused hours are not lost into elapsed time).
    assert_eq!((c.elapsed, c.budget), (Duration::minutes(90), Some(Duration::hours(2))));
    assert_eq!((c.due, c.state), (Some(tue(15, 0)), ClockState::Warning { threshold: 75 }));
    let change = c.history.last().unwrap();
    assert_eq!((change.from_priority.as_deref(), change.to_priority.as_str()), (Some("Høy"), "Kritisk"));
    // Before: 2.5 h left at 14:30 under Høy: 1 h today, 1.5 h tomorrow.
    assert_eq!((change.due_before, change.due_after), (Some(wed(9, 30)), Some(tue(15, 0))));
    // The same change made while paused: no due while paused, elapsed still 1 h.
    let while_paused = [received(tue(9, 0), "Høy"), pause(tue(10, 0)), priority(tue(12, 0), "Kritisk")];
    let p = clock(&a, &while_paused, tue(12, 0), TargetKind::Resolution);
    assert_eq!((p.elapsed, p.due, p.state), (Duration::hours(1), None, ClockState::Paused));
    let resumed = [while_paused.to_vec(), vec![ev(tue(13, 0), EventKind::Resumed)]].concat();
    assert_eq!(clock(&a, &resumed, tue(13, 0), TargetKind::Resolution).due, Some(tue(14, 0)));
}

#[test]
fn raising_the_priority_past_its_target_breaches_at_the_change() {
    let a = ror();
    let events = [received(tue(9, 0), "Høy"), priority(tue(12, 0), "Kritisk")];
    let c = clock(&a, &events, tue(12, 1), TargetKind::Resolution);
    assert_eq!(c.history.last().unwrap().due_after, Some(tue(12, 0)));
    assert_eq!(c.state, ClockState::Breached { at: tue(12, 0) });
}

#[test]
fn a_breach_is_not_undone_by_lowering_the_priority() {
    let a = ror();
    let events = [received(tue(9, 0), "Kritisk"), priority(tue(11, 30), "Høy")];
    let c = clock(&a, &events, tue(11, 45), TargetKind::Resolution);
    assert_eq!(c.state, ClockState::Breached { at: tue(11, 0) });
    assert_eq!(c.history.last().unwrap().due_after, Some(tue(13, 0)));
    assert_eq!(c.due, Some(tue(13, 0)), "the new target's due is still shown");
}

#[test]
fn a_reopen_restarts_resolution_keeping_the_time_before() {
    let a = ror();
    let events = [received(tue(9, 0), "Høy"), ev(tue(10, 0), EventKind::Resolved), ev(wed(9, 0), EventKind::Reopened)];
    let c = clock(&a, &events, wed(10, 0), TargetKind::Resolution);
    assert_eq!(
        (c.elapsed, c.due, c.state),
        (Duration::hours(2), Some(wed(12, 0)), ClockState::Warning { threshold: 50 })
    );
    let again = [events.to_vec(), vec![ev(wed(11, 0), EventKind::Resolved)]].concat();
    assert_eq!(clock(&a, &again, wed(13, 0), TargetKind::Resolution).state, ClockState::Met { at: wed(11, 0) });
    assert_eq!(clock(&a, &events, wed(10, 0), TargetKind::Response).state, ClockState::Met { at: tue(10, 0) });
}

#[test]
fn altinn_a_resolution_and_feedback() {
    let a = Agreement::from_toml(ALTINN).unwrap();
    let night = |h| oslo(2024, 10, 23, h, 0);
    let events = [
        received(tue(22, 0), "A"),
        ev(night(1), EventKind::SolutionDescribed),
        ev(night(2), EventKind::SupplierClosed),
    ];
    let clocks = compute_clocks(&a, &events, night(2)).unwrap();
    assert_eq!(clocks.clock(TargetKind::Resolution).unwrap().state, ClockState::Met { at: night(1) });
    let feedback = clocks.clock(TargetKind::Feedback).unwrap();
    assert_eq!((feedback.due, feedback.state), (Some(night(3)), ClockState::Running));
    assert_eq!(
        clock(&a, &events, oslo(2024, 10, 23, 3, 30), TargetKind::Feedback).state,
        ClockState::Breached { at: night(3) }
    );
    let given = [events.to_vec(), vec![ev(oslo(2024, 10, 23, 2, 45), EventKind::FeedbackGiven)]].concat();
    assert_eq!(
        clock(&a, &given, night(9), TargetKind::Feedback).state,
        ClockState::Met { at: oslo(2024, 10, 23, 2, 45) }
    );
    // Before the supplier closes, the feedback clock has not started.
    let open = compute_clocks(&a, &events[..1], tue(23, 0)).unwrap();
    assert_eq!(open.clock(TargetKind::Feedback).unwrap().state, ClockState::NotStarted);
    // A "received 4 h 50 min ago" A shows 10 minutes left [digest R-17].
    assert_eq!(
        clock(&a, &events[..1], oslo(2024, 10, 23, 2, 50), TargetKind::Resolution).remaining,
        Some(Duration::minutes(10))
    );
}

#[test]
fn altinn_b_reported_outside_opening_hours_counts_from_the_next_opening() {
    let a = Agreement::from_toml(ALTINN).unwrap();
    let saturday = oslo(2024, 10, 26, 10, 0);
    let c = clock(&a, &[received(saturday, "B")], saturday, TargetKind::Resolution);
    assert_eq!(c.due, Some(oslo(2024, 10, 29, 8, 15)));
    assert_eq!(c.closed_until, Some(oslo(2024, 10, 28, 8, 0)));
}

#[test]
fn altinn_c_may_be_deprioritised_only_after_a_workaround() {
    let a = Agreement::from_toml(ALTINN).unwrap();
    let without = [received(tue(9, 0), "C"), ev(tue(10, 0), EventKind::Deprioritised)];
    assert_eq!(compute_clocks(&a, &without, tue(11, 0)).unwrap_err(), ClockError::DeprioritiseWithoutWorkaround);
    let with = [
        received(tue(9, 0), "C"),
        ev(tue(9, 30), EventKind::WorkaroundEstablished),
        ev(tue(10, 0), EventKind::Deprioritised),
    ];
    let clocks = compute_clocks(&a, &with, oslo(2024, 11, 5, 12, 0)).unwrap();
    let c = clocks.clock(TargetKind::Resolution).unwrap();
    assert_eq!((c.state, c.counting), (ClockState::Deprioritised { at: tue(10, 0) }, false));
    assert_eq!(clocks.next_due(), None);
    let on_a = [
        received(tue(9, 0), "A"),
        ev(tue(9, 30), EventKind::WorkaroundEstablished),
        ev(tue(10, 0), EventKind::Deprioritised),
    ];
    let error = compute_clocks(&a, &on_a, tue(11, 0)).unwrap_err();
    assert_eq!(error.to_string(), "no running target of priority 'A' in agreement ALTINN may be deprioritised");
}

#[test]
fn ror_replan_is_recorded_and_the_original_breach_stays() {
    let a = ror();
    let new_due = oslo(2024, 10, 30, 12, 0);
    let replan = ev(
        tue(12, 0),
        EventKind::Replanned {
            target: TargetKind::Resolution,
            new_due,
            counterpart: "systemeier".into(),
            reason: "tredjepartsleverandør".into(),
        },
    );
    let events = [received(tue(9, 0), "Kritisk"), ev(tue(9, 5), EventKind::Responded), replan];
    let clocks = compute_clocks(&a, &events, tue(13, 0)).unwrap();
    let c = clocks.clock(TargetKind::Resolution).unwrap();
    assert_eq!(c.state, ClockState::Breached { at: tue(11, 0) });
    assert_eq!(c.replan.as_ref().unwrap().counterpart, "systemeier");
    let next = clocks.next_due().unwrap();
    assert_eq!((next.due, next.replanned), (new_due, true));
    let altinn = Agreement::from_toml(ALTINN).unwrap();
    let refused = [received(tue(9, 0), "B"), events[2].clone()];
    assert!(matches!(compute_clocks(&altinn, &refused, tue(13, 0)), Err(ClockError::ReplanNotAllowed { .. })));
}

#[test]
fn a_priority_set_after_receipt_counts_from_receipt() {
    let a = ror();
    let unset = [ev(tue(9, 0), EventKind::Received { priority: None })];
    let none = compute_clocks(&a, &unset, tue(9, 2)).unwrap();
    assert!(none.clocks.is_empty() && none.next_due().is_none());
    let set = [unset[0].clone(), priority(tue(9, 5), "Kritisk")];
    let c = clock(&a, &set, tue(9, 5), TargetKind::Response);
    assert_eq!((c.due, c.elapsed), (Some(tue(9, 15)), Duration::minutes(5)));
    assert_eq!(c.history[0].from_priority, None);
}

#[test]
fn tranemo_intefunktion_received_on_a_holiday() {
    let a = Agreement::from_toml(TRANEMO).unwrap();
    let sthlm = |d, h, m| {
        chrono_tz::Europe::Stockholm.with_ymd_and_hms(2024, 5, d, h, m, 0).single().unwrap().with_timezone(&Utc)
    };
    let events = [received(sthlm(9, 10, 0), "intefunktion")]; // Kristi himmelsfärdsdag
    let on_the_holiday = clock(&a, &events, sthlm(9, 12, 0), TargetKind::Resolution);
    assert_eq!(on_the_holiday.elapsed, Duration::zero());
    assert_eq!(on_the_holiday.closed_until, Some(sthlm(10, 7, 30)));
    assert_eq!(on_the_holiday.due, Some(sthlm(10, 16, 0)));
    assert_eq!(clock(&a, &events, sthlm(10, 8, 30), TargetKind::Resolution).elapsed, Duration::hours(1));
    assert!(compute_clocks(&a, &[received(sthlm(9, 10, 0), "övrigt")], sthlm(9, 12, 0)).unwrap().clocks.is_empty());
}

#[test]
fn stockholm_pending_priorities_have_no_clocks() {
    let a = Agreement::from_toml(STOCKHOLM).unwrap();
    let clocks = compute_clocks(&a, &[received(tue(9, 0), "P1")], tue(12, 0)).unwrap();
    assert!(clocks.clocks.is_empty() && clocks.next_due().is_none());
    assert!(matches!(deadline(&a, "P1", TargetKind::Resolution, tue(9, 0)), Err(ClockError::NoTarget { .. })));
}

#[test]
fn closing_stops_every_clock_and_the_log_order_is_by_time() {
    let a = ror();
    let events = [ev(tue(9, 10), EventKind::Closed), received(tue(9, 0), "Kritisk")];
    let clocks = compute_clocks(&a, &events, tue(12, 0)).unwrap();
    assert!(clocks.clocks.iter().all(|c| c.state == ClockState::Met { at: tue(9, 10) }));
    let no_receipt = [ev(tue(9, 0), EventKind::Responded)];
    assert_eq!(compute_clocks(&a, &no_receipt, tue(9, 0)).unwrap_err(), ClockError::NotReceived);
    let twice = [received(tue(9, 0), "Lav"), received(tue(9, 1), "Lav")];
    assert!(matches!(compute_clocks(&a, &twice, tue(9, 2)), Err(ClockError::ReceivedTwice { .. })));
    let unknown = [received(tue(9, 0), "Lav"), priority(tue(9, 1), "Akutt")];
    assert!(compute_clocks(&a, &unknown, tue(9, 2)).unwrap_err().to_string().starts_with("unknown priority 'Akutt'"));
}

#[test]
fn what_if_shows_the_deadline_an_action_would_give() {
    let a = ror();
    let events = [received(tue(9, 0), "Lav"), ev(tue(9, 5), EventKind::Responded)];
    let change = what_if(&a, &events, priority(tue(10, 0), "Kritisk"), tue(10, 0)).unwrap();
    assert_eq!(change.before.clock(TargetKind::Resolution).unwrap().due, Some(oslo(2024, 10, 29, 9, 0)));
    assert_eq!(change.after.clock(TargetKind::Resolution).unwrap().due, Some(tue(11, 0)));
    assert_eq!(change.after.next_due().unwrap().due, tue(11, 0));
    // Without a response, the 15-minute Kritisk response target is already used up at the change.
    let unanswered = what_if(&a, &events[..1], priority(tue(10, 0), "Kritisk"), tue(10, 1)).unwrap();
    let next = unanswered.after.next_due().unwrap();
    assert_eq!(
        (next.kind, next.due, next.state),
        (TargetKind::Response, tue(10, 0), ClockState::Breached { at: tue(10, 0) })
    );
    let refused = what_if(&a, &events, pause(tue(10, 0)), tue(10, 0));
    assert!(matches!(refused, Err(ClockError::PauseNotAllowed { .. })));
}

#[test]
fn the_fast_path_gives_the_same_due_instant_as_the_replay() {
    let start = Utc.with_ymd_and_hms(2025, 12, 20, 0, 0, 0).unwrap();
    let mut compared = 0;
    for text in [ROR, ALTINN, STOCKHOLM, TRANEMO] {
        let agreement = Agreement::from_toml(text).unwrap();
        for priority in agreement.priorities() {
            for kind in TargetKind::ALL {
                // Every 7 h 13 min for a year: all hours of the day, weekends, holidays, both DST changes.
                for step in 0..1_215 {
                    let received = start + Duration::minutes(433 * step);
                    let fast = due_at_reception(&agreement, priority, kind, received).unwrap();
                    let replayed = deadline(&agreement, &priority.label, kind, received).ok().and_then(|r| r.due);
                    assert_eq!(fast, replayed, "{} {} {kind:?} received {received}", agreement.code(), priority.label);
                    compared += usize::from(fast.is_some());
                }
            }
        }
    }
    assert!(compared > 10_000, "most combinations have a deadline: {compared}");
}
