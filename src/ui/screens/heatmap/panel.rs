//! The side panel of the selected service: the cell in words, where it stands against its target, the trend and
//! the breaches to expect.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::screens::heatmap::forecast::{self, HORIZON_HOURS};
use crate::domain::heatmap::grid::trend;
use crate::domain::heatmap::{Cell, Metric};
use crate::domain::text;
use crate::ui::View;

/// The selected service: the cell under the cursor, this month's availability against target, the downtime left,
/// the year's outages against a cap, the trend, and the breaches to expect.
pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, wide: bool, view: View) {
    let heat = &state.screens.heatmap;
    let theme = view.theme;
    let block = if wide { Block::new().borders(Borders::LEFT) } else { Block::new().borders(Borders::TOP) };
    let block = block.border_style(theme.border);
    let Some(row) = heat.selected_row() else {
        let hint = Line::styled(" Select a service (j/k) to see where it stands; Space folds a group.", theme.dim);
        frame.render_widget(Paragraph::new(hint).block(block).wrap(Wrap { trim: false }), area);
        return;
    };
    let mut facts: Vec<Span> = Vec::new();
    facts.push(Span::styled(format!("{} · {}", row.service.code, row.service.agreement), theme.header));
    if wide {
        facts.push(Span::styled(text::one_line(&row.service.organisation).into_owned(), theme.dim));
    }
    if let Some((start, end)) = heat.selected_column() {
        let cell = heat.grid.as_ref().and_then(|g| g.column_of(start)).and_then(|i| row.cells.get(i)).copied();
        let last = end.pred_opt().unwrap_or(end);
        let value = cell.map_or_else(String::new, |c| cell_text(heat.metric, c));
        facts.push(Span::styled(
            format!("{} – {}: {value}", start.format("%-d %b"), last.format("%-d %b %Y")),
            theme.text,
        ));
    }
    match heat.standings.get(&row.service.code) {
        Some(standing) => {
            let target = standing.target.map_or_else(String::new, |t| format!(" (target {t})"));
            let percent = standing.measured.as_ref().map_or_else(|| "—".into(), |m| m.percent_text());
            let style = match standing.measured.as_ref().and_then(|m| m.met) {
                Some(false) => theme.breached,
                _ => theme.text,
            };
            facts.push(Span::styled(format!("{} availability {percent}{target}", standing.period), style));
            if let Some((left, allowed)) = standing.budget_left_minutes() {
                let style = if left < 0.0 { theme.breached } else { theme.text };
                facts.push(Span::styled(format!("downtime budget left {left:.1} min of {allowed:.1}"), style));
            }
            if let Some((used, cap)) = standing.outages {
                let style = if used as u32 >= cap { theme.breached } else { theme.text };
                facts.push(Span::styled(format!("{used} of {cap} outages used this year"), style));
            }
            if let Some(year) = &standing.year {
                let style = if year.contains("missed") { theme.warning } else { theme.text };
                facts.push(Span::styled(year.clone(), style));
            }
        }
        None => facts.push(Span::styled("no availability target", theme.dim)),
    }
    let recent = &row.cells[row.cells.len().saturating_sub(12)..];
    facts.push(Span::styled(format!("trend {}", trend(recent)), theme.text));
    let (coming, breached) =
        forecast::breaches_expected(state.screens.board.queue.all(), &state.agreements, &row.service.code, view.now);
    let plural = if coming.len() == 1 { "breach" } else { "breaches" };
    let mut expected = format!("next {HORIZON_HOURS} business hours: {} {plural} expected", coming.len());
    if !coming.is_empty() {
        let shown: Vec<&str> = coming.iter().take(3).copied().collect();
        expected.push_str(&format!(" ({}{})", shown.join(", "), if coming.len() > 3 { " …" } else { "" }));
    }
    if breached > 0 {
        expected.push_str(&format!("; {breached} breached already"));
    }
    let style = if coming.is_empty() && breached == 0 { theme.text } else { theme.warning };
    facts.push(Span::styled(expected, style));
    let paragraph = if wide {
        Paragraph::new(facts.into_iter().map(|f| Line::from(vec![Span::raw(" "), f])).collect::<Vec<_>>())
    } else {
        let mut joined = Vec::new();
        for (i, fact) in facts.into_iter().enumerate() {
            joined.push(Span::styled(if i == 0 { " " } else { " · " }, theme.dim));
            joined.push(fact);
        }
        Paragraph::new(Line::from(joined))
    };
    frame.render_widget(paragraph.block(block).wrap(Wrap { trim: false }), area);
}

/// A cell's figure in words: `2 breaches`, `38.5 % of the budget`, `maintenance`.
fn cell_text(metric: Metric, cell: Cell) -> String {
    match (metric, cell) {
        (_, Cell::Maintenance) => "maintenance all the time".into(),
        (_, Cell::Nothing) => "nothing to measure".into(),
        (Metric::Breaches, Cell::Count(n)) => format!("{n} breached"),
        (Metric::Received, Cell::Count(n)) => format!("{n} received"),
        (_, Cell::Count(n)) => n.to_string(),
        (Metric::Availability, Cell::Share(s)) => format!("{:.1} % of the allowed downtime", s * 100.0),
        (_, Cell::Share(s)) => format!("worst {:.0} % of a budget", s * 100.0),
    }
}
