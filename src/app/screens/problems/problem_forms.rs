//! The forms of the problems register: a new problem, a change to one (typed over the version read, so a change
//! made meanwhile is refused as a conflict rather than overwritten), and linking an incident with or without the
//! problem's workaround.

use chrono::{DateTime, Utc};

use super::RegisterForm;
use super::data::{ProblemFields, RegisterWrite};
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field, Values};
use crate::app::state::{FormPurpose, State};
use crate::domain::problem::ProblemState;

fn states(current: ProblemState) -> (Vec<ChoiceOption>, usize) {
    let all = [
        (ProblemState::Open, "cause not known yet"),
        (ProblemState::KnownError, "root cause or workaround known: suggested when incidents are registered"),
        (ProblemState::Resolved, "the root cause is removed (needs the root cause)"),
        (ProblemState::Closed, "final"),
    ];
    let options = all.iter().map(|(s, hint)| ChoiceOption::new(s.as_str(), s.label(), *hint)).collect();
    (options, all.iter().position(|(s, _)| *s == current).unwrap_or(0))
}

fn fields(fields: &ProblemFields) -> Vec<Field> {
    let (options, selected) = states(fields.state);
    vec![
        Field::line("title", &fields.title, true).named("title"),
        Field::line("services (codes, comma between)", &fields.services.join(", "), false).named("services"),
        Field::choice("state", options, selected).named("state"),
        Field::area("description", &fields.description, false).named("description"),
        Field::area("root cause", &fields.root_cause, false).named("root_cause"),
        Field::area("workaround", &fields.workaround, false).named("workaround"),
    ]
}

/// `n`: a new problem (a known error when its workaround is known).
pub fn new_problem(state: &mut State) {
    let empty = ProblemFields {
        title: String::new(),
        services: Vec::new(),
        description: String::new(),
        root_cause: String::new(),
        workaround: String::new(),
        state: ProblemState::Open,
    };
    let purpose = FormPurpose::Register(RegisterForm::NewProblem);
    crate::app::forms::open(state, purpose, "A new problem or known error".into(), fields(&empty));
}

/// `e`: the open problem's fields in a form (Enter reads it first).
pub fn edit_problem(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(view) = state.screens.problems.open_problem().cloned() else {
        let reference = state.screens.problems.selected_problem().map(|p| p.reference.clone());
        return match reference {
            Some(reference) => {
                state.inform(format!("reading {reference} … press e again when it shows"), now);
                state.screens.problems.open = Some((reference.clone(), None));
                vec![Effect::Db(DbCommand::LoadProblem { reference })]
            }
            None => {
                state.warn("select a problem first", now);
                Vec::new()
            }
        };
    };
    let current = ProblemFields {
        title: view.line.title.clone(),
        services: view.line.services.clone(),
        description: view.description.clone(),
        root_cause: view.root_cause.clone(),
        workaround: view.workaround.clone(),
        state: view.line.state,
    };
    let reference = view.line.reference.clone();
    let purpose =
        FormPurpose::Register(RegisterForm::EditProblem { reference: reference.clone(), version: view.line.version });
    crate::app::forms::open(state, purpose, format!("Change {reference}"), fields(&current));
    Vec::new()
}

/// `l`: link an incident to the selected problem, applying its workaround by default when it has one.
pub fn link(state: &mut State, now: DateTime<Utc>) {
    let Some(problem) = state.screens.problems.selected_problem() else {
        state.warn("select a problem first", now);
        return;
    };
    let (reference, has_workaround) = (problem.reference.clone(), problem.has_workaround);
    let mut apply = vec![
        ChoiceOption::new("yes", "yes", "recorded on the incident as \"workaround in place\": its clocks follow"),
        ChoiceOption::new("no", "no", "link only"),
    ];
    if !has_workaround {
        apply.reverse();
    }
    let fields = vec![
        Field::line("incident (INC-…)", "INC-", true).named("incident"),
        Field::choice("apply its workaround", apply, 0).named("apply"),
    ];
    let title = format!("Link an incident to {reference}");
    crate::app::forms::open(state, FormPurpose::Register(RegisterForm::Link { problem: reference }), title, fields);
}

/// The write a sent problem form asks for, or what is wrong with it (said in the form).
pub fn write(form: RegisterForm, values: &Values) -> Result<RegisterWrite, String> {
    let problem_fields = || -> Result<ProblemFields, String> {
        let state: ProblemState = values.text("state").parse().map_err(|_| "choose a state".to_string())?;
        let services = values
            .text("services")
            .split([',', ' '])
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty())
            .collect();
        Ok(ProblemFields {
            title: values.text("title").trim().to_string(),
            services,
            description: values.text("description"),
            root_cause: values.text("root_cause"),
            workaround: values.text("workaround"),
            state,
        })
    };
    match form {
        RegisterForm::NewProblem => Ok(RegisterWrite::NewProblem(problem_fields()?)),
        RegisterForm::EditProblem { reference, version } => {
            Ok(RegisterWrite::EditProblem { reference, version, fields: problem_fields()? })
        }
        RegisterForm::Link { problem } => {
            let incident = values.text("incident").trim().to_uppercase();
            if incident.strip_prefix("INC-").is_none_or(|n| n.parse::<u64>().is_err()) {
                return Err(format!("'{incident}' is not an incident reference: write INC- and its number"));
            }
            Ok(RegisterWrite::LinkIncident { problem, incident, apply_workaround: values.text("apply") == "yes" })
        }
        other => Err(format!("not a problem form: {other:?}")),
    }
}
