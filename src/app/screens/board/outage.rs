//! The outage an incident caused, recorded from the board or the incident view (`O`): which service, from when
//! (the incident's reception unless told otherwise) and until when (empty while it lasts), unavailable or
//! degraded, and an exclusion reason where the agreement names them (ROR-IKT).

use chrono::{DateTime, Utc};

use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field, Values};
use crate::app::model::{ActionTarget, WriteError};
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::calendar::wall_clock;

/// The exclusion choice that means the outage counts.
const COUNTS: &str = "counts";

pub fn start(state: &mut State, target: ActionTarget) -> Vec<Effect> {
    let row = state.screens.board.queue.find(target.id);
    let local = |t: DateTime<Utc>| t.with_timezone(&state.zone).format("%Y-%m-%d %H:%M").to_string();
    let service = row.map(|r| r.service.code.clone()).unwrap_or_default();
    let start = row.map(|r| local(r.received_at)).unwrap_or_default();
    let reasons: Vec<String> = state
        .agreements
        .values()
        .filter(|a| row.is_some_and(|r| r.service.agreement == a.code()))
        .flat_map(|a| a.spec().availability.iter().filter(|t| t.services.contains(&service)))
        .flat_map(|t| t.exclusion_reasons.iter().cloned())
        .collect();
    let mut exclusions = vec![ChoiceOption::new(COUNTS, "— none: it counts", "")];
    exclusions.extend(reasons.iter().map(|r| ChoiceOption::new(r, r, "the agreement does not count it")));
    let fields = vec![
        Field::line("service (code)", &service, true).named("service"),
        Field::line("from (YYYY-MM-DD HH:MM, your time)", &start, true).named("from"),
        Field::line("until (YYYY-MM-DD HH:MM; empty while it lasts)", "", false).named("until"),
        Field::choice(
            "impact",
            vec![ChoiceOption::new("unavailable", "unavailable", ""), ChoiceOption::new("degraded", "degraded", "")],
            0,
        ),
        Field::choice("exclusion", exclusions, 0),
        Field::line("note", "", false),
    ];
    let title = format!("Outage caused by {}", target.reference);
    crate::app::forms::open(state, FormPurpose::Outage(target), title, fields);
    Vec::new()
}

pub fn submit(state: &mut State, target: &ActionTarget, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let values = Values::of(&form.fields);
    let at = |name: &str, label: &str| {
        wall_clock::parse_minute(&values.text(name), state.zone).map_err(|e| format!("{label}: {e}"))
    };
    let built = (|| {
        let start = at("from", "from")?;
        let end = match values.optional("until") {
            Some(_) => Some(at("until", "until")?),
            None => None,
        };
        if end.is_some_and(|end| end <= start) {
            return Err("the outage ends after it starts".to_string());
        }
        Ok(DbCommand::RecordOutage {
            incident: target.reference.clone(),
            service: values.text("service").trim().to_uppercase(),
            start,
            end,
            degraded: values.text("impact") == "degraded",
            exclusion: values.optional("exclusion").filter(|e| e != COUNTS),
            note: values.text("note"),
        })
    })();
    match built {
        Ok(command) => crate::app::forms::send(state, Effect::Db(command), now),
        Err(message) => {
            if let Some(Overlay::Form(form)) = &mut state.overlay {
                form.error = Some(message);
            }
            Vec::new()
        }
    }
}

pub fn recorded(state: &mut State, result: Result<String, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    match result {
        Ok(what) => {
            let effects = crate::app::forms::succeeded(state);
            state.inform(what, now);
            effects
        }
        Err(error) => {
            crate::app::forms::failed(state, error.message().to_string(), now);
            Vec::new()
        }
    }
}
