//! Forms: a few fields (one-line text, multi-line text in a ratatui-textarea editor, a choice with
//! type-to-filter), focus, validation messages. What a form is for lives in `FormPurpose`; the text typed is
//! never lost: it is kept as a draft until the action succeeds.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::app::command::OverlayKey;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::text;

/// A multi-line editor. Compared by its text, so states stay comparable in tests.
#[derive(Debug, Clone)]
pub struct Editor(pub TextArea<'static>);

impl Editor {
    pub fn new(text: &str) -> Self {
        let lines: Vec<String> =
            if text.is_empty() { vec![String::new()] } else { text.lines().map(String::from).collect() };
        let mut area = TextArea::new(lines);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        Editor(area)
    }

    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }
}

impl PartialEq for Editor {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines()
    }
}

/// One option of a choice: the value submitted, the words shown, and a hint (e.g. a priority's criteria).
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    pub hint: String,
}

impl ChoiceOption {
    pub fn new(value: impl Into<String>, label: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into(), hint: hint.into() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Line(String),
    Area(Box<Editor>),
    Choice { options: Vec<ChoiceOption>, selected: usize, query: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// How the form's code and its drafts find the field; the label unless `named` says otherwise.
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl Field {
    pub fn line(label: &'static str, value: &str, required: bool) -> Self {
        Field { name: label, label, kind: FieldKind::Line(value.to_string()), required }
    }

    pub fn area(label: &'static str, value: &str, required: bool) -> Self {
        Field { name: label, label, kind: FieldKind::Area(Box::new(Editor::new(value))), required }
    }

    pub fn choice(label: &'static str, options: Vec<ChoiceOption>, selected: usize) -> Self {
        Field {
            name: label,
            label,
            kind: FieldKind::Choice { options, selected, query: String::new() },
            required: true,
        }
    }

    /// A short name for a field whose label is long or changes with the agreement.
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// The submitted value: the text, or the selected option's value.
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Line(text) => text.clone(),
            FieldKind::Area(editor) => editor.text(),
            FieldKind::Choice { options, selected, query } => {
                filtered(options, query).get(*selected).map(|o| o.value.clone()).unwrap_or_default()
            }
        }
    }

    /// Text worth keeping as a draft (choices are cheap to pick again).
    pub fn typed(&self) -> Option<String> {
        match &self.kind {
            FieldKind::Line(text) => Some(text.clone()),
            FieldKind::Area(editor) => Some(editor.text()),
            FieldKind::Choice { .. } => None,
        }
    }

    pub fn set_typed(&mut self, value: &str) {
        match &mut self.kind {
            FieldKind::Line(text) => *text = value.to_string(),
            FieldKind::Area(editor) => **editor = Editor::new(value),
            FieldKind::Choice { .. } => {}
        }
    }

    /// Selects the option with this value, if present.
    pub fn select_value(&mut self, value: &str) {
        if let FieldKind::Choice { options, selected, query } = &mut self.kind {
            query.clear();
            if let Some(i) = options.iter().position(|o| o.value == value) {
                *selected = i;
            }
        }
    }
}

/// A submitted form's values, looked up by field name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(BTreeMap<&'static str, String>);

impl Values {
    pub fn of(fields: &[Field]) -> Values {
        Values(fields.iter().map(|f| (f.name, f.value())).collect())
    }

    /// The value as given (empty when the form has no such field).
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// The value, or None when it is empty or blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.0.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }

    /// A yes/no choice.
    pub fn yes(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| v == "yes")
    }
}

/// What was typed into one form, kept until the action succeeds and across restarts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Draft {
    /// By field name.
    ByName(BTreeMap<String, String>),
    /// As an earlier vakt kept drafts: the form's text fields in order.
    ByPosition(Vec<String>),
}

/// Drafts by form (`FormPurpose::draft_key`).
pub type Drafts = BTreeMap<String, Draft>;

impl Draft {
    /// The text typed into the fields, or None when there is nothing worth keeping.
    pub fn of(fields: &[Field]) -> Option<Draft> {
        let typed: BTreeMap<String, String> =
            fields.iter().filter_map(|f| f.typed().map(|t| (f.name.to_string(), t))).collect();
        let worth_keeping = typed.values().any(|t| !t.trim().is_empty() && t != "INC-");
        worth_keeping.then_some(Draft::ByName(typed))
    }

    /// Puts the kept text back into a freshly built form.
    pub fn restore(&self, fields: &mut [Field]) {
        match self {
            Draft::ByName(typed) => {
                for field in fields.iter_mut() {
                    if let Some(value) = typed.get(field.name) {
                        field.set_typed(value);
                    }
                }
            }
            Draft::ByPosition(typed) => {
                let mut typed = typed.iter();
                for field in fields.iter_mut().filter(|f| f.typed().is_some()) {
                    if let Some(value) = typed.next() {
                        field.set_typed(value);
                    }
                }
            }
        }
    }
}

/// The options of a choice that match what was typed (label or value, ignoring case).
pub fn filtered<'a>(options: &'a [ChoiceOption], query: &str) -> Vec<&'a ChoiceOption> {
    let query = query.to_lowercase();
    options
        .iter()
        .filter(|o| {
            query.is_empty() || o.label.to_lowercase().contains(&query) || o.value.to_lowercase().contains(&query)
        })
        .collect()
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// Handled; the form stays.
    Edited,
    /// Only focus or selection moved: nothing typed changed.
    Moved,
    Submit,
    Cancel,
    /// A choice changed (the form may need to update other fields).
    ChoiceChanged,
}

/// A form-wide key from the keymap (`Scope::Form`): submit, cancel, or move between fields.
pub fn apply(fields: &[Field], focus: &mut usize, key: OverlayKey) -> FormKey {
    let count = fields.len().max(1);
    match key {
        OverlayKey::Submit | OverlayKey::Yes => FormKey::Submit,
        OverlayKey::Cancel | OverlayKey::No => FormKey::Cancel,
        OverlayKey::NextField => {
            *focus = (*focus + 1) % count;
            FormKey::Moved
        }
        OverlayKey::PreviousField => {
            *focus = (*focus + count - 1) % count;
            FormKey::Moved
        }
        // The new-incident form handles it before the fields see it (`screens::board::known_errors`).
        OverlayKey::KnownError | OverlayKey::Children => FormKey::Moved,
    }
}

/// Applies a key to the focused field (after the keymap had none for it). Enter submits except inside a
/// multi-line editor.
pub fn on_key(fields: &mut [Field], focus: &mut usize, key: KeyEvent) -> FormKey {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(field) = fields.get_mut(*focus) else {
        return FormKey::Moved;
    };
    match &mut field.kind {
        FieldKind::Line(value) => match key.code {
            KeyCode::Enter => FormKey::Submit,
            KeyCode::Backspace => {
                value.pop();
                FormKey::Edited
            }
            KeyCode::Char('u') if ctrl => {
                value.clear();
                FormKey::Edited
            }
            KeyCode::Char(c) if !ctrl => {
                value.push(c);
                FormKey::Edited
            }
            KeyCode::Down => {
                *focus = (*focus + 1).min(fields.len() - 1);
                FormKey::Moved
            }
            KeyCode::Up => {
                *focus = focus.saturating_sub(1);
                FormKey::Moved
            }
            _ => FormKey::Moved,
        },
        FieldKind::Area(editor) => {
            editor.0.input(key);
            FormKey::Edited
        }
        FieldKind::Choice { options, selected, query } => {
            let count = filtered(options, query).len();
            match key.code {
                KeyCode::Enter => return FormKey::Submit,
                KeyCode::Down => *selected = (*selected + 1).min(count.saturating_sub(1)),
                KeyCode::Up => *selected = selected.saturating_sub(1),
                KeyCode::Backspace => {
                    query.pop();
                    *selected = 0;
                }
                KeyCode::Char(c) if !ctrl => {
                    query.push(c);
                    *selected = 0;
                }
                _ => return FormKey::Moved,
            }
            FormKey::ChoiceChanged
        }
    }
}

/// Pasted text goes into the focused text field as given (it is shown neutralised); a one-line field joins
/// the lines with spaces.
pub fn on_paste(fields: &mut [Field], focus: usize, pasted: &str) {
    match fields.get_mut(focus).map(|f| &mut f.kind) {
        Some(FieldKind::Line(value)) => value.push_str(&pasted.replace("\r\n", " ").replace(['\r', '\n'], " ")),
        Some(FieldKind::Area(editor)) => {
            editor.0.insert_str(pasted);
        }
        Some(FieldKind::Choice { query, selected, .. }) => {
            query.push_str(&text::one_line(pasted));
            *selected = 0;
        }
        None => {}
    }
}

/// The first required field left empty, as a message.
pub fn missing(fields: &[Field]) -> Option<String> {
    fields.iter().find(|f| f.required && f.value().trim().is_empty()).map(|f| format!("{} must not be empty", f.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::from(code)
    }

    #[test]
    fn typing_moving_and_submitting() {
        let mut fields = vec![
            Field::line("title", "", true),
            Field::area("description", "", false),
            Field::choice(
                "channel",
                vec![ChoiceOption::new("web", "web", ""), ChoiceOption::new("phone", "phone", "")],
                0,
            ),
        ];
        let mut focus = 0;
        for c in "SBL nede".chars() {
            assert_eq!(on_key(&mut fields, &mut focus, key(KeyCode::Char(c))), FormKey::Edited);
        }
        assert_eq!(fields[0].value(), "SBL nede");
        apply(&fields, &mut focus, OverlayKey::NextField);
        for c in "line one".chars() {
            on_key(&mut fields, &mut focus, key(KeyCode::Char(c)));
        }
        assert_eq!(on_key(&mut fields, &mut focus, key(KeyCode::Enter)), FormKey::Edited, "Enter is a new line here");
        on_key(&mut fields, &mut focus, key(KeyCode::Char('2')));
        assert_eq!(fields[1].value(), "line one\n2");
        apply(&fields, &mut focus, OverlayKey::NextField);
        on_key(&mut fields, &mut focus, key(KeyCode::Char('p')));
        assert_eq!(fields[2].value(), "phone", "typing filters the choice");
        assert_eq!(apply(&fields, &mut focus, OverlayKey::Submit), FormKey::Submit);
        assert_eq!(apply(&fields, &mut focus, OverlayKey::Cancel), FormKey::Cancel);
        assert_eq!(apply(&fields, &mut focus, OverlayKey::PreviousField), FormKey::Moved);
        assert_eq!(focus, 1);
    }

    #[test]
    fn required_fields_and_pasted_text() {
        let mut fields = vec![Field::line("title", "", true), Field::area("description", "", false)];
        assert_eq!(missing(&fields).as_deref(), Some("title must not be empty"));
        on_paste(&mut fields, 0, "one\ntwo\u{1b}[2J");
        assert_eq!(fields[0].value(), "one two\u{1b}[2J", "a one-line field gets one line, stored as given");
        on_paste(&mut fields, 1, "one\ntwo");
        assert_eq!(fields[1].value(), "one\ntwo", "the editor keeps the text as pasted");
        assert_eq!(missing(&fields), None);
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    #[test]
    fn drafts_are_kept_by_field_name_and_older_positional_drafts_still_come_back() {
        let form = || vec![Field::line("title", "", true), Field::area("description", "", false).named("text")];
        let mut fields = form();
        fields[0].set_typed("SBL nede");
        fields[1].set_typed("alle brukere");
        let draft = Draft::of(&fields).unwrap();
        let json = serde_json::to_string(&draft).unwrap();
        assert_eq!(json, r#"{"text":"alle brukere","title":"SBL nede"}"#);
        let mut fresh = form();
        serde_json::from_str::<Draft>(&json).unwrap().restore(&mut fresh);
        assert_eq!((fresh[0].value(), fresh[1].value()), ("SBL nede".to_string(), "alle brukere".to_string()));
        let old: Draft = serde_json::from_str(r#"["SBL nede", "alle brukere"]"#).unwrap();
        let mut fresh = form();
        old.restore(&mut fresh);
        assert_eq!(fresh[1].value(), "alle brukere");
        assert_eq!(Draft::of(&form()), None, "nothing typed, nothing kept");
        assert!(!Values::of(&fresh).yes("nothing") && Values::of(&fresh).text("title") == "SBL nede");
    }
}
