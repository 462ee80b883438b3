//! The contacts section's forms: a new contact, and a changed one, e.g. an address fixed after a dead letter.

use chrono::{DateTime, Utc};

use super::data::{AdminWrite, ContactChange, ContactLine};
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{ChoiceOption, Field, Values};
use crate::app::state::{FormPurpose, Overlay, State};

fn fields(contact: Option<&ContactLine>) -> Vec<Field> {
    let c = contact.map(|l| &l.contact);
    let text = |value: Option<&str>| value.unwrap_or_default().to_string();
    vec![
        Field::line("organisation (code)", &text(c.map(|c| c.organisation.as_str())), true).named("organisation"),
        Field::line("name", &text(c.map(|c| c.name.as_str())), true).named("name"),
        Field::line("role", &text(c.map(|c| c.role.as_str())), false).named("role"),
        Field::line("e-mail", &text(c.and_then(|c| c.email.as_deref())), false).named("email"),
        Field::line("mobile (for SMS)", &text(c.and_then(|c| c.mobile.as_deref())), false).named("mobile"),
        Field::line("phone", &text(c.and_then(|c| c.phone.as_deref())), false).named("phone"),
    ]
}

/// `a` in the contacts section.
pub fn add(state: &mut State) {
    crate::app::forms::open(state, FormPurpose::Contact(None), "A new contact".into(), fields(None));
}

/// `e` in the contacts section: the selected contact's name, role and channels, to change. A contact with dead
/// letters says how many, so the address can be checked as it is fixed.
pub fn edit(state: &mut State, now: DateTime<Utc>) {
    let Some(line) = state.screens.admin.selected_contact() else {
        state.warn("select a contact first", now);
        return;
    };
    let dead = match line.dead {
        0 => String::new(),
        n => format!(" — {n} message(s) to them are dead-lettered"),
    };
    let title = format!("Contact {} ({}){dead}", line.contact.name, line.contact.organisation);
    let (id, mut fields) = (line.contact.id, fields(Some(line)));
    if line.dead > 0 {
        let choices = vec![
            ChoiceOption::new("yes", "yes", "once the address is fixed, they go to the new one"),
            ChoiceOption::new("no", "no", "they stay dead"),
        ];
        fields.push(Field::choice("send the dead messages again", choices, 0).named("resend"));
    }
    crate::app::forms::open(state, FormPurpose::Contact(Some(id)), title, fields);
}

/// The contact form was sent.
pub fn submit(state: &mut State, id: Option<i64>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let values = Values::of(&form.fields);
    let change = ContactChange {
        organisation: values.text("organisation").trim().to_string(),
        name: values.text("name").trim().to_string(),
        role: values.text("role").trim().to_string(),
        email: values.optional("email"),
        mobile: values.optional("mobile"),
        phone: values.optional("phone"),
        resend_dead: values.text("resend") == "yes",
    };
    let write = match id {
        None => AdminWrite::AddContact(change),
        Some(id) => AdminWrite::EditContact { id, change },
    };
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(write)), now)
}
