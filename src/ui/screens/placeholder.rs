//! Screens whose issues have not landed yet say so plainly rather than pretend.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::command::Command;
use crate::app::{Screen, keymap};
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, screen: Screen, view: View) {
    let board_key = keymap::key_for(&keymap::default_keymap(), keymap::Scope::Global, Command::Show(Screen::Board))
        .map(|c| c.label())
        .unwrap_or_default();
    let lines = vec![
        Line::raw(""),
        Line::styled(format!("  {} is not part of this build yet.", screen.title()), view.theme.header),
        Line::styled(format!("  Press {board_key} for the incident board."), view.theme.dim),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
