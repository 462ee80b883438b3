//! Demo data from the seed agreements: their services, staff with fictional names for every role, a year of
//! plausible incident history and a handful of open incidents; or, for benchmarks, as many services and
//! incidents as asked. Pure and deterministic: the same plan and seed give the same data.

pub mod catalog;

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::domain::agreement::spec::TargetKind;
use crate::domain::agreement::{Agreement, AgreementError};
use crate::domain::incident::{Channel, Status, SupportLine};
use crate::domain::sla;
use crate::domain::sla::event_log::EventData;

/// The four seed agreements as shipped in `agreements/`.
pub const SEED_AGREEMENTS: [(&str, &str); 4] = [
    ("agreements/altinn.toml", include_str!("../../agreements/altinn.toml")),
    ("agreements/ror-ikt.toml", include_str!("../../agreements/ror-ikt.toml")),
    ("agreements/stockholm.toml", include_str!("../../agreements/stockholm.toml")),
    ("agreements/tranemo-ulricehamn.toml", include_str!("../../agreements/tranemo-ulricehamn.toml")),
];

/// Parses the shipped agreements; each comes back with its TOML text, which is stored verbatim.
pub fn seed_agreements() -> Result<Vec<(Agreement, &'static str)>, AgreementError> {
    SEED_AGREEMENTS.iter().map(|(_, text)| Ok((Agreement::from_toml(text)?, *text))).collect()
}

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub now: DateTime<Utc>,
    /// Resolved and closed incidents spread over the history.
    pub history: usize,
    pub history_days: i64,
    /// Open incidents, received in the last few days.
    pub open: usize,
    /// Generated services added to the seed ones (benchmarks).
    pub extra_services: usize,
    pub seed: u64,
}

impl Plan {
    /// The demo a newcomer sees: a year of history and a dozen open incidents.
    pub fn demo(now: DateTime<Utc>) -> Plan {
        let now = to_microseconds(now);
        Plan { now, history: 1_500, history_days: 365, open: 12, extra_services: 0, seed: 2026 }
    }

    /// Benchmark data: `incidents` in all, 1 % of them open (at least 10), over five years.
    pub fn bench(now: DateTime<Utc>, incidents: usize, services: usize) -> Plan {
        let now = to_microseconds(now);
        let open = (incidents / 100).max(10).min(incidents);
        Plan { now, history: incidents - open, history_days: 5 * 365, open, extra_services: services, seed: 7 }
    }
}

/// A small, fast, deterministic generator (SplitMix64). Hand-written: demo data needs no cryptographic
/// quality, and a fixed algorithm keeps the data identical across library versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated service for benchmarks: (code, name, owner organisation code, agreement index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraService {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub agreement: usize,
}

/// Services added to the seed ones, spread over the agreements.
/// PostgreSQL keeps microseconds: generated instants must too, or the clocks stored as JSON (nanoseconds)
/// would differ from the same clocks recomputed from the stored history.
fn to_microseconds(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    at.trunc_subsecs(6)
}

pub fn extra_services(agreements: &[Agreement], count: usize) -> Vec<ExtraService> {
    (0..count)
        .map(|n| {
            let agreement = n % agreements.len();
            let spec = agreements[agreement].spec();
            let owner = spec.organisations.get(n % spec.organisations.len().max(1)).map(|o| o.code.clone());
            ExtraService {
                code: format!("{}-S{n:04}", spec.code),
                name: format!("Tjeneste {n:04}"),
                owner: owner.unwrap_or_default(),
                agreement,
            }
        })
        .collect()
}

/// One event of a generated incident.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedEvent {
    pub at: DateTime<Utc>,
    pub kind: &'static str,
    pub actor: String,
    pub data: EventData,
}

/// One generated incident with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedIncident {
    pub agreement: usize,
    pub service: String,
    pub priority: Option<String>,
    pub title: String,
    pub description: String,
    pub reporter: String,
    pub channel: Channel,
    pub line: Option<SupportLine>,
    pub assignee: Option<&'static str>,
    pub status: Status,
    pub security: bool,
    pub workaround: bool,
    pub received_at: DateTime<Utc>,
    pub events: Vec<SeedEvent>,
}

/// Generates incidents one at a time, so a million never sit in memory together.
pub struct Generator<'a> {
    plan: Plan,
    agreements: &'a [Agreement],
    /// (service code, agreement index) for every service.
    services: Vec<(String, usize)>,
    rng: Rng,
    produced: usize,
}

impl<'a> Generator<'a> {
    pub fn new(plan: Plan, agreements: &'a [Agreement], extra: &[ExtraService]) -> Self {
        let mut services: Vec<(String, usize)> = agreements
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.spec().services.iter().map(move |s| (s.code.clone(), i)))
            .collect();
        services.extend(extra.iter().map(|s| (s.code.clone(), s.agreement)));
        Generator { plan, agreements, services, rng: Rng::new(plan.seed), produced: 0 }
    }

    fn total(&self) -> usize {
        self.plan.history + self.plan.open
    }

    fn incident(&mut self, open: bool) -> SeedIncident {
        // The open queue starts with each agreement's most severe priority, then any; history follows a
        // realistic mix (most are low).
        let open_index = self.produced.saturating_sub(self.plan.history + 1);
        let (service, agreement_index) = if open && open_index < self.agreements.len() {
            let of_agreement: Vec<&(String, usize)> = self.services.iter().filter(|(_, a)| *a == open_index).collect();
            (*self.rng.pick(&of_agreement)).clone()
        } else {
            self.services[self.rng.below(self.services.len())].clone()
        };
        let agreement = &self.agreements[agreement_index];
        let swedish = agreement.zone().name().contains("Stockholm");
        let priorities = agreement.priorities();
        let rank = match (open, open_index < self.agreements.len()) {
            (true, true) => 1,
            (true, false) => 1 + self.rng.below(priorities.len()),
            (false, _) => pick_rank(&mut self.rng, priorities.len()),
        };
        let priority = priorities[rank - 1].label.clone();
        let severity = catalog::Severity::of_rank(rank, priorities.len());
        let title = self.rng.pick(catalog::titles(&service, severity)).to_string();
        let reporter = self.rng.pick(if swedish { catalog::REPORTERS_SE } else { catalog::REPORTERS_NO }).to_string();
        let received_at =
            if open { self.open_received(agreement, &priority) } else { self.history_received(agreement) };
        let channel =
            *self.rng.pick(&[Channel::Web, Channel::Web, Channel::Email, Channel::Phone, Channel::Monitoring]);
        let assignee = *self.rng.pick(catalog::RESOLVERS);
        let mut incident = SeedIncident {
            agreement: agreement_index,
            service,
            priority: Some(priority.clone()),
            description: catalog::description(&title, &reporter, swedish, severity),
            title,
            reporter,
            channel,
            line: Some(*self.rng.pick(&[
                SupportLine::First,
                SupportLine::Second,
                SupportLine::Second,
                SupportLine::Third,
            ])),
            assignee: Some(assignee),
            status: Status::New,
            security: false,
            workaround: false,
            received_at,
            events: Vec::new(),
        };
        self.history(&mut incident, agreement, open);
        incident
    }

    /// Received mostly within working hours, anywhere in the history period.
    fn history_received(&mut self, agreement: &Agreement) -> DateTime<Utc> {
        // At least a month back, so even a late low-priority case has finished before now.
        let days_back = self.rng.between(30.0, self.plan.history_days as f64);
        let base = self.plan.now - Duration::seconds((days_back * 86_400.0) as i64);
        let local = base.with_timezone(&agreement.zone());
        let hour = if self.rng.chance(0.8) { 7 + self.rng.below(9) as u32 } else { self.rng.below(24) as u32 };
        local
            .with_hour(hour)
            .and_then(|t| t.with_minute(self.rng.below(60) as u32))
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(base)
    }

    /// Open incidents are received so that their clocks have used a spread of their budget.
    fn open_received(&mut self, agreement: &Agreement, priority: &str) -> DateTime<Utc> {
        let share = self.rng.between(0.05, 1.25);
        let budget = sla::deadline(agreement, priority, TargetKind::Resolution, self.plan.now)
            .ok()
            .and_then(|clock| clock.due)
            .map(|due| due - self.plan.now)
            .unwrap_or_else(|| Duration::hours(30));
        self.plan.now - Duration::seconds((budget.num_seconds() as f64 * share) as i64).max(Duration::minutes(3))
    }

    fn history(&mut self, incident: &mut SeedIncident, agreement: &Agreement, open: bool) {
        let received = incident.received_at;
        let priority = incident.priority.clone().unwrap_or_default();
        let reporter_actor = "kari".to_string();
        let assignee = incident.assignee.unwrap_or("kari").to_string();
        let mut events = vec![SeedEvent {
            at: received,
            kind: "received",
            actor: reporter_actor,
            data: EventData { priority: Some(priority.clone()), ..EventData::default() },
        }];
        let due = |kind: TargetKind| {
            sla::deadline(agreement, &priority, kind, received).ok().and_then(|c| c.due).map(|d| d - received)
        };
        let response_span = due(TargetKind::Response).unwrap_or(Duration::minutes(45));
        let resolution_span = due(TargetKind::Resolution).unwrap_or(Duration::hours(20));
        let late = |rng: &mut Rng, p: f64| if rng.chance(p) { rng.between(1.05, 2.2) } else { rng.between(0.05, 0.95) };
        let responded = received + scale(response_span, late(&mut self.rng, 0.06));
        let resolved = received + scale(resolution_span, late(&mut self.rng, 0.09)).max(responded - received);
        let line = incident.line.map(|l| l.as_str().to_string());
        let steps: Vec<(DateTime<Utc>, &'static str, EventData)> = vec![
            (responded, "responded", EventData::default()),
            (
                responded + Duration::minutes(2),
                "assigned",
                EventData { assignee: Some(assignee.clone()), line, ..EventData::default() },
            ),
        ];
        let mut timeline = steps;
        let altinn = agreement.code() == "ALTINN";
        if self.rng.chance(0.2) && resolved - received > Duration::hours(1) {
            timeline.push((received + (resolved - received) / 2, "workaround_established", EventData::default()));
            incident.workaround = true;
        }
        if altinn {
            timeline.push((resolved, "solution_described", EventData::default()));
            let closed_by_supplier = resolved + Duration::minutes(10 + self.rng.below(40) as i64);
            timeline.push((closed_by_supplier, "supplier_closed", EventData::default()));
            let feedback = closed_by_supplier + scale(Duration::hours(1), late(&mut self.rng, 0.07));
            timeline.push((
                feedback,
                "feedback_given",
                EventData {
                    channel: Some("email".into()),
                    text: Some("Løst; se saken for detaljer.".into()),
                    ..EventData::default()
                },
            ));
            timeline.push((feedback + Duration::minutes(1), "resolved", EventData::default()));
        } else {
            timeline.push((resolved, "resolved", EventData::default()));
        }
        let closed =
            timeline.last().map_or(resolved, |(at, _, _)| *at) + Duration::hours(1 + self.rng.below(48) as i64);
        timeline.push((closed, "closed", EventData::default()));

        timeline.sort_by_key(|(at, _, _)| *at);
        let now = self.plan.now;
        // An open incident is still being worked: it stops before anything that would finish it, and one in five
        // has not even been answered yet.
        let untouched = open && self.rng.chance(0.2);
        for (at, kind, data) in timeline {
            let finishing =
                matches!(kind, "solution_described" | "supplier_closed" | "feedback_given" | "resolved" | "closed");
            if open && (at >= now || finishing || untouched) {
                break;
            }
            events.push(SeedEvent { at, kind, actor: assignee.clone(), data });
        }
        incident.status = status_after(&events);
        if incident.status == Status::New {
            incident.assignee = None;
            incident.line = None;
        }
        incident.workaround = events.iter().any(|e| e.kind == "workaround_established");
        incident.events = events;
    }
}

impl Iterator for Generator<'_> {
    type Item = SeedIncident;

    fn next(&mut self) -> Option<SeedIncident> {
        if self.produced >= self.total() {
            return None;
        }
        let open = self.produced >= self.plan.history;
        self.produced += 1;
        let mut incident = self.incident(open);
        // The first open incident is Altinn's most severe: flagged as a suspected security incident, so the demo
        // shows the restricted text and the clocks to the authorities.
        if open && self.produced == self.plan.history + 1 && incident.agreement == 0 {
            incident.security = true;
            // Flagged soon after it came in: the regulatory clocks count from the flag.
            let at = incident.received_at + Duration::minutes(5);
            let actor = incident.events.first().map_or_else(|| "kari".to_string(), |e| e.actor.clone());
            incident.events.push(SeedEvent { at, kind: "security_flagged", actor, data: EventData::default() });
            incident.events.sort_by_key(|e| e.at);
        }
        Some(incident)
    }
}

/// Rank 1 is rare, the lowest ranks common.
fn pick_rank(rng: &mut Rng, levels: usize) -> usize {
    let weights: Vec<f64> = (1..=levels).map(|r| r as f64 * r as f64).collect();
    let total: f64 = weights.iter().sum();
    let mut x = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i + 1;
        }
        x -= w;
    }
    levels
}

fn scale(span: Duration, factor: f64) -> Duration {
    Duration::seconds((span.num_seconds() as f64 * factor) as i64).max(Duration::minutes(1))
}

fn status_after(events: &[SeedEvent]) -> Status {
    match events.last().map(|e| e.kind) {
        Some("closed") => Status::Closed,
        Some("resolved") => Status::Resolved,
        Some("received") => Status::New,
        Some("responded") => Status::Acknowledged,
        _ => Status::InProgress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
    }

    #[test]
    fn the_seed_agreements_parse() {
        let agreements = seed_agreements().unwrap();
        let codes: Vec<&str> = agreements.iter().map(|(a, _)| a.code()).collect();
        assert_eq!(codes, ["ALTINN", "ROR-IKT", "STHLM-SD", "TU-IT"]);
    }

    #[test]
    fn the_demo_is_deterministic_and_plausible() {
        let agreements: Vec<Agreement> = seed_agreements().unwrap().into_iter().map(|(a, _)| a).collect();
        let plan = Plan::demo(now());
        let first: Vec<SeedIncident> = Generator::new(plan, &agreements, &[]).collect();
        let again: Vec<SeedIncident> = Generator::new(plan, &agreements, &[]).collect();
        assert_eq!(first, again);
        assert_eq!(first.len(), plan.history + plan.open);
        let open: Vec<_> = first.iter().filter(|i| i.status.is_open()).collect();
        assert_eq!(open.len(), plan.open, "history is closed, the last ones are open");
        let flagged: Vec<_> = first.iter().filter(|i| i.security).collect();
        assert_eq!(flagged.len(), 1, "one suspected security incident");
        assert!(flagged[0].status.is_open() && flagged[0].agreement == 0, "open, under Altinn: {:?}", flagged[0]);
        assert!(flagged[0].events.iter().any(|e| e.kind == "security_flagged"));
        for incident in &first {
            assert_eq!(incident.events[0].kind, "received");
            assert!(incident.events.windows(2).all(|w| w[0].at <= w[1].at), "events in order");
            assert!(incident.events.iter().all(|e| e.at <= now()), "nothing in the future");
            assert!(incident.received_at >= now() - Duration::days(366));
        }
        for agreement in ["ALTINN", "ROR-IKT", "STHLM-SD", "TU-IT"] {
            let index = agreements.iter().position(|a| a.code() == agreement).unwrap();
            assert!(first.iter().filter(|i| i.agreement == index).count() > 50, "{agreement} has history");
        }
    }

    #[test]
    fn bench_plans_add_services_and_keep_one_percent_open() {
        let agreements: Vec<Agreement> = seed_agreements().unwrap().into_iter().map(|(a, _)| a).collect();
        let extra = extra_services(&agreements, 40);
        assert_eq!(extra.len(), 40);
        assert!(extra.iter().all(|s| !s.owner.is_empty()));
        let plan = Plan::bench(now(), 5_000, 40);
        assert_eq!((plan.history, plan.open), (4_950, 50));
        let generated: Vec<_> = Generator::new(plan, &agreements, &extra).collect();
        assert!(generated.iter().any(|i| i.service.contains("-S0")), "extra services are used");
    }
}
