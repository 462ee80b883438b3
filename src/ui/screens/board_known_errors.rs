//! The known errors under the new-incident form: those matching the title typed, with their workaround's first
//! line, and which one is picked to be linked (workaround applied) when the incident is saved.

use ratatui::text::{Line, Span};

use crate::app::state::State;
use crate::domain::text;
use crate::ui::View;

const TITLE_CHARS: usize = 32;

/// The lines under the form; none until a title long enough to search for is typed.
pub fn lines(state: &State, pick_key: &str, view: View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let suggestions = &state.screens.board.known_errors;
    if suggestions.text.is_empty() {
        return Vec::new();
    }
    if suggestions.shown.is_empty() {
        return vec![Line::styled("Known errors: none match the title", theme.dim)];
    }
    let picked = suggestions.chosen.as_deref();
    let heading = match picked {
        Some(reference) => {
            format!("Known errors: {reference} will be linked, its workaround applied ({pick_key}: next)")
        }
        None => format!("Known errors ({pick_key} picks one; its workaround is applied on save):"),
    };
    let mut lines = vec![Line::styled(heading, theme.accent)];
    for known in &suggestions.shown {
        let chosen = picked == Some(known.reference.as_str());
        let marker = if chosen { "▶ " } else { "  " };
        let workaround = match known.workaround_line() {
            "" => "no workaround yet".to_string(),
            line => format!("workaround: {}", text::one_line(line)),
        };
        let style = if chosen { theme.selection } else { theme.text };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{} ", text::one_line(&known.reference)), style),
            // The title is cut so that the workaround's start shows at 80 columns too.
            Span::styled(format!("{} — ", text::truncate(&text::one_line(&known.title), TITLE_CHARS)), style),
            Span::styled(workaround, if chosen { theme.selection } else { theme.dim }),
        ]));
    }
    lines
}
