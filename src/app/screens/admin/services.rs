//! The services section's forms: admins add a service (`a`) and change the selected one (`e`). The database checks
//! the owner, agreement and supplier codes and the support lines; a refusal keeps the form with its text.

use chrono::{DateTime, Utc};

use super::data::{AdminWrite, ServiceChange, ServiceLine};
use crate::app::effect::{DbCommand, Effect};
use crate::app::form::{Field, Values};
use crate::app::state::{FormPurpose, Overlay, State};

/// The form's fields, filled from `service` when one is changed.
fn fields(service: Option<&ServiceLine>) -> Vec<Field> {
    let text = |f: fn(&ServiceLine) -> String| service.map(f).unwrap_or_default();
    let mut fields = Vec::new();
    if service.is_none() {
        fields.push(Field::line("code", "", true).named("code"));
    }
    fields.extend([
        Field::line("name", &text(|s| s.name.clone()), true).named("name"),
        Field::line("owner (organisation)", &text(|s| s.owner.clone()), true).named("owner"),
        Field::line("agreement (code)", &text(|s| s.agreement.clone()), true).named("agreement"),
        Field::line("support lines", &text(|s| s.support_lines.join(" ")), false).named("lines"),
        Field::line("supplier (organisation)", &text(|s| s.supplier.clone().unwrap_or_default()), false)
            .named("supplier"),
    ]);
    fields
}

/// `a` in the services section.
pub fn add(state: &mut State) {
    crate::app::forms::open(state, FormPurpose::Service(None), "A new service".into(), fields(None));
}

/// `e` in the services section: the selected service's fields, to change.
pub fn edit(state: &mut State, now: DateTime<Utc>) {
    let Some(service) = state.screens.admin.selected_service() else {
        state.warn("select a service in the services section first (] changes section)", now);
        return;
    };
    let title = format!("Service {} ({})", service.code, service.name);
    let (code, fields) = (service.code.clone(), fields(Some(service)));
    crate::app::forms::open(state, FormPurpose::Service(Some(code)), title, fields);
}

/// The service form was sent: a new service, or every field of the changed one.
pub fn submit(state: &mut State, code: Option<String>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = &state.overlay else { return Vec::new() };
    let values = Values::of(&form.fields);
    let change = |code: String| ServiceChange {
        code,
        name: values.text("name").trim().to_string(),
        owner: values.text("owner").trim().to_string(),
        agreement: values.text("agreement").trim().to_string(),
        // Commas or spaces between the lines, as typed.
        support_lines: values
            .text("lines")
            .split([',', ' '])
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect(),
        supplier: values.optional("supplier").map(|s| s.trim().to_string()),
    };
    let write = match code {
        Some(code) => AdminWrite::EditService(change(code)),
        None => AdminWrite::AddService(change(values.text("code").trim().to_string())),
    };
    crate::app::forms::send(state, Effect::Db(DbCommand::Admin(write)), now)
}
