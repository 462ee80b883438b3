//! The problems tab's keys and answers.

use chrono::{DateTime, Utc};

use super::RegisterForm;
use super::act::ProblemsAct;
use super::data::{NextStep, RegisterData, RegisterSection, RegisterWrite};
use crate::app::command::Screen;
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field, Values};
use crate::app::model::WriteError;
use crate::app::state::{FormPurpose, Overlay, State};
use crate::domain::change_need::NeedPriority;

const READ_ONLY: &str = "change needs are read-only for you: chairs (vakt_chair) and admins handle them";
const PROBLEMS_READ_ONLY: &str = "problems are read-only for you: operators, MIMs and admins work them";

pub fn shown(state: &mut State) -> Vec<Effect> {
    vec![Effect::Db(state.screens.problems.load())]
}

/// A change notice on a table the tab shows.
pub fn changed(state: &mut State) -> Vec<Effect> {
    if state.screen == Screen::Problems { shown(state) } else { Vec::new() }
}

pub fn run(state: &mut State, act: ProblemsAct, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.screen != Screen::Problems {
        state.screen = Screen::Problems;
        effects.extend(shown(state));
    }
    if act != ProblemsAct::Step {
        state.screens.problems.delivering = None;
    }
    let may = state.user.as_ref().is_some_and(|u| act.permitted(&u.rights));
    match act {
        ProblemsAct::NextSection => effects.push(Effect::Db(state.screens.problems.switch(1))),
        ProblemsAct::PreviousSection => effects.push(Effect::Db(state.screens.problems.switch(-1))),
        ProblemsAct::OpenProblem => effects.extend(open_problem(state, now)),
        ProblemsAct::Filter => {
            let words = state.screens.problems.filter.clone();
            let fields = vec![Field::line("words (all must match; empty shows all)", &words, false).named("words")];
            let purpose = FormPurpose::Register(RegisterForm::Filter);
            crate::app::forms::open(
                state,
                purpose,
                format!("Filter {}", state.screens.problems.section.title()),
                fields,
            );
        }
        ProblemsAct::NewProblem | ProblemsAct::EditProblem | ProblemsAct::LinkIncident if !may => {
            state.warn(PROBLEMS_READ_ONLY, now)
        }
        _ if !may => state.warn(READ_ONLY, now),
        ProblemsAct::New => new_need(state),
        ProblemsAct::Step => effects.extend(step(state, now)),
        ProblemsAct::Reject => reject(state, now),
        ProblemsAct::NewProblem => super::problem_forms::new_problem(state),
        ProblemsAct::EditProblem => effects.extend(super::problem_forms::edit_problem(state, now)),
        ProblemsAct::LinkIncident => super::problem_forms::link(state, now),
    }
    effects
}

fn priorities() -> Vec<ChoiceOption> {
    vec![
        ChoiceOption::new("medium", "medium", ""),
        ChoiceOption::new("low", "low", ""),
        ChoiceOption::new("high", "high", "the submitter must say why"),
    ]
}

fn new_need(state: &mut State) {
    let kinds = vec![
        ChoiceOption::new("service_owner", "service owner", ""),
        ChoiceOption::new("system_vendor", "system vendor", ""),
    ];
    let fields = vec![
        Field::line("agreement", "ALTINN", true).named("agreement"),
        Field::line("title", "", true).named("title"),
        Field::area("description", "", true).named("description"),
        Field::choice("submitted by", kinds, 0).named("kind"),
        Field::line("organisation (code)", "", true).named("org"),
        Field::line("contact (name)", "", true).named("contact"),
        Field::choice("requested priority", priorities(), 0).named("priority"),
        Field::area("why high (required for high)", "", false).named("justification"),
    ];
    crate::app::forms::open(state, FormPurpose::Register(RegisterForm::NewNeed), "A new change need".into(), fields);
}

/// Enter: the selected problem in full below the list (read now; Esc closes it).
fn open_problem(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(reference) = state.screens.problems.selected_problem().map(|p| p.reference.clone()) else {
        state.warn("select a problem first", now);
        return Vec::new();
    };
    state.screens.problems.open = Some((reference.clone(), None));
    vec![Effect::Db(DbCommand::LoadProblem { reference })]
}

/// `s`: the selected need's next step in a form; delivery (no text) asks once more instead.
fn step(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(need) = state.screens.problems.selected_need() else {
        state.warn("select a change need first", now);
        return Vec::new();
    };
    let reference = need.reference.clone();
    let Some(next) = need.next_step() else {
        state.warn(format!("{reference} is {}: it takes no more steps", need.state.as_str()), now);
        return Vec::new();
    };
    let fields = match next {
        NextStep::Feedback => vec![Field::area("feedback to the submitter", "", true).named("text")],
        NextStep::Qualify => vec![Field::choice("priority", priorities(), 0).named("priority")],
        NextStep::Analyse => vec![Field::area("analysis", "", true).named("text")],
        NextStep::Plan => vec![
            Field::line("release (name)", "", false).named("label"),
            Field::line("release in the calendar (series id)", "", false).named("series"),
        ],
        NextStep::Deliver => {
            if state.screens.problems.delivering.as_deref() != Some(reference.as_str()) {
                state.inform(format!("Mark {reference} delivered? Press s again."), now);
                state.screens.problems.delivering = Some(reference);
                return Vec::new();
            }
            state.screens.problems.delivering = None;
            let write = RegisterWrite::Deliver { reference };
            return crate::app::forms::send(state, Effect::Db(DbCommand::Register(write)), now);
        }
    };
    let title = format!("{reference}: {}", next.title());
    crate::app::forms::open(state, FormPurpose::Register(RegisterForm::Step { reference, step: next }), title, fields);
    Vec::new()
}

fn reject(state: &mut State, now: DateTime<Utc>) {
    let Some(need) = state.screens.problems.selected_need() else {
        state.warn("select a change need first", now);
        return;
    };
    if need.state.is_closed() {
        state.warn(format!("{} is {} already", need.reference, need.state.as_str()), now);
        return;
    }
    let reference = need.reference.clone();
    let fields = vec![Field::area("why it is rejected", "", true).named("reason")];
    let title = format!("Reject {reference}");
    crate::app::forms::open(state, FormPurpose::Register(RegisterForm::Reject { reference }), title, fields);
}

/// A form of this tab was sent; what the form can tell before the database is said in the form.
pub fn submit(state: &mut State, form: RegisterForm, now: DateTime<Utc>) -> Vec<Effect> {
    if form == RegisterForm::Filter {
        // Nothing to write: the list is filtered here, and the form (with its draft) closes.
        let words = match &state.overlay {
            Some(Overlay::Form(open)) => Values::of(&open.fields).text("words"),
            _ => String::new(),
        };
        state.screens.problems.set_filter(&words);
        return crate::app::forms::succeeded(state);
    }
    let Some(Overlay::Form(open)) = &mut state.overlay else { return Vec::new() };
    let values = Values::of(&open.fields);
    let priority = NeedPriority::parse(&values.text("priority")).unwrap_or(NeedPriority::Medium);
    let write = match form {
        RegisterForm::NewNeed => {
            let justification = values.optional("justification");
            if let Err(why) = crate::domain::change_need::check_justification(priority, justification.as_deref()) {
                open.error = Some(why.replace("give --justification", "say why in the last field"));
                return Vec::new();
            }
            RegisterWrite::NewNeed {
                agreement: values.text("agreement").trim().to_uppercase(),
                title: values.text("title"),
                description: values.text("description"),
                submitter_kind: values.text("kind"),
                submitter_org: values.text("org").trim().to_string(),
                submitter_contact: values.text("contact").trim().to_string(),
                priority,
                justification,
            }
        }
        RegisterForm::Step { reference, step } => {
            match step {
                NextStep::Feedback => RegisterWrite::Feedback { reference, text: values.text("text") },
                NextStep::Qualify => RegisterWrite::Qualify { reference, priority },
                NextStep::Analyse => RegisterWrite::Analyse { reference, text: values.text("text") },
                NextStep::Plan => {
                    let series = match values.optional("series").map(|s| s.trim().parse::<i64>()) {
                        None => None,
                        Some(Ok(id)) if id > 0 => Some(id),
                        Some(_) => {
                            open.error = Some("the release in the calendar is a series id: a number (`vakt maintenance list` shows it)".into());
                            return Vec::new();
                        }
                    };
                    let label = values.optional("label");
                    if label.is_none() && series.is_none() {
                        open.error = Some("name the release, or give its series id in the calendar, or both".into());
                        return Vec::new();
                    }
                    RegisterWrite::Plan { reference, label, series }
                }
                NextStep::Deliver => RegisterWrite::Deliver { reference },
            }
        }
        RegisterForm::Reject { reference } => RegisterWrite::Reject { reference, reason: values.text("reason") },
        RegisterForm::Filter => return Vec::new(),
        RegisterForm::NewProblem | RegisterForm::EditProblem { .. } | RegisterForm::Link { .. } => {
            match super::problem_forms::write(form, &values) {
                Ok(write) => write,
                Err(why) => {
                    open.error = Some(why);
                    return Vec::new();
                }
            }
        }
    };
    crate::app::forms::send(state, Effect::Db(DbCommand::Register(write)), now)
}

pub fn loaded(state: &mut State, section: RegisterSection, rows: Result<RegisterData, String>, now: DateTime<Utc>) {
    if let Err(why) = &rows {
        state.warn(format!("{} could not be read: {why}", section.title().to_lowercase()), now);
    }
    state.screens.problems.loaded(section, rows);
}

/// The database's answer to a change: said in words, and the section read again.
pub fn written(state: &mut State, result: Result<String, WriteError>, now: DateTime<Utc>) -> Vec<Effect> {
    let open = state.screens.problems.open.as_ref().map(|(reference, _)| reference.clone());
    let reload = std::iter::once(state.screens.problems.load())
        .chain(open.map(|reference| DbCommand::LoadProblem { reference }))
        .map(Effect::Db)
        .collect();
    crate::app::forms::answered(state, result, reload, now)
}
