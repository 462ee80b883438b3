//! Tab 3: the heat-map. A heading with what the cells show, the grid (group headings, services, one cell a
//! column, the step's glyph so it reads without colour), the side panel for the selected service (right when wide,
//! below when narrow), the legend; or the drill-down into one cell.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::super::format::local_time;
use crate::app::State;
use crate::app::screens::heatmap::forecast::{self, HORIZON_HOURS};
use crate::app::screens::heatmap::{Drill, HeatmapScreen, Line as GridLine};
use crate::domain::heatmap::grid::trend;
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
        drill_down(frame, body, heat, drill, view);
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
    draw_grid(frame, cells_area, heat, grid.request.bucket, &grid.columns, wide, view.theme);
    panel(frame, panel_area, state, wide, view);
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

/// The first shown of `count` items when `fit` fit and `cursor` must show; the latest ones when it allows.
fn first_shown(count: usize, fit: usize, cursor: usize) -> usize {
    if count <= fit { 0 } else { cursor.min(count - fit) }
}

fn draw_grid(
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

/// The selected service: the cell under the cursor, this month's availability against target, the downtime left,
/// the year's outages against a cap, the trend, and the breaches to expect.
fn panel(frame: &mut Frame, area: Rect, state: &State, wide: bool, view: View) {
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

fn drill_down(frame: &mut Frame, area: Rect, heat: &HeatmapScreen, drill: &Drill, view: View) {
    let theme = view.theme;
    let last = drill.to.pred_opt().unwrap_or(drill.to);
    let period = if drill.from == last {
        drill.from.format("%a %-d %b %Y").to_string()
    } else {
        format!("{} – {}", drill.from.format("%-d %b"), last.format("%-d %b %Y"))
    };
    let mut lines = Vec::new();
    let title = |more: &str| Line::styled(format!(" {} · {period}{more}", drill.service), theme.header);
    match &drill.detail {
        None => {
            lines.push(title(""));
            lines.push(Line::styled("  reading the incidents and outages …", theme.dim));
        }
        Some(Err(why)) => {
            lines.push(title(""));
            lines.push(Line::styled(format!("  They could not be read: {why}. Esc goes back."), theme.breached));
        }
        Some(Ok(detail)) => {
            let more = if detail.more { " or more" } else { "" };
            lines.push(title(&format!(
                " · {} incidents{more} · {} outages · Enter opens the incident",
                detail.incidents.len(),
                detail.outages.len()
            )));
            lines.push(Line::styled(
                format!("   {:<11} {:<9} {:<16} {:<12} {:>8}  TITLE", "REF", "PRI", "RECEIVED", "STATUS", "BREACHES"),
                theme.header,
            ));
            if detail.incidents.is_empty() {
                lines.push(Line::styled("   no incidents received in this period", theme.dim));
            }
            let room = usize::from(area.height).saturating_sub(4 + detail.outages.len().min(6));
            let top = drill.selected.saturating_sub(room.saturating_sub(1));
            for (i, incident) in detail.incidents.iter().enumerate().skip(top).take(room.max(1)) {
                let mark = if i == drill.selected { theme.symbols.selected } else { " " };
                let text = format!(
                    " {mark} {:<11} {:<9} {:<16} {:<12} {:>8}  {}",
                    fit_text(&incident.reference, 11),
                    fit_text(&incident.priority, 9),
                    local_time(incident.received_at, view.now, view.zone),
                    incident.status,
                    incident.breaches,
                    text::one_line(&incident.title)
                );
                let style = if i == drill.selected {
                    theme.selection
                } else if incident.breaches > 0 {
                    theme.breached
                } else {
                    theme.text
                };
                lines.push(Line::styled(text, style));
            }
            lines.push(Line::styled(" Outages", theme.header));
            if detail.outages.is_empty() {
                lines.push(Line::styled("   none recorded in this period", theme.dim));
            }
            for outage in detail.outages.iter().take(6) {
                let end = outage.end.map_or_else(|| "ongoing".into(), |e| local_time(e, view.now, view.zone));
                let mut text = format!(
                    "   #{} {} – {end}  {}",
                    outage.id,
                    local_time(outage.start, view.now, view.zone),
                    outage.impact
                );
                if let Some(reference) = &outage.incident {
                    text.push_str(&format!("  ({reference})"));
                }
                if let Some(reason) = &outage.exclusion {
                    text.push_str(&format!("  excluded: {}", text::one_line(reason)));
                }
                lines.push(Line::styled(text, theme.text));
            }
        }
    }
    let _ = heat;
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
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
