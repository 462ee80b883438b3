//! Overlays: `?` help generated from the keymap, and the `:` command palette.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::View;
use crate::app::keymap::Scope;
use crate::app::palette_matches;
use crate::app::state::{Palette, State};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}

/// Every command with its keys, grouped by where it applies, straight from the keymap.
pub fn help_lines(state: &State) -> Vec<(Scope, String, &'static str, &'static str)> {
    let mut lines: Vec<(Scope, String, &'static str, &'static str)> = Vec::new();
    for scope in [
        Scope::Board,
        Scope::FollowUps,
        Scope::Incident,
        Scope::Major,
        Scope::Calendar,
        Scope::Heatmap,
        Scope::Minutes,
        Scope::MinutesOpen,
        Scope::Attendance,
        Scope::Admin,
        Scope::Problems,
        Scope::ChangeNeeds,
        Scope::Form,
        Scope::Confirm,
        Scope::Global,
    ] {
        for binding in state.keymap.iter().filter(|b| b.scope == scope && state.permits(b.command)) {
            let name = binding.command.name();
            match lines.iter_mut().find(|(s, _, n, _)| *s == scope && *n == name) {
                Some(line) => line.1 = format!("{} {}", line.1, binding.chord.label()),
                None => lines.push((scope, binding.chord.label(), name, binding.command.description())),
            }
        }
    }
    lines
}

pub fn help(frame: &mut Frame, area: Rect, state: &State, scroll: usize, view: View) {
    let theme = view.theme;
    let popup = centered(area, area.width.saturating_sub(4).min(100), area.height.saturating_sub(4));
    // Descriptions wrap under their own column, so a narrow terminal shows them whole.
    const INDENT: usize = 3 + 14 + 14;
    let room = usize::from(popup.width.saturating_sub(2)).saturating_sub(INDENT).max(16);
    let mut lines = Vec::new();
    let mut current = None;
    for (scope, key, name, description) in help_lines(state) {
        if current != Some(scope) {
            if current.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(format!(" {}", scope.title()), theme.header));
            current = Some(scope);
        }
        let mut wrapped = wrap_words(description, room).into_iter();
        lines.push(Line::from(vec![
            Span::styled(format!("   {key:<14}"), theme.accent),
            Span::styled(format!("{name:<14}"), theme.text),
            Span::styled(wrapped.next().unwrap_or_default(), theme.dim),
        ]));
        lines.extend(wrapped.map(|more| Line::styled(format!("{:INDENT$}{more}", ""), theme.dim)));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Keys · Esc closes · j/k scroll ", theme.header));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)).block(block), popup);
}

pub fn palette(frame: &mut Frame, area: Rect, state: &State, palette: &Palette, view: View) {
    let theme = view.theme;
    let matches = palette_matches(state, &palette.input);
    let height = (matches.len() as u16 + 3).clamp(4, 16);
    let popup = centered(area, 60, height);
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.accent),
        Span::styled(palette.input.clone(), theme.text),
        Span::styled("█", theme.accent),
    ])];
    if matches.is_empty() {
        lines.push(Line::styled(" no command by that name", theme.dim));
    }
    for (i, command) in matches.iter().enumerate() {
        let style = if i == palette.selected { theme.selection } else { theme.text };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<14}", command.name()), style),
            Span::styled(command.description(), theme.dim),
        ]));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(" Command · Enter runs · Esc closes ", theme.header));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Splits text into lines of at most `width` characters at spaces (a longer word gets a line of its own).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().map_or(0, |l| l.chars().count());
        if line > 0 && line + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        if let Some(last) = lines.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_descriptions_wrap_at_spaces() {
        assert_eq!(
            super::wrap_words("filter the board (prio:A svc:SBL)", 16),
            ["filter the board", "(prio:A svc:SBL)"]
        );
        assert_eq!(super::wrap_words("a-very-long-word here", 8), ["a-very-long-word", "here"]);
        assert_eq!(super::wrap_words("", 10), [""]);
    }
}
