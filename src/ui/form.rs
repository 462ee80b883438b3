//! Forms and confirmations as popups over the screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{View, format};
use crate::app::form::{Field, FieldKind, filtered};
use crate::app::state::{Confirm, Form};
use crate::domain::text;

const AREA_ROWS: u16 = 6;
const CHOICE_ROWS: usize = 6;
/// A choice's hint (e.g. a priority's criteria) gets this many wrapped lines.
const HINT_ROWS: u16 = 2;

fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}

fn field_height(field: &Field, focused: bool) -> u16 {
    match &field.kind {
        FieldKind::Line(_) => 1,
        FieldKind::Area(_) => AREA_ROWS + 1,
        FieldKind::Choice { options, query, .. } if focused => {
            1 + filtered(options, query).len().clamp(1, CHOICE_ROWS) as u16 + HINT_ROWS
        }
        FieldKind::Choice { .. } => 1,
    }
}

/// A form, with `notes` (e.g. the known errors matching a new incident's title) between its fields and its keys.
pub fn form(frame: &mut Frame, area: Rect, form: &Form, keys: &str, notes: Vec<Line<'static>>, view: View) {
    let theme = view.theme;
    let heights: Vec<u16> = form.fields.iter().enumerate().map(|(i, f)| field_height(f, i == form.focus)).collect();
    let notes_height = notes.len() as u16;
    let height = heights.iter().sum::<u16>() + notes_height + 5;
    let outer = popup(area, 96, height);
    frame.render_widget(Clear, outer);
    let title = if form.saving { format!(" {} · saving … ", form.title) } else { format!(" {} ", form.title) };
    let block = Block::new().borders(Borders::ALL).border_style(theme.accent).title(Span::styled(title, theme.header));
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let mut constraints: Vec<Constraint> = heights.iter().map(|h| Constraint::Length(*h)).collect();
    constraints.push(Constraint::Length(notes_height));
    constraints.push(Constraint::Fill(1));
    constraints.push(Constraint::Length(2));
    let rows = Layout::vertical(constraints).split(inner);
    for (i, field) in form.fields.iter().enumerate() {
        render_field(frame, rows[i], field, i == form.focus, view);
    }
    frame.render_widget(Paragraph::new(notes), rows[form.fields.len()]);
    let footer = rows[rows.len() - 1];
    let mut lines = Vec::new();
    if let Some(error) = &form.error {
        lines.push(Line::styled(text::one_line(error).into_owned(), theme.breached));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(format!("{keys} · Enter submits a one-line field"), theme.dim));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), footer);
}

fn render_field(frame: &mut Frame, area: Rect, field: &Field, focused: bool, view: View) {
    let theme = view.theme;
    let label_style = if focused { theme.accent.add_modifier(Modifier::BOLD) } else { theme.dim };
    let required = if field.required { "*" } else { " " };
    // Long labels keep a space before the value.
    let label = Span::styled(format!("{:<25} ", format!("{}{required}", field.label)), label_style);
    match &field.kind {
        FieldKind::Line(value) => {
            let mut spans = vec![label, Span::styled(text::one_line(value).into_owned(), theme.text)];
            if focused {
                spans.push(Span::styled("█", theme.accent));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
        }
        FieldKind::Area(editor) => {
            let [label_area, editor_area] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            frame.render_widget(Paragraph::new(Line::from(label)), label_area);
            let mut editor = editor.0.clone();
            editor.set_block(Block::new().borders(Borders::LEFT).border_style(if focused {
                theme.accent
            } else {
                theme.border
            }));
            if !focused {
                editor.set_cursor_style(theme.text);
            }
            // Lines are shown neutralised: an escape sequence pasted into the editor is displayed, not obeyed.
            let shown: Vec<String> = editor.lines().iter().map(|l| text::one_line(l).into_owned()).collect();
            if shown.iter().zip(editor.lines()).any(|(a, b)| a != b) {
                let para = Paragraph::new(shown.join("\n"))
                    .style(theme.text)
                    .block(Block::new().borders(Borders::LEFT).border_style(theme.border));
                frame.render_widget(para, editor_area);
            } else {
                frame.render_widget(&editor, editor_area);
            }
        }
        FieldKind::Choice { options, selected, query } => {
            let matches = filtered(options, query);
            let current = matches.get(*selected).map(|o| o.label.clone()).unwrap_or_else(|| "(no match)".into());
            let mut spans = vec![label, Span::styled(text::one_line(&current).into_owned(), theme.text)];
            if focused && !query.is_empty() {
                spans.push(Span::styled(format!("   filter: {query}"), theme.dim));
            }
            if !focused {
                frame.render_widget(Paragraph::new(Line::from(spans)), area);
                return;
            }
            let mut lines = vec![Line::from(spans)];
            let start = selected.saturating_sub(CHOICE_ROWS - 1);
            for (i, option) in matches.iter().enumerate().skip(start).take(CHOICE_ROWS) {
                let style = if i == *selected { theme.selection } else { theme.text };
                lines.push(Line::styled(format!("{:26}{}", "", text::one_line(&option.label)), style));
            }
            if matches.is_empty() {
                lines.push(Line::styled(format!("{:26}no option matches '{query}'", ""), theme.dim));
            }
            let hint = matches.get(*selected).map(|o| o.hint.as_str()).unwrap_or("");
            let [list_area, hint_area] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(HINT_ROWS)]).areas(area);
            frame.render_widget(Paragraph::new(lines), list_area);
            let [_, hint_text] = Layout::horizontal([Constraint::Length(26), Constraint::Fill(1)]).areas(hint_area);
            let hint = Paragraph::new(text::one_line(hint).into_owned()).style(theme.dim).wrap(Wrap { trim: true });
            frame.render_widget(hint, hint_text);
        }
    }
}

pub fn confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, keys: &str, view: View) {
    let theme = view.theme;
    let outer = popup(area, 84, 12);
    frame.render_widget(Clear, outer);
    let verb = confirm.action.verb();
    let title = format!(" {} {}? ", capitalise(verb), confirm.target.reference);
    let block = Block::new().borders(Borders::ALL).border_style(theme.accent).title(Span::styled(title, theme.header));
    let mut lines = Vec::new();
    match &confirm.what_if {
        None => lines.push(Line::styled("computing the deadlines after this …", theme.dim)),
        Some(Err(e)) => lines.push(Line::styled(format!("not possible: {}", text::one_line(e)), theme.breached)),
        Some(Ok(deltas)) if deltas.is_empty() => lines.push(Line::styled("no SLA targets are affected", theme.dim)),
        Some(Ok(deltas)) => {
            lines.push(Line::styled("deadline now → after", theme.dim));
            for delta in deltas {
                let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
                    t.map_or("—".into(), |t| format::local_time(t, view.now, view.zone))
                };
                let changed = delta.before != delta.after;
                let style = if changed { theme.warning } else { theme.text };
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<12}", delta.target), theme.text),
                    Span::styled(format!("{} → {}", at(delta.before), at(delta.after)), style),
                    Span::styled(format!("   ({})", delta.state_after), theme.dim),
                ]));
            }
        }
    }
    if !confirm.children.is_empty() {
        lines.push(children_line(confirm, view));
    }
    lines.push(Line::raw(""));
    if let Some(error) = &confirm.error {
        lines.push(Line::styled(text::one_line(error).into_owned(), theme.breached));
    }
    let children_key = if confirm.children.is_empty() { "" } else { " · c children too or not" };
    let keys = if confirm.saving {
        "saving …".to_string()
    } else {
        format!("{keys}{children_key} · yes confirms, no goes back")
    };
    lines.push(Line::styled(keys, theme.dim));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), outer);
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub fn preview(frame: &mut Frame, area: Rect, preview: &crate::app::state::Preview, keys: &str, view: View) {
    let theme = view.theme;
    let outer = popup(area, 100, area.height.saturating_sub(2));
    frame.render_widget(Clear, outer);
    let title = if preview.saving { " Preview · sending … " } else { " Preview of the stakeholder update " };
    // The keys sit on the frame, so a long preview on a small terminal never hides them.
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.header))
        .title_bottom(Span::styled(format!(" {keys} · yes sends to everyone listed, no goes back "), theme.dim));
    let mut lines: Vec<Line> = Vec::new();
    // An error goes first for the same reason.
    if let Some(error) = &preview.error {
        lines.push(Line::styled(text::one_line(error).into_owned(), theme.breached));
    }
    lines.extend(preview.lines.iter().map(|l| Line::styled(text::one_line(l).into_owned(), theme.text)));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), outer);
}

/// A master's open children in its resolve confirmation: resolved too (each on its own), or left open.
fn children_line(confirm: &Confirm, view: View) -> Line<'static> {
    let theme = view.theme;
    let list: Vec<String> = confirm.children.iter().map(|c| text::one_line(&c.reference).into_owned()).collect();
    let count = confirm.children.len();
    if confirm.with_children {
        Line::styled(
            format!("[x] also resolve its {count} open child incident(s), each on its own: {}", list.join(", ")),
            theme.warning,
        )
    } else {
        Line::styled(format!("[ ] its {count} open child incident(s) stay open: {}", list.join(", ")), theme.dim)
    }
}
