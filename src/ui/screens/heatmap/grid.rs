//! The grid: the column headings, each group's heading and each service's cells, scrolled to keep the selected row
//! and column in view.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cell_width, fit_text, short_label, step_style};
use crate::app::screens::heatmap::{HeatmapScreen, Line as GridLine};
use crate::domain::heatmap::Bucket;
use crate::domain::text;
use crate::ui::Theme;

/// The first shown of `count` items when `fit` fit and `cursor` must show; the latest ones when it allows.
fn first_shown(count: usize, fit: usize, cursor: usize) -> usize {
    if count <= fit { 0 } else { cursor.min(count - fit) }
}

pub(super) fn render(
    frame: &mut Frame,
    area: Rect,
    heat: &HeatmapScreen,
    bucket: Bucket,
    columns: &[(NaiveDate, NaiveDate)],
    wide: bool,
    theme: &Theme,
) {
    let name_width: usize = if wide { 24 } else { 14 };
    let width = usize::from(cell_width(bucket));
    let fit = usize::from(area.width).saturating_sub(name_width) / width;
    let cursor = heat.column.min(columns.len().saturating_sub(1));
    let first = first_shown(columns.len(), fit, cursor);
    let shown = first..(first + fit).min(columns.len());
    let mut lines = Vec::new();
    let mut head = vec![Span::raw(format!("{:name_width$}", if first > 0 { " ◂" } else { "" }))];
    for i in shown.clone() {
        let style = if i == cursor { theme.tab_active } else { theme.dim };
        head.push(Span::styled(format!("{:>w$}", short_label(bucket, columns[i].0), w = width - 1), style));
        head.push(Span::raw(" "));
    }
    lines.push(Line::from(head));
    let rows = heat.lines();
    if rows.is_empty() {
        lines.push(Line::styled("  No services match the filters (a and o step through them).", theme.dim));
    }
    let height = usize::from(area.height).saturating_sub(1);
    let top = heat.selected.saturating_sub(height.saturating_sub(1));
    for (index, line) in rows.iter().enumerate().skip(top).take(height) {
        let selected = index == heat.selected;
        let spans = match line {
            GridLine::Group { name, services, folded } => {
                let mark = if *folded { "▸" } else { "▾" };
                let text = format!(" {mark} {name} ({services})");
                let style = if selected { theme.selection } else { theme.header };
                vec![Span::styled(fit_text(&text, name_width + fit * width), style)]
            }
            GridLine::Service(row) => {
                let label = if wide {
                    format!("   {} {}", row.service.code, text::one_line(&row.service.name))
                } else {
                    format!("   {}", row.service.code)
                };
                let style = if selected { theme.selection } else { theme.text };
                let mut spans = vec![Span::styled(fit_text(&label, name_width), style)];
                for i in shown.clone() {
                    let cell = row.cells[i];
                    let glyph = format!("{:>w$} ", cell.glyph(), w = width - 1);
                    let style = if selected && i == cursor { theme.selection } else { step_style(cell, theme) };
                    spans.push(Span::styled(glyph, style));
                }
                spans
            }
        };
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
