//! SLA engine benchmark (`cargo bench --bench sla`, `harness = false`): deadline computations per
//! second on the seed calendars for typical targets, and the time to recompute the clocks of
//! 10,000 open incidents. Plain `std::time::Instant`; results are printed, never asserted.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use vakt::domain::agreement::{Agreement, TargetKind};
use vakt::domain::calendar::BusinessCalendar;
use vakt::domain::sla::{EventKind, IncidentEvent, compute_clocks, deadline, due_at_reception};

const ALTINN: &str = include_str!("../agreements/altinn.toml");
const ROR: &str = include_str!("../agreements/ror-ikt.toml");
const STOCKHOLM: &str = include_str!("../agreements/stockholm.toml");
const TRANEMO: &str = include_str!("../agreements/tranemo-ulricehamn.toml");

/// A small deterministic generator, so every run measures the same work.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn load(text: &str) -> Agreement {
    match Agreement::from_toml(text) {
        Ok(a) => a,
        Err(e) => panic!("seed agreement does not load: {e}"),
    }
}

/// Start instants spread over 2024–2026 to the second (all hours, all days, DST changes included).
fn starts(rng: &mut Lcg, n: usize) -> Vec<DateTime<Utc>> {
    let base = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap_or_default();
    (0..n).map(|_| base + Duration::seconds(i64::try_from(rng.below(3 * 365 * 86_400)).unwrap_or(0))).collect()
}

fn per_second(count: usize, seconds: f64) -> String {
    format!("{:>12.0}/s  {:>7.1} ns/op", count as f64 / seconds, seconds * 1e9 / count as f64)
}

fn bench_deadlines(name: &str, calendar: &BusinessCalendar, instants: &[DateTime<Utc>], targets: &[Duration]) {
    const N: usize = 2_000_000;
    let mask = instants.len() - 1;
    // Warm up caches and the zone table.
    for i in 0..10_000 {
        let _ = black_box(calendar.add_business(instants[i & mask], targets[i % targets.len()]));
    }
    let t = Instant::now();
    let mut last = None;
    for i in 0..N {
        last = calendar.add_business(black_box(instants[i & mask]), black_box(targets[i % targets.len()])).ok();
    }
    black_box(last);
    let add = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut total = Duration::zero();
    for i in 0..N {
        let a = instants[i & mask];
        total += calendar.business_duration(black_box(a), black_box(a + targets[i % targets.len()] * 2));
    }
    black_box(total);
    let measure = t.elapsed().as_secs_f64();
    println!("  {name:<34} add_business {}   business_duration {}", per_second(N, add), per_second(N, measure));
}

/// 10,000 open incidents over the seed agreements, received in the ten days before `now`.
fn open_incidents(agreements: &[Agreement], rng: &mut Lcg, now: DateTime<Utc>) -> Vec<(usize, Vec<IncidentEvent>)> {
    (0..10_000)
        .map(|_| {
            let which = usize::try_from(rng.below(agreements.len() as u64)).unwrap_or(0);
            let agreement = &agreements[which];
            let labels: Vec<&str> = agreement.priorities().iter().map(|p| p.label.as_str()).collect();
            let label = labels[usize::try_from(rng.below(labels.len() as u64)).unwrap_or(0)];
            let received = now - Duration::seconds(i64::try_from(rng.below(10 * 86_400)).unwrap_or(0));
            let mut events =
                vec![IncidentEvent::new(received, EventKind::Received { priority: Some(label.to_string()) })];
            let later = |rng: &mut Lcg, from: DateTime<Utc>| {
                from + Duration::seconds(
                    i64::try_from(rng.below((now - from).num_seconds().max(1) as u64)).unwrap_or(0),
                )
            };
            let mut at = received;
            if rng.below(2) == 0 {
                at = later(rng, at);
                events.push(IncidentEvent::new(at, EventKind::Responded));
            }
            if rng.below(4) == 0 {
                at = later(rng, at);
                let other = labels[usize::try_from(rng.below(labels.len() as u64)).unwrap_or(0)];
                events.push(IncidentEvent::new(at, EventKind::PriorityChanged { to: other.to_string() }));
            }
            if rng.below(8) == 0 {
                at = later(rng, at);
                events.push(IncidentEvent::new(at, EventKind::SolutionDescribed));
                events.push(IncidentEvent::new(later(rng, at), EventKind::SupplierClosed));
            }
            (which, events)
        })
        .collect()
}

fn main() {
    let agreements: Vec<Agreement> = [ROR, ALTINN, TRANEMO, STOCKHOLM].into_iter().map(load).collect();
    let (ror, altinn, tu) = (&agreements[0], &agreements[1], &agreements[2]);
    let mut rng = Lcg(0x5eed);
    let instants = starts(&mut rng, 4096);
    let minutes = |m: i64| Duration::minutes(m);
    // Typical targets: 15 min, 1 h, 2 h, 3 h, 4 h, 8 h, 3 and 5 ROR working days (7.5 h each).
    let typical = [15, 60, 120, 180, 240, 480, 3 * 450, 5 * 450].map(minutes);

    println!("deadline computations on the seed calendars (2,000,000 each, starts over 2024-2026):");
    bench_deadlines("ROR kundeservice (Mon-Fri 08-15:30)", ror.support_calendar(), &instants, &typical);
    bench_deadlines("Altinn servicedesk (+ summer season)", altinn.support_calendar(), &instants, &typical);
    bench_deadlines("TU it-support (SE + de facto days)", tu.support_calendar(), &instants, &typical);
    let day_and_night = altinn.calendar("24x7").unwrap_or(altinn.support_calendar());
    bench_deadlines("Altinn 24x7 (fast path)", day_and_night, &instants, &typical);

    println!("full target deadlines via sla::deadline (priority lookup, budget rule, clock):");
    let cases: [(&Agreement, &str, TargetKind); 4] = [
        (ror, "Høy", TargetKind::Resolution),
        (ror, "Lav", TargetKind::Resolution),
        (altinn, "C", TargetKind::Resolution),
        (tu, "intefunktion", TargetKind::Resolution),
    ];
    for (agreement, label, kind) in cases {
        const N: usize = 200_000;
        let t = Instant::now();
        for i in 0..N {
            let _ = black_box(deadline(agreement, label, kind, black_box(instants[i & 4095])));
        }
        let secs = t.elapsed().as_secs_f64();
        println!("  {:<34} {}", format!("{} {label} {kind}", agreement.code()), per_second(N, secs));
    }
    println!("the same targets via sla::due_at_reception (no event replay; priority resolved once):");
    for (agreement, label, kind) in cases {
        const N: usize = 2_000_000;
        let Ok(priority) = agreement.priority(label) else { continue };
        let t = Instant::now();
        for i in 0..N {
            let _ = black_box(due_at_reception(agreement, priority, kind, black_box(instants[i & 4095])));
        }
        let secs = t.elapsed().as_secs_f64();
        println!("  {:<34} {}", format!("{} {label} {kind}", agreement.code()), per_second(N, secs));
    }

    let now = Utc.with_ymd_and_hms(2025, 3, 12, 9, 0, 0).single().unwrap_or_default();
    let incidents = open_incidents(&agreements, &mut rng, now);
    let events: usize = incidents.iter().map(|(_, e)| e.len()).sum();
    let mut runs = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let mut counting = 0usize;
        for (which, log) in &incidents {
            if let Ok(clocks) = compute_clocks(&agreements[*which], black_box(log), now) {
                counting += usize::from(clocks.next_due().is_some());
            }
        }
        black_box(counting);
        runs.push(t.elapsed().as_secs_f64() * 1e3);
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "recompute clocks + next_due of 10,000 open incidents ({events} events): min {:.2} ms, median {:.2} ms (7 runs)",
        runs[0], runs[3]
    );

    maintenance_expansion();
}

/// Issue 10's budget: materialising ten years of Tranemo/Ulricehamn's primary window series ≤ 10 ms.
fn maintenance_expansion() {
    use vakt::domain::maintenance::series::Series;
    use vakt::domain::maintenance::{Impact, WindowKind};
    let series = Series {
        services: vec!["TRA-EPOST".into()],
        kind: WindowKind::Primary,
        impact: Impact::Unavailable,
        zone: chrono_tz::Europe::Stockholm,
        start: chrono::NaiveDate::from_ymd_opt(2027, 1, 19).and_then(|d| d.and_hms_opt(18, 0, 0)).unwrap_or_default(),
        length: Duration::hours(4),
        rule: Some("FREQ=MONTHLY;BYDAY=3TU".into()),
        cancelled: Vec::new(),
        moved: Vec::new(),
    };
    let from = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).single().unwrap_or_default();
    let to = Utc.with_ymd_and_hms(2037, 1, 1, 0, 0, 0).single().unwrap_or_default();
    let mut runs = Vec::new();
    let mut count = 0;
    for _ in 0..101 {
        let t = Instant::now();
        count = black_box(series.occurrences(black_box(from), to)).map_or(0, |o| o.len());
        runs.push(t.elapsed().as_secs_f64() * 1e3);
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "maintenance: ten years of the TU primary series ({count} windows): median {:.3} ms, p99 {:.3} ms, max {:.3} ms (101 runs; budget 10 ms)",
        runs[50], runs[99], runs[100]
    );
}
