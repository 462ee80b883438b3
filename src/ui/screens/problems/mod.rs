//! Tab 7: the registers behind recurring incidents and planned change. The sections along the top (`[` `]`), then
//! the shown register: problems and known errors, or Altinn's change needs with their clocks.

mod change_needs;
mod known_errors;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::screens::problems::data::{RegisterData, RegisterSection};
use crate::domain::text;
use crate::ui::View;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let theme = view.theme;
    let screen = &state.screens.problems;
    let detail_height = if screen.open.is_some() { area.height / 2 } else { 5 };
    let [tabs, table_area, detail_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(detail_height)]).areas(area);
    let mut spans = vec![Span::raw(" ")];
    for section in RegisterSection::ALL {
        let (marker, style) =
            if section == screen.section { (theme.symbols.selected, theme.tab_active) } else { (" ", theme.dim) };
        spans.push(Span::styled(format!("{marker}{} ", section.title()), style));
    }
    let rights = state.user.as_ref().map(|u| u.rights).unwrap_or_default();
    let note = match screen.section {
        RegisterSection::Problems if rights.operator || rights.mim || rights.admin => "  [ ] register",
        RegisterSection::Problems => "  [ ] register · read-only: operators work problems",
        // The clocks in full where they fit, in short on a narrow terminal (the table's clocks say the rest).
        RegisterSection::ChangeNeeds if (rights.chair || rights.admin) && area.width >= 150 => {
            "  [ ] register · Altinn §2.10: feedback ≤ 5, qualified ≤ 20 wd from receipt; high: analysed ≤ 20 after"
        }
        RegisterSection::ChangeNeeds if rights.chair || rights.admin => "  [ ] · Altinn §2.10: 5/20/20 wd",
        RegisterSection::ChangeNeeds => "  [ ] register · read-only: chairs and admins handle change needs",
    };
    spans.push(Span::styled(note, theme.dim));
    if !screen.filter.is_empty() {
        spans.push(Span::styled(format!("  / {} (Esc clears)", text::one_line(&screen.filter)), theme.accent));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);

    let nothing_matches = match &screen.rows {
        Some(Ok(RegisterData::ChangeNeeds(rows))) => !rows.is_empty() && screen.visible_needs().is_empty(),
        Some(Ok(RegisterData::Problems(rows))) => !rows.is_empty() && screen.visible_problems().is_empty(),
        _ => false,
    };
    if nothing_matches {
        return message(frame, table_area, "  Nothing matches the filter (Esc clears it).", view);
    }
    match &screen.rows {
        None => message(frame, table_area, "  reading …", view),
        Some(Err(why)) => {
            let text = format!("  The register could not be read: {}. Ctrl-r tries again.", text::one_line(why));
            message(frame, table_area, &text, view)
        }
        Some(Ok(RegisterData::ChangeNeeds(_))) => {
            change_needs::render(frame, table_area, detail_area, screen.selected, &screen.visible_needs(), view)
        }
        Some(Ok(RegisterData::Problems(_))) => {
            known_errors::render(frame, table_area, detail_area, screen, &screen.visible_problems(), view)
        }
    }
}

fn message(frame: &mut Frame, area: Rect, text: &str, view: View) {
    frame
        .render_widget(Paragraph::new(Line::styled(text.to_string(), view.theme.dim)).wrap(Wrap { trim: false }), area);
}
