//! The stakeholder status update: the four fields Stockholm requires of every event report (§3.3.8.1: what
//! happened, cause, when it is expected to be fixed, any workaround), all required; and the header every
//! rendering of it shares.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::locale::{Lang, local_time};
use super::model::{MajorIncident, MajorState};

/// The longest text accepted in one field, in characters.
pub const MAX_FIELD_CHARS: usize = 2000;

/// When the incident is expected to be resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eta {
    /// At an instant.
    At(DateTime<Utc>),
    /// Not known yet, in words ("ikke kjent – ny vurdering kl. 14:30").
    Unknown(String),
}

impl Eta {
    /// Whether free text was meant as a date ("2026-13-45 25:00"): such text must parse, not be sent as words.
    pub fn looks_like_a_date(text: &str) -> bool {
        let text = text.trim().as_bytes();
        text.len() >= 5 && text[..4].iter().all(u8::is_ascii_digit) && text[4] == b'-'
    }
}

/// A status update as the MIM writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// What happened (and what users notice).
    pub what_happened: String,
    /// The cause, or what is known of it.
    pub cause: String,
    /// The expected resolution time.
    pub expected_resolution: Eta,
    /// The workaround, or "none".
    pub workaround: String,
}

/// A status update that cannot be sent as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// Required fields are empty.
    #[error(
        "the status update is missing: {fields} (all four fields are required: what happened, cause, expected \
         resolution time and workaround; write \"unknown\" or \"none\" where that is the honest answer)"
    )]
    Missing {
        /// The empty fields, comma-separated.
        fields: String,
    },
    /// The expected resolution time is already past.
    #[error("the expected resolution time {at} has already passed: give a later time, or say it is not known yet")]
    EtaPassed {
        /// The time as shown to the user.
        at: String,
    },
    /// A field is too long.
    #[error("'{field}' is {chars} characters long; shorten it to at most {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length.
        chars: usize,
        /// The limit.
        max: usize,
    },
}

impl StatusUpdate {
    /// Checks that all four fields are filled in, not too long, and that a stated resolution time is not
    /// already past at `now` (shown in `zone`).
    pub fn validate(&self, now: DateTime<Utc>, zone: Tz) -> Result<(), UpdateError> {
        let eta_text = match &self.expected_resolution {
            Eta::At(_) => "-",
            Eta::Unknown(text) => text.as_str(),
        };
        let fields = [
            ("what happened", self.what_happened.as_str()),
            ("cause", self.cause.as_str()),
            ("expected resolution time", eta_text),
            ("workaround", self.workaround.as_str()),
        ];
        let missing: Vec<&str> = fields.iter().filter(|(_, v)| v.trim().is_empty()).map(|(name, _)| *name).collect();
        if !missing.is_empty() {
            return Err(UpdateError::Missing { fields: missing.join(", ") });
        }
        for (field, value) in fields {
            let chars = value.chars().count();
            if chars > MAX_FIELD_CHARS {
                return Err(UpdateError::TooLong { field, chars, max: MAX_FIELD_CHARS });
            }
        }
        if let Eta::At(at) = self.expected_resolution
            && at < now
        {
            return Err(UpdateError::EtaPassed { at: local_time(at, zone) });
        }
        Ok(())
    }
}

/// What every rendering of an update shows besides the four fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHeader {
    /// The incident's reference.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// The agreement's code.
    pub agreement: String,
    /// The priority label.
    pub priority: String,
    /// The state.
    pub state: MajorState,
    /// Affected service codes.
    pub services: Vec<String>,
    /// Affected organisation codes.
    pub organisations: Vec<String>,
    /// Whether this is an exercise.
    pub exercise: bool,
    /// The update's number (1 for the first).
    pub sequence: u32,
    /// When it is sent.
    pub sent_at: DateTime<Utc>,
    /// When the next update is due, if a cadence applies.
    pub next_update: Option<DateTime<Utc>>,
    /// Language and zone for words and times.
    pub lang: Lang,
    /// The zone times are shown in.
    pub zone: Tz,
}

impl MessageHeader {
    /// The header for update number `sequence` of `major`.
    pub fn for_major(
        major: &MajorIncident,
        sequence: u32,
        sent_at: DateTime<Utc>,
        next_update: Option<DateTime<Utc>>,
        lang: Lang,
        zone: Tz,
    ) -> Self {
        let d = &major.declaration;
        Self {
            reference: d.reference.clone(),
            title: d.title.clone(),
            agreement: d.agreement.clone(),
            priority: d.priority.clone(),
            state: major.state,
            services: d.services.clone(),
            organisations: d.organisations.clone(),
            exercise: d.exercise,
            sequence,
            sent_at,
            next_update,
            lang,
            zone,
        }
    }

    /// The state in words.
    pub fn state_word(&self) -> &'static str {
        self.lang.words().states[self.state.index()]
    }

    /// The expected resolution in words and local time.
    pub fn eta_text(&self, eta: &Eta) -> String {
        match eta {
            Eta::At(at) => local_time(*at, self.zone),
            Eta::Unknown(text) => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_date_is_not_taken_for_words() {
        assert!(Eta::looks_like_a_date("2026-13-45 25:00"));
        assert!(Eta::looks_like_a_date(" 2026-11-24 14:30"));
        assert!(!Eta::looks_like_a_date("ikke kjent – ny vurdering kl. 14:30"));
        assert!(!Eta::looks_like_a_date("2026"));
    }

    fn update() -> StatusUpdate {
        StatusUpdate {
            what_happened: "Innlogging feiler".to_string(),
            cause: "Under utredning".to_string(),
            expected_resolution: Eta::Unknown("ikke kjent".to_string()),
            workaround: "Ingen".to_string(),
        }
    }

    #[test]
    fn every_field_is_required_and_named_when_missing() {
        let now: DateTime<Utc> = "2026-03-02T13:00:00Z".parse().unwrap();
        let oslo = chrono_tz::Europe::Oslo;
        assert_eq!(update().validate(now, oslo), Ok(()));
        let mut u = update();
        u.cause = "  ".to_string();
        u.workaround.clear();
        let err = u.validate(now, oslo).unwrap_err();
        assert_eq!(err, UpdateError::Missing { fields: "cause, workaround".to_string() });
        assert!(err.to_string().starts_with("the status update is missing: cause, workaround (all four"));
        let mut u = update();
        u.expected_resolution = Eta::Unknown(String::new());
        u.what_happened.clear();
        assert_eq!(
            u.validate(now, oslo),
            Err(UpdateError::Missing { fields: "what happened, expected resolution time".to_string() })
        );
        let mut u = update();
        u.expected_resolution = Eta::At("2026-03-02T12:59:00Z".parse().unwrap());
        assert_eq!(
            u.validate(now, oslo).unwrap_err().to_string(),
            "the expected resolution time 2026-03-02 13:59 has already passed: give a later time, or say it is \
             not known yet"
        );
        u.expected_resolution = Eta::At(now);
        assert_eq!(u.validate(now, oslo), Ok(()));
        let mut u = update();
        u.cause = "x".repeat(MAX_FIELD_CHARS + 1);
        assert!(matches!(u.validate(now, oslo), Err(UpdateError::TooLong { field: "cause", .. })));
    }
}
