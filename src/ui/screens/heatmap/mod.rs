//! Tab 3: the heat-map. A heading with what the cells show, the grid (group headings, services, one cell a
//! column, the step's glyph so it reads without colour), the side panel for the selected service (right when wide,
//! below when narrow), the legend; or the drill-down into one cell. The grid, the panel and the drill-down each
//! have their own file.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

mod drill;
mod grid;
mod panel;

use crate::app::State;
use crate::app::screens::heatmap::HeatmapScreen;
use crate::domain::heatmap::{self as scale, Bucket, Cell, Metric};
use crate::domain::text;
use crate::ui::{Theme, View};

const PANEL_WIDTH: u16 = 38;

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: View) {
    let heat = &state.screens.heatmap;
    let [title, body, legend_line] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    heading(frame, title, heat, view.theme);
    legend(frame, legend_line, heat.metric, view.theme);
    if let Some(drill) = &heat.drill {
        drill::render(frame, body, drill, view);
        return;
    }
    let Some(grid) = &heat.grid else {
        let text = match &heat.error {
            Some(why) => format!("  The heat-map could not be read: {why}. Ctrl-r tries again."),
            None => "  reading the heat-map …".into(),
        };
        frame.render_widget(Paragraph::new(vec![Line::raw(""), Line::styled(text, view.theme.dim)]), body);
        return;
    };
    let wide = area.width >= 120;
    let (cells_area, panel_area) = if wide {
        let [cells, panel] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(PANEL_WIDTH)]).areas(body);
        (cells, panel)
    } else {
        let [cells, panel] = Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(body);
        (cells, panel)
    };
    grid::render(frame, cells_area, heat, grid.request.bucket, &grid.columns, wide, view.theme);
    panel::render(frame, panel_area, state, wide, view);
}

/// `SLA breaches · weeks 2025-W50 … 2026-W49 · agreement all · priority all`, and the metrics with the shown one
/// marked.
fn heading(frame: &mut Frame, area: Rect, heat: &HeatmapScreen, theme: &Theme) {
    let what = match heat.metric {
        Metric::Breaches => "SLA breaches",
        Metric::Consumed => "SLA budget used (worst)",
        Metric::Availability => "Downtime budget used",
        Metric::Received => "Incidents received",
    };
    let mut spans = vec![Span::styled(format!(" {what}"), theme.header)];
    if let Some(grid) = &heat.grid {
        let span = match (grid.columns.first(), grid.columns.last()) {
            (Some(first), Some(last)) => format!(
                " · {} {} … {}",
                bucket_name(grid.request.bucket),
                long_label(grid.request.bucket, first.0),
                long_label(grid.request.bucket, last.0)
            ),
            _ => String::new(),
        };
        spans.push(Span::styled(span, theme.text));
    }
    let rank = match heat.max_rank {
        None => "all".to_string(),
        Some(1) => "most severe".to_string(),
        Some(n) => format!("{n} most severe"),
    };
    spans.push(Span::styled(
        format!(
            " · agreement {} · org {} · priority {rank}",
            heat.agreement.as_deref().unwrap_or("all"),
            heat.organisation.as_deref().unwrap_or("all")
        ),
        theme.dim,
    ));
    if heat.requested.as_ref().is_some_and(|r| heat.grid.as_ref().is_none_or(|g| &g.request != r)) {
        spans.push(Span::styled("  loading …", theme.dim));
    }
    let metrics = [
        (Metric::Breaches, "b breaches"),
        (Metric::Consumed, "s used"),
        (Metric::Availability, "v avail"),
        (Metric::Received, "r received"),
    ];
    let switch: Vec<Span> = metrics
        .iter()
        .flat_map(|(m, name)| {
            let style = if *m == heat.metric { theme.tab_active } else { theme.dim };
            [Span::raw(" "), Span::styled(*name, style)]
        })
        .collect();
    let switch_width = metrics.iter().map(|(_, name)| name.len() as u16 + 1).sum::<u16>() + 1;
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(switch_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left);
    frame.render_widget(Paragraph::new(Line::from(switch)), right);
}

fn bucket_name(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Day => "days",
        Bucket::Week => "weeks",
        Bucket::Month => "months",
        Bucket::Tertial => "tertials",
    }
}

/// A column named in full: `2026-12-05`, `2026-W49`, `2026-12`, `2026-T3`.
fn long_label(bucket: Bucket, start: NaiveDate) -> String {
    match bucket {
        Bucket::Day => start.to_string(),
        Bucket::Week => format!("{}-W{:02}", start.iso_week().year(), start.iso_week().week()),
        Bucket::Month => start.format("%Y-%m").to_string(),
        Bucket::Tertial => format!("{}-{}", start.format("%Y"), bucket.label(start)),
    }
}

/// The column heading that fits a cell: `05`, `49`, `Dec`, `T3`.
fn short_label(bucket: Bucket, start: NaiveDate) -> String {
    match bucket {
        Bucket::Week => format!("{:02}", start.iso_week().week()),
        other => other.label(start),
    }
}

/// One line of text cut or padded to exactly `width` characters.
fn fit_text(value: &str, width: usize) -> String {
    let line = text::one_line(value);
    format!("{:width$}", text::truncate(&line, width))
}

fn cell_width(bucket: Bucket) -> u16 {
    if bucket == Bucket::Month { 4 } else { 3 }
}

fn step_style(cell: Cell, theme: &Theme) -> Style {
    match (cell, scale::step(cell)) {
        (Cell::Maintenance, _) => theme.paused,
        (_, None) | (_, Some(0)) => theme.dim,
        (_, Some(1)) => theme.met,
        (_, Some(2 | 3)) => theme.warning,
        (_, Some(_)) => theme.breached,
    }
}

fn legend(frame: &mut Frame, area: Rect, metric: Metric, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for (step, (glyph, text)) in scale::GLYPHS.iter().zip(scale::legend(metric)).enumerate() {
        let cell = if matches!(metric, Metric::Breaches | Metric::Received) {
            Cell::Count([0, 1, 2, 4, 7][step])
        } else {
            Cell::Share([0.0, 0.2, 0.4, 0.9, 1.5][step])
        };
        spans.push(Span::styled(*glyph, step_style(cell, theme)));
        spans.push(Span::styled(format!(" {text}  "), theme.dim));
    }
    spans.push(Span::styled(scale::MAINTENANCE_GLYPH, theme.paused));
    spans.push(Span::styled(" maintenance", theme.dim));
    if area.width >= 100 {
        spans.push(Span::styled("   d w M t columns · [ ] earlier/later · z group · Space fold", theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::screens::heatmap::Drill;
    use crate::domain::heatmap::grid::{CellDetail, CellIncident, Grid, GridRequest, Service};
    use crate::ui::Theme;

    fn state() -> State {
        let mut state = State::new("test");
        let request = GridRequest {
            bucket: Bucket::Week,
            metric: Metric::Breaches,
            from: NaiveDate::from_ymd_opt(2025, 12, 8).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            agreement: None,
            max_rank: None,
        };
        let services = ["SBL", "TUL", "ABC"]
            .iter()
            .enumerate()
            .map(|(i, code)| Service {
                code: code.to_string(),
                name: format!("Service {code}"),
                agreement: if i < 2 { "ALTINN".into() } else { "TU".into() },
                organisation: "Digdir".into(),
            })
            .collect();
        let mut grid = Grid::new(request.clone(), services);
        grid.set("SBL", 51, Cell::Count(3));
        grid.set("TUL", 50, Cell::Maintenance);
        state.screens.heatmap.requested = Some(request.clone());
        state.screens.heatmap.loaded(&request, Ok((grid, Default::default())));
        state.screens.heatmap.selected = 1;
        state
    }

    fn draw(state: &State, width: u16, height: u16) -> String {
        let theme = Theme::builtin("dark").unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 9, 0, 0).unwrap();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let view = View { theme: &theme, now, zone: chrono_tz::Europe::Oslo };
        terminal.draw(|frame| render(frame, frame.area(), state, view)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        (0..height)
            .map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_grid_shows_the_latest_columns_the_glyphs_and_the_legend() {
        let state = state();
        let narrow = draw(&state, 80, 20);
        assert!(narrow.contains("▾ ALTINN (2)"), "{narrow}");
        assert!(narrow.contains("49 "), "the current week is the last column: {narrow}");
        assert!(narrow.contains('▒'), "3 breaches read ▒: {narrow}");
        assert!(narrow.contains('▪'), "maintenance has its own glyph: {narrow}");
        assert!(narrow.contains("7+"), "the legend is always there: {narrow}");
        assert!(narrow.contains("no availability"), "{narrow}");
        let wide = draw(&state, 160, 40);
        assert!(wide.contains("SBL Service SBL"), "{wide}");
        assert!(wide.contains("business hours"), "{wide}");
    }

    #[test]
    fn the_drill_down_lists_the_incidents_behind_the_cell() {
        let mut state = state();
        let incident = CellIncident {
            id: 7,
            reference: "INC-10419".into(),
            priority: "A".into(),
            title: "SBL nede".into(),
            received_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 2, 0).unwrap(),
            status: "resolved".into(),
            breaches: 1,
        };
        state.screens.heatmap.drill = Some(Drill {
            service: "SBL".into(),
            from: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            detail: Some(Ok(CellDetail { incidents: vec![incident], more: false, outages: Vec::new() })),
            selected: 0,
        });
        let text = draw(&state, 80, 20);
        assert!(text.contains("INC-10419") && text.contains("SBL nede"), "{text}");
        assert!(text.contains("30 Nov – 6 Dec 2026"), "{text}");
        assert!(text.contains("none recorded"), "{text}");
    }

    #[test]
    fn every_size_draws_without_panicking() {
        let mut state = state();
        for (width, height) in [(0, 0), (1, 1), (10, 3), (30, 5), (80, 24), (300, 100)] {
            draw(&state, width, height);
        }
        state.screens.heatmap.grid = None;
        draw(&state, 80, 24);
    }
}
