//! How a deadline reads on screen: a business-time countdown with its state's symbol and colour, and a note
//! when the clock is stopped because the desk is closed ("closed until Mon 08:00").

use crate::domain::agreement::spec::TargetKind;
use chrono::{DateTime, Utc};
use ratatui::text::Span;

use super::{View, format};
use crate::app::State;
use crate::app::countdown::{Countdown, Urgency, countdown};
use crate::app::model::NextDue;
use crate::domain::text::duration;

pub fn countdown_of(next: &NextDue, agreement_version: i64, state: &State, now: DateTime<Utc>) -> Countdown {
    countdown(next, state.agreements.get(&agreement_version).map(|a| a.as_ref()), now)
}

/// `respond`, `resolve`, `feedback`: the words of the sketches.
pub fn short_target(target: TargetKind) -> &'static str {
    match target {
        TargetKind::Response => "respond",
        TargetKind::Resolution => "resolve",
        TargetKind::Feedback => "feedback",
    }
}

/// The countdown as styled spans; `long` adds the full "closed until" note.
pub fn spans(countdown: &Countdown, view: View, long: bool) -> Vec<Span<'static>> {
    let theme = view.theme;
    let symbols = &theme.symbols;
    let closed = countdown.closed_until.map(|until| format::local_time(until, view.now, view.zone));
    let because = countdown.closed_because.as_deref().map(|name| format!(" ({name})")).unwrap_or_default();
    match countdown.urgency {
        // Overdue while the desk has been closed since the deadline: no business time over yet, so say since when.
        Urgency::Breached if countdown.remaining > -chrono::Duration::minutes(1) => vec![Span::styled(
            format!("{} breached {}", symbols.breached, format::local_time(countdown.due, view.now, view.zone)),
            theme.breached,
        )],
        Urgency::Breached => vec![Span::styled(
            format!("{} {} over", symbols.breached, duration::countdown(-countdown.remaining)),
            theme.breached,
        )],
        Urgency::Paused => vec![Span::styled(format!("{} paused", symbols.paused), theme.paused)],
        Urgency::Warning => {
            let mut spans = vec![Span::styled(
                format!("{} {}", symbols.warning, duration::countdown(countdown.remaining)),
                theme.warning,
            )];
            if let (Some(until), true) = (closed, long) {
                spans.push(Span::styled(format!(" · closed{because} until {until}"), theme.dim));
            }
            spans
        }
        Urgency::Running => match (closed, long) {
            (Some(until), true) => vec![
                Span::styled(duration::human(countdown.remaining), theme.text),
                Span::styled(format!(" · closed{because} until {until}"), theme.dim),
            ],
            (Some(until), false) => vec![Span::styled(format!("opens {until}"), theme.dim)],
            (None, _) => vec![Span::styled(duration::human(countdown.remaining), theme.text)],
        },
    }
}
