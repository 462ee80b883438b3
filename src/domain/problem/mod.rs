//! Problems and known errors (issue 13; Stockholm's KEDB/WADB): the states a problem goes through and what may follow
//! what, the words a known-error search looks for, and trends over linked incidents. The database holds the same
//! transitions (migration 29); this is where they are named and tested.

pub mod search;
pub mod trends;

use serde::{Deserialize, Serialize};

/// Where a problem is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// Under investigation; the cause is not known yet.
    Open,
    /// Cause or workaround known, not yet removed: what the service desk looks up (KEDB/WADB).
    KnownError,
    /// The root cause is removed.
    Resolved,
    /// Done with; final.
    Closed,
}

impl ProblemState {
    pub const ALL: [ProblemState; 4] =
        [ProblemState::Open, ProblemState::KnownError, ProblemState::Resolved, ProblemState::Closed];

    /// The stored (and scripted) name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemState::Open => "open",
            ProblemState::KnownError => "known_error",
            ProblemState::Resolved => "resolved",
            ProblemState::Closed => "closed",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ProblemState::KnownError => "known error",
            other => other.as_str(),
        }
    }

    /// Whether a problem in this state may go to `next`. A known error may turn out to be something else (back to
    /// open); a resolved problem that recurs is opened again; closed is final.
    pub fn may_become(self, next: ProblemState) -> bool {
        use ProblemState::*;
        matches!(
            (self, next),
            (Open, KnownError | Resolved | Closed) | (KnownError, Open | Resolved | Closed) | (Resolved, Open | Closed)
        )
    }

    /// Still being worked on: open or a known error.
    pub fn is_active(self) -> bool {
        matches!(self, ProblemState::Open | ProblemState::KnownError)
    }
}

impl std::fmt::Display for ProblemState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProblemState {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_lowercase().replace([' ', '-'], "_");
        ProblemState::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| format!("unknown problem state '{text}' (use one of: open, known_error, resolved, closed)"))
    }
}

/// What a problem would look like after an edit, checked before it is sent: the database says the same, but this
/// says it in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFacts<'a> {
    pub state: ProblemState,
    pub root_cause: &'a str,
    pub workaround: &'a str,
}

/// Why a change to a problem is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Checks a state change and what the new state needs: a known error has a root cause or a workaround, a resolved
/// problem its root cause. `from` is `None` for a new problem, which starts open or as a known error.
pub fn check_change(from: Option<ProblemState>, to: &ProblemFacts<'_>) -> Result<(), Refused> {
    match from {
        None if !to.state.is_active() => {
            return Err(Refused(format!("a new problem is open or a known error, not {}", to.state.label())));
        }
        Some(from) if from != to.state && !from.may_become(to.state) => {
            return Err(Refused(format!("a problem that is {} cannot become {}", from.label(), to.state.label())));
        }
        _ => {}
    }
    if to.state == ProblemState::KnownError && to.root_cause.trim().is_empty() && to.workaround.trim().is_empty() {
        return Err(Refused("a known error needs its root cause or a workaround (--root-cause, --workaround)".into()));
    }
    if to.state == ProblemState::Resolved && to.root_cause.trim().is_empty() {
        return Err(Refused("a resolved problem names its root cause (--root-cause)".into()));
    }
    Ok(())
}

/// A problem's owner: a member of staff or a supplier organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Owner {
    Staff(String),
    Supplier(String),
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Staff(login) => write!(f, "{login}"),
            Owner::Supplier(code) => write!(f, "supplier {code}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemState::*;

    fn facts(state: ProblemState, root_cause: &'static str, workaround: &'static str) -> ProblemFacts<'static> {
        ProblemFacts { state, root_cause, workaround }
    }

    #[test]
    fn closed_is_final_and_everything_else_may_move_on() {
        for next in ProblemState::ALL {
            assert!(!Closed.may_become(next), "closed → {next}");
        }
        assert!(Open.may_become(KnownError) && Open.may_become(Resolved) && Open.may_become(Closed));
        assert!(KnownError.may_become(Open) && KnownError.may_become(Resolved));
        assert!(Resolved.may_become(Open) && Resolved.may_become(Closed));
        assert!(!Resolved.may_become(KnownError), "a recurring resolved problem is opened again first");
        for state in ProblemState::ALL {
            assert!(!state.may_become(state), "{state} → itself is no transition");
        }
    }

    #[test]
    fn a_known_error_needs_a_cause_or_a_workaround_and_a_resolution_its_cause() {
        assert!(check_change(Some(Open), &facts(KnownError, "", "  ")).is_err());
        assert!(check_change(Some(Open), &facts(KnownError, "", "Start om klienten")).is_ok());
        assert!(check_change(Some(Open), &facts(KnownError, "Utløpt sertifikat", "")).is_ok());
        assert!(check_change(Some(KnownError), &facts(Resolved, "", "Start om klienten")).is_err());
        assert!(check_change(Some(KnownError), &facts(Resolved, "Utløpt sertifikat", "")).is_ok());
        assert!(check_change(Some(Open), &facts(Closed, "", "")).is_ok(), "dropped without a cause");
    }

    #[test]
    fn new_problems_start_active_and_closed_ones_stay_closed() {
        assert!(check_change(None, &facts(Open, "", "")).is_ok());
        assert!(check_change(None, &facts(KnownError, "", "Bruk reserveløsningen")).is_ok());
        assert!(check_change(None, &facts(Resolved, "x", "")).is_err());
        let err = check_change(Some(Closed), &facts(Open, "", "")).unwrap_err();
        assert!(err.0.contains("closed cannot become open"), "{err}");
        assert!(check_change(Some(Closed), &facts(Closed, "", "")).is_ok(), "an edit that keeps the state");
    }

    #[test]
    fn states_parse_from_their_names_and_labels() {
        assert_eq!("known error".parse::<ProblemState>(), Ok(KnownError));
        assert_eq!("Known-Error".parse::<ProblemState>(), Ok(KnownError));
        assert_eq!("resolved".parse::<ProblemState>(), Ok(Resolved));
        assert!("fixed".parse::<ProblemState>().unwrap_err().contains("known_error"));
    }
}
