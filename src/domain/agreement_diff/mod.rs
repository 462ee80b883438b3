//! What changes between two agreement versions, field by field and in words ("priority A resolution target:
//! 5 h → 4 h"), for `vakt agreement diff` and the admin screen.
//!
//! Both specs are walked as the same plain tree the TOML describes. Lists of named things (priorities, targets,
//! calendars, services, …) are matched by their code, label or kind rather than by position, so reordering is not
//! a change and a new priority is one "added" line instead of a line per field. A target's amount and unit are
//! read together ("4 h").

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::domain::agreement::spec::AgreementSpec;

/// What happened to one field or one named thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference, readable on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where, in words: "priority A resolution target", "calendar servicedesk hours mon-fri".
    pub what: String,
    pub kind: ChangeKind,
    /// The value in the old version (`None` when it was not set, or the thing did not exist).
    pub before: Option<String>,
    /// The value in the new version (`None` when it is no longer set, or the thing was removed).
    pub after: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".into());
        match self.kind {
            ChangeKind::Added if self.after.is_none() => write!(f, "{} added", self.what),
            ChangeKind::Removed if self.before.is_none() => write!(f, "{} removed", self.what),
            _ => write!(f, "{}: {} → {}", self.what, shown(&self.before), shown(&self.after)),
        }
    }
}

/// Every difference from `before` to `after`: lists in the new version's order, fields of a thing by name (removed
/// things last).
pub fn diff(before: &AgreementSpec, after: &AgreementSpec) -> Vec<Change> {
    let old = Flat::of(before);
    let new = Flat::of(after);
    let mut changes = Vec::new();
    // A named thing that exists on one side only is one line; its fields are not listed.
    let added: Vec<&str> = new.things.iter().filter(|t| !old.things.contains(t)).map(String::as_str).collect();
    let removed: Vec<&str> = old.things.iter().filter(|t| !new.things.contains(t)).map(String::as_str).collect();
    let inside = |path: &str, things: &[&str]| things.iter().any(|t| path != *t && path.starts_with(&format!("{t} ")));
    for thing in &new.things {
        if added.contains(&thing.as_str()) && !inside(thing, &added) {
            changes.push(Change { what: thing.clone(), kind: ChangeKind::Added, before: None, after: None });
        }
    }
    for (path, value) in &new.leaves {
        if inside(path, &added) || added.contains(&path.as_str()) {
            continue;
        }
        match old.get(path) {
            Some(previous) if previous == value => {}
            previous => changes.push(Change {
                what: path.clone(),
                kind: if previous.is_some() { ChangeKind::Changed } else { ChangeKind::Added },
                before: previous.cloned(),
                after: Some(value.clone()),
            }),
        }
    }
    for (path, value) in &old.leaves {
        if inside(path, &removed) || removed.contains(&path.as_str()) || new.get(path).is_some() {
            continue;
        }
        changes.push(Change {
            what: path.clone(),
            kind: ChangeKind::Removed,
            before: Some(value.clone()),
            after: None,
        });
    }
    for thing in &old.things {
        if removed.contains(&thing.as_str()) && !inside(thing, &removed) {
            changes.push(Change { what: thing.clone(), kind: ChangeKind::Removed, before: None, after: None });
        }
    }
    changes
}

/// A spec as (path in words, value in words) leaves, plus the paths of the named things in it.
struct Flat {
    leaves: Vec<(String, String)>,
    index: HashMap<String, usize>,
    things: Vec<String>,
}

impl Flat {
    fn of(spec: &AgreementSpec) -> Flat {
        let mut flat = Flat { leaves: Vec::new(), index: HashMap::new(), things: Vec::new() };
        // Serialising our own plain data does not fail; an empty tree would only show everything as added.
        let tree = serde_json::to_value(spec).unwrap_or(Value::Null);
        flat.walk("", &tree);
        flat
    }

    fn get(&self, path: &str) -> Option<&String> {
        self.index.get(path).and_then(|&i| self.leaves.get(i)).map(|(_, v)| v)
    }

    fn leaf(&mut self, path: &str, value: String) {
        let path = if path.is_empty() { "agreement".to_string() } else { path.to_string() };
        // Two leaves at one path (a list without names) keep the first; a later one gets a number.
        let path = if self.index.contains_key(&path) { format!("{path} ({})", self.leaves.len() + 1) } else { path };
        self.index.insert(path.clone(), self.leaves.len());
        self.leaves.push((path, value));
    }

    fn walk(&mut self, path: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Object(fields) => {
                if let (Some(amount), Some(unit)) = (fields.get("amount"), fields.get("unit")) {
                    self.leaf(path, amount_in_words(amount, unit));
                }
                for (key, field) in fields {
                    if matches!(key.as_str(), "amount" | "unit") && fields.contains_key("amount") {
                        continue;
                    }
                    if let Value::Array(items) = field
                        && items.iter().all(Value::is_object)
                        && !items.is_empty()
                    {
                        self.walk_named(path, key, items);
                    } else {
                        self.walk(&join(path, &words(key)), field);
                    }
                }
            }
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().map(scalar).collect();
                self.leaf(path, if parts.is_empty() { "none".into() } else { parts.join(", ") });
            }
            other => self.leaf(path, scalar(other)),
        }
    }

    /// A list of objects, each matched by its name.
    fn walk_named(&mut self, path: &str, key: &str, items: &[Value]) {
        for (n, item) in items.iter().enumerate() {
            let name = name_of(item).unwrap_or_else(|| format!("#{}", n + 1));
            let thing = join(path, &element(key, &name));
            let thing = if self.things.contains(&thing) { format!("{thing} #{}", n + 1) } else { thing };
            self.things.push(thing.clone());
            self.walk(&thing, item);
        }
    }
}

/// The field that names an element of a list, in order of preference.
fn name_of(item: &Value) -> Option<String> {
    ["code", "label", "services", "name", "from", "kinds", "kind"].iter().find_map(|key| match item.get(key)? {
        Value::Array(parts) => Some(parts.iter().map(scalar).collect::<Vec<_>>().join("+")),
        Value::Null => None,
        other => Some(scalar(other)),
    })
}

/// "priority A", "resolution target", "calendar servicedesk".
fn element(list: &str, name: &str) -> String {
    match list {
        "priorities" => format!("priority {name}"),
        "targets" => format!("{name} target"),
        "calendars" => format!("calendar {name}"),
        "services" => format!("service {name}"),
        "organisations" => format!("organisation {name}"),
        "availability" => format!("availability target for {name}"),
        "seasons" => format!("season {name}"),
        "overrides" => format!("override from {name}"),
        "extra" => format!("closed day {name}"),
        "maintenance_approvals" => format!("approval of {name}"),
        other => format!("{} {name}", words(other)),
    }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() { segment.to_string() } else { format!("{path} {segment}") }
}

fn words(key: &str) -> String {
    key.replace('_', " ")
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => "(not set)".into(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// "4 h", "30 min", "2 working days", "10 days".
fn amount_in_words(amount: &Value, unit: &Value) -> String {
    let amount = scalar(amount);
    let unit = match unit.as_str().unwrap_or_default() {
        "minutes" => "min".to_string(),
        "hours" => "h".to_string(),
        "working_days" if amount == "1" => "working day".to_string(),
        "days" if amount == "1" => "day".to_string(),
        other => words(other),
    };
    format!("{amount} {unit}")
}
