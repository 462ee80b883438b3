//! The board filter: free text and fields, as typed after `/`.
//!
//! `prio:Kritisk,A org:Molde line:2 mine` — words are ANDed, comma-separated values ORed, a leading `-` negates.
//! Fields: `prio`, `svc`, `org`, `agr`, `status`, `line`, `who`; flags: `mine`, `unassigned`, `breached`,
//! `today` (breached or due before midnight), `major`, `security`, `paused`. Anything else is free text, matched against reference, title, service and
//! organisation. Matching ignores case; text fields match on substrings.

use chrono::{DateTime, Utc};

use crate::app::model::IncidentSummary;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Priority,
    Service,
    Organisation,
    Agreement,
    Status,
    Line,
    Assignee,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Flag {
    Mine,
    Unassigned,
    Breached,
    Today,
    Major,
    Security,
    Paused,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Field(Field, Vec<String>),
    Flag(Flag),
    Text(String),
}

/// A parsed filter. The empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    source: String,
    terms: Vec<(bool, Term)>,
}

/// What a filter needs to know besides the incident.
#[derive(Debug, Clone, Copy)]
pub struct FilterContext<'a> {
    pub me: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// The end of the viewer's day, for `today`.
    pub day_end: DateTime<Utc>,
}

/// A filter word that could not be understood; the filter is not applied and the text is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let mut terms = Vec::new();
        for word in text.split_whitespace() {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, word),
            };
            let term = match word.split_once(':') {
                Some((key, values)) => {
                    let values: Vec<String> =
                        values.split(',').map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty()).collect();
                    if values.is_empty() {
                        return Err(FilterError(format!("'{word}' needs a value after ':'")));
                    }
                    Term::Field(field(key)?, values)
                }
                None => match flag(word) {
                    Some(flag) => Term::Flag(flag),
                    None => Term::Text(word.to_lowercase()),
                },
            };
            terms.push((negated, term));
        }
        Ok(Filter { source: text.trim().to_string(), terms })
    }

    /// The text the filter was parsed from, for the filter line.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the result changes as time passes (`breached`, `today`), so the board refreshes it on the tick.
    pub fn depends_on_time(&self) -> bool {
        self.terms.iter().any(|(_, t)| matches!(t, Term::Flag(Flag::Breached | Flag::Today)))
    }

    pub fn matches(&self, incident: &IncidentSummary, context: &FilterContext) -> bool {
        self.terms.iter().all(|(negated, term)| term_matches(term, incident, context) != *negated)
    }
}

fn field(key: &str) -> Result<Field, FilterError> {
    Ok(match key.to_lowercase().as_str() {
        "prio" | "pri" | "priority" | "p" => Field::Priority,
        "svc" | "service" | "s" => Field::Service,
        "org" | "organisation" | "organization" | "o" => Field::Organisation,
        "agr" | "agreement" | "a" => Field::Agreement,
        "status" | "st" => Field::Status,
        "line" | "l" => Field::Line,
        "who" | "assignee" => Field::Assignee,
        other => {
            return Err(FilterError(format!(
                "unknown filter field '{other}' (use prio, svc, org, agr, status, line, who, or the words mine, \
                 unassigned, breached, today, major, security, paused)"
            )));
        }
    })
}

fn flag(word: &str) -> Option<Flag> {
    Some(match word.to_lowercase().as_str() {
        "mine" => Flag::Mine,
        "unassigned" => Flag::Unassigned,
        "breached" => Flag::Breached,
        "today" => Flag::Today,
        "major" => Flag::Major,
        "security" => Flag::Security,
        "paused" => Flag::Paused,
        _ => return None,
    })
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

fn term_matches(term: &Term, incident: &IncidentSummary, context: &FilterContext) -> bool {
    match term {
        Term::Text(text) => {
            contains(&incident.reference, text)
                || contains(&incident.title, text)
                || contains(&incident.service.code, text)
                || contains(&incident.service.name, text)
                || contains(&incident.service.organisation, text)
        }
        Term::Field(field, values) => values.iter().any(|value| field_matches(field, value, incident)),
        Term::Flag(flag) => match flag {
            Flag::Mine => context.me.is_some_and(|me| incident.assignee.as_ref().is_some_and(|a| a.login == me)),
            Flag::Unassigned => incident.assignee.is_none(),
            Flag::Breached => incident
                .next_due
                .as_ref()
                .is_some_and(|d| d.state == crate::domain::sla::record::DueState::Breached || d.at <= context.now),
            Flag::Today => incident.next_due.as_ref().is_some_and(|d| d.at < context.day_end),
            Flag::Major => incident.flags.major,
            Flag::Security => incident.flags.security,
            Flag::Paused => incident.status == crate::domain::incident::Status::Paused,
        },
    }
}

fn field_matches(field: &Field, value: &str, incident: &IncidentSummary) -> bool {
    match field {
        Field::Priority => incident.priority.as_deref().is_some_and(|p| p.to_lowercase() == value),
        Field::Service => contains(&incident.service.code, value) || contains(&incident.service.name, value),
        Field::Organisation => contains(&incident.service.organisation, value),
        Field::Agreement => contains(&incident.service.agreement, value),
        Field::Status => incident.status.as_str().starts_with(value) || incident.status.label().starts_with(value),
        Field::Line => incident.support_line.is_some_and(|line| {
            let name = line.as_str();
            name == value || name.starts_with(value) || (value == "sup" && name == "supplier")
        }),
        Field::Assignee => incident.assignee.as_ref().is_some_and(|a| contains(&a.name, value) || a.login == value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::{Flags, ServiceRef, StaffRef};
    use crate::domain::incident::{Status, SupportLine};
    use chrono::TimeZone;

    fn incident(
        reference: &str,
        priority: &str,
        org: &str,
        line: Option<SupportLine>,
        who: Option<&str>,
    ) -> IncidentSummary {
        IncidentSummary {
            id: 1,
            reference: reference.into(),
            title: "Helsejournal nede".into(),
            priority: Some(priority.into()),
            priority_rank: Some(1),
            service: ServiceRef {
                code: "HJ".into(),
                name: "Helsejournal".into(),
                organisation: org.into(),
                agreement: "ROR-IKT".into(),
            },
            agreement_version_id: 1,
            status: Status::InProgress,
            support_line: line,
            assignee: who.map(|login| StaffRef { login: login.into(), name: format!("{login} Hansen") }),
            received_at: Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap(),
            next_due: None,
            flags: Flags::default(),
            version: 1,
            master: None,
        }
    }

    fn context() -> FilterContext<'static> {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        FilterContext { me: Some("kari"), now, day_end: now + chrono::Duration::hours(11) }
    }

    #[test]
    fn the_sketch_filter_works() {
        let filter = Filter::parse("prio:Kritisk,A org:Molde line:2 mine").unwrap();
        let ok = incident("INC-1", "Kritisk", "Molde kommune", Some(SupportLine::Second), Some("kari"));
        assert!(filter.matches(&ok, &context()));
        for other in [
            incident("INC-2", "Høy", "Molde kommune", Some(SupportLine::Second), Some("kari")),
            incident("INC-3", "A", "Rauma", Some(SupportLine::Second), Some("kari")),
            incident("INC-4", "A", "Molde", Some(SupportLine::First), Some("kari")),
            incident("INC-5", "A", "Molde", Some(SupportLine::Second), Some("ola")),
            incident("INC-6", "A", "Molde", Some(SupportLine::Second), None),
        ] {
            assert!(!filter.matches(&other, &context()), "{} should not match", other.reference);
        }
    }

    #[test]
    fn free_text_negation_and_flags() {
        let a = incident("INC-10423", "Kritisk", "Molde", None, None);
        assert!(Filter::parse("10423").unwrap().matches(&a, &context()));
        assert!(Filter::parse("helsejournal unassigned").unwrap().matches(&a, &context()));
        assert!(!Filter::parse("-helsejournal").unwrap().matches(&a, &context()));
        assert!(Filter::parse("-mine").unwrap().matches(&a, &context()));
        assert!(Filter::parse("").unwrap().matches(&a, &context()));
        assert!(
            Filter::parse("line:sup")
                .unwrap()
                .matches(&incident("X", "A", "M", Some(SupportLine::Supplier), None), &context())
        );
    }

    #[test]
    fn bad_words_are_explained() {
        let err = Filter::parse("colour:red").unwrap_err();
        assert!(err.to_string().contains("unknown filter field 'colour'"), "{err}");
        assert!(Filter::parse("prio:").is_err());
    }
}
