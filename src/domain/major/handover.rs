//! Shift hand-over ("vaktlogg"): the outgoing MIM's note plus, gathered automatically, the open major
//! incidents with their running clocks, the next update due, the escalation level and any pending
//! proposal, and the calls still to make. The incoming MIM acknowledges it; the note is kept as a log.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::cadence::{CadenceState, CadenceStatus};
use super::escalation::{EscalationStep, Proposal};
use super::locale::{Lang, local_time};
use super::model::{MajorIncident, MajorState};
use super::phone::CallTask;
use super::rota::Shift;
use crate::domain::sla::record::ClockRecord;
use crate::domain::text::duration::human;
use crate::domain::text::markup::{markdown, markdown_inline};

/// One open major incident as the caller sees it now.
#[derive(Debug, Clone, Copy)]
pub struct OpenMajor<'a> {
    /// The incident.
    pub major: &'a MajorIncident,
    /// Its clocks, as of now.
    pub clocks: &'a [ClockRecord],
    /// Its update cadence, as of now.
    pub cadence: Option<CadenceStatus>,
    /// A pending escalation proposal.
    pub proposal: Option<&'a Proposal>,
    /// Its call tasks.
    pub call_tasks: &'a [CallTask],
}

/// A major incident as carried into the next shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverMajor {
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Priority label.
    pub priority: String,
    /// State.
    pub state: MajorState,
    /// Exercise.
    pub exercise: bool,
    /// The last escalation step (None: still at the first level).
    pub escalation: Option<EscalationStep>,
    /// Pending proposal.
    pub proposal: Option<Proposal>,
    /// Clocks still counting.
    pub running_clocks: Vec<ClockRecord>,
    /// The next update.
    pub cadence: Option<CadenceStatus>,
    /// Calls not yet logged.
    pub open_calls: Vec<CallTask>,
}

/// The incoming MIM's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// Who.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A hand-over from one MIM to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverNote {
    /// When written.
    pub at: DateTime<Utc>,
    /// The outgoing MIM.
    pub outgoing: String,
    /// The incoming MIM.
    pub incoming: String,
    /// The outgoing MIM's own words.
    pub text: String,
    /// Open major incidents.
    pub majors: Vec<HandoverMajor>,
    /// Set once the incoming MIM has read it.
    pub acknowledged: Option<Acknowledgement>,
}

/// A refused hand-over action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoverError {
    /// No note.
    #[error("write a hand-over note: what the incoming MIM must know that the open items do not say")]
    EmptyNote,
    /// Same person on both shifts.
    #[error("{mim} is on both shifts: a hand-over needs another incoming MIM")]
    SameMim {
        /// The MIM.
        mim: String,
    },
    /// Someone else tries to acknowledge.
    #[error("only the incoming MIM ({incoming}) can acknowledge this hand-over, not {by}")]
    NotIncoming {
        /// The incoming MIM.
        incoming: String,
        /// Who tried.
        by: String,
    },
    /// Acknowledged twice.
    #[error("the hand-over was already acknowledged by {by} at {at}")]
    AlreadyAcknowledged {
        /// Who.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Acknowledged before it was written.
    #[error("the acknowledgement at {at} is earlier than the hand-over note ({written}): check the time")]
    BeforeNote {
        /// Requested instant.
        at: DateTime<Utc>,
        /// The note's instant.
        written: DateTime<Utc>,
    },
}

/// Assembles the hand-over note from `outgoing` to `incoming`. Closed incidents are left out.
pub fn assemble_handover(
    outgoing: &Shift,
    incoming: &Shift,
    text: &str,
    at: DateTime<Utc>,
    majors: &[OpenMajor<'_>],
) -> Result<HandoverNote, HandoverError> {
    if text.trim().is_empty() {
        return Err(HandoverError::EmptyNote);
    }
    if outgoing.mim == incoming.mim {
        return Err(HandoverError::SameMim { mim: outgoing.mim.clone() });
    }
    let majors = majors
        .iter()
        .filter(|m| m.major.state != MajorState::Closed)
        .map(|m| {
            let d = &m.major.declaration;
            HandoverMajor {
                reference: d.reference.clone(),
                title: d.title.clone(),
                priority: d.priority.clone(),
                state: m.major.state,
                exercise: d.exercise,
                escalation: m.major.escalations.last().cloned(),
                proposal: m.proposal.cloned(),
                running_clocks: m.clocks.iter().filter(|c| c.counting).cloned().collect(),
                cadence: m.cadence,
                open_calls: m.call_tasks.iter().filter(|t| !t.is_done()).cloned().collect(),
            }
        })
        .collect();
    Ok(HandoverNote {
        at,
        outgoing: outgoing.mim.clone(),
        incoming: incoming.mim.clone(),
        text: text.to_string(),
        majors,
        acknowledged: None,
    })
}

impl HandoverNote {
    /// The incoming MIM acknowledges the note.
    pub fn acknowledge(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), HandoverError> {
        if let Some(done) = &self.acknowledged {
            return Err(HandoverError::AlreadyAcknowledged { by: done.by.clone(), at: done.at });
        }
        if by != self.incoming {
            return Err(HandoverError::NotIncoming { incoming: self.incoming.clone(), by: by.to_string() });
        }
        if at < self.at {
            return Err(HandoverError::BeforeNote { at, written: self.at });
        }
        self.acknowledged = Some(Acknowledgement { by: by.to_string(), at });
        Ok(())
    }

    /// The note as Markdown, all text escaped.
    pub fn to_markdown(&self, lang: Lang, zone: Tz) -> String {
        let w = lang.words();
        let [outgoing, incoming, note, open, clocks, next_update, level, proposed, calls, acked, not_acked] =
            w.handover;
        let time = |t: DateTime<Utc>| local_time(t, zone);
        let mut out = format!("# {} {}\n\n", w.handover_title, time(self.at));
        out.push_str(&format!("- {outgoing}: {}\n", markdown_inline(&self.outgoing)));
        out.push_str(&format!("- {incoming}: {}\n", markdown_inline(&self.incoming)));
        match &self.acknowledged {
            Some(a) => out.push_str(&format!("- {acked}: {} {}\n", markdown_inline(&a.by), time(a.at))),
            None => out.push_str(&format!("- {not_acked}\n")),
        }
        out.push_str(&format!("\n## {note}\n\n{}\n\n## {open}\n", markdown(self.text.trim())));
        if self.majors.is_empty() {
            out.push_str(&format!("\n{}\n", w.none));
        }
        for m in &self.majors {
            let marker = if m.exercise { format!(" [{}]", w.exercise) } else { String::new() };
            out.push_str(&format!(
                "\n### {} – {} ({}, {}){marker}\n\n",
                markdown_inline(&m.reference),
                markdown_inline(&m.title),
                markdown_inline(&m.priority),
                w.states[m.state.index()]
            ));
            let level_text = match &m.escalation {
                Some(s) => format!("{} «{}» → {}", s.level, markdown_inline(&s.level_name), markdown_inline(&s.whom)),
                None => "0".to_string(),
            };
            out.push_str(&format!("- {level}: {level_text}\n"));
            if let Some(p) = &m.proposal {
                out.push_str(&format!(
                    "- {proposed}: «{}» ({})\n",
                    markdown_inline(&p.level_name),
                    markdown_inline(&p.reason.to_string())
                ));
            }
            if let Some(c) = &m.cadence {
                let state = w.cadence_states[cadence_index(c.state)];
                out.push_str(&format!("- {next_update}: {} ({state})\n", time(c.due)));
            }
            out.push_str(&format!("- {clocks}:"));
            if m.running_clocks.is_empty() {
                out.push_str(&format!(" {}\n", w.none));
            } else {
                out.push('\n');
                for c in &m.running_clocks {
                    out.push_str(&format!("  - {}\n", markdown_inline(&clock_line(c, zone))));
                }
            }
            out.push_str(&format!("- {calls}:"));
            if m.open_calls.is_empty() {
                out.push_str(&format!(" {}\n", w.none));
            } else {
                out.push('\n');
                for t in &m.open_calls {
                    out.push_str(&format!(
                        "  - {} ({}, {}) {}\n",
                        markdown_inline(&t.name),
                        markdown_inline(&t.role),
                        markdown_inline(&t.organisation),
                        markdown_inline(&t.number)
                    ));
                }
            }
        }
        out
    }
}

fn cadence_index(state: CadenceState) -> usize {
    match state {
        CadenceState::OnTime => 0,
        CadenceState::DueSoon => 1,
        CadenceState::Overdue => 2,
        CadenceState::Missed => 3,
    }
}

/// "resolution (24x7): 2026-03-02 18:00, 3 h 20 m / 5 h, warning", unescaped.
pub(crate) fn clock_line(c: &ClockRecord, zone: Tz) -> String {
    let due = c.replanned_due.or(c.due).map_or_else(|| "–".to_string(), |d| local_time(d, zone));
    let budget = c.budget_seconds.map_or_else(|| "–".to_string(), |b| human(chrono::Duration::seconds(b)));
    format!(
        "{} ({}): {due}, {} / {budget}, {}",
        c.target,
        c.clock,
        human(chrono::Duration::seconds(c.elapsed_seconds)),
        c.state
    )
}

#[cfg(test)]
mod tests;
