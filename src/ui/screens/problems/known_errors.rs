//! Tab 7's problems and known errors: a table (reference, state, services, incidents linked, whether a workaround
//! is known, title), and below it the selected problem in a line, or in full once opened (Enter): description, root
//! cause, workaround and the incidents linked to it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::screens::problems::ProblemsScreen;
use crate::app::screens::problems::data::{ProblemLine, ProblemView};
use crate::domain::problem::ProblemState;
use crate::domain::text;
use crate::ui::View;

pub fn render(
    frame: &mut Frame,
    table_area: Rect,
    detail_area: Rect,
    screen: &ProblemsScreen,
    problems: &[&ProblemLine],
    view: View,
) {
    let theme = view.theme;
    if problems.is_empty() {
        return super::message(frame, table_area, "  No problems registered.", view);
    }
    let wide = table_area.width >= 120;
    let mut headers = vec!["REF", "STATE", "INC", "WORKAROUND"];
    let mut widths = vec![Constraint::Length(8), Constraint::Length(12), Constraint::Length(4), Constraint::Length(11)];
    if wide {
        headers.extend(["12 MONTHS", "SERVICES", "OWNER"]);
        widths.extend([Constraint::Length(12), Constraint::Length(22), Constraint::Length(18)]);
    }
    headers.push("TITLE");
    widths.push(Constraint::Fill(1));
    let rows: Vec<Row> = problems
        .iter()
        .map(|p| {
            let state_style = match p.state {
                ProblemState::KnownError => theme.accent,
                ProblemState::Open => theme.warning,
                ProblemState::Resolved | ProblemState::Closed => theme.dim,
            };
            let mut cells = vec![
                Cell::from(text::one_line(&p.reference).into_owned()),
                Cell::from(p.state.label()).style(state_style),
                Cell::from(p.incidents.to_string()),
                Cell::from(if p.has_workaround { format!("{} yes", theme.symbols.met) } else { "—".into() }),
            ];
            if wide {
                cells.push(Cell::from(sparkline(&p.per_month)));
                cells.push(Cell::from(text::one_line(&p.services.join(", ")).into_owned()));
                cells.push(Cell::from(text::one_line(&p.owner).into_owned()));
            }
            cells.push(Cell::from(text::one_line(&p.title).into_owned()));
            Row::new(cells)
        })
        .collect();
    let height = usize::from(table_area.height.saturating_sub(1)).max(1);
    let selected = screen.selected.min(problems.len() - 1);
    let offset = selected.saturating_sub(height - 1);
    let shown: Vec<Row> = rows.into_iter().skip(offset).take(height).collect();
    let table = Table::new(shown, widths)
        .header(Row::new(headers.into_iter().map(Cell::from)).style(theme.header))
        .column_spacing(1)
        .row_highlight_style(theme.selection)
        .highlight_symbol(format!("{} ", theme.symbols.selected))
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut table_state = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    let lines = match (&screen.open, problems.get(selected)) {
        (Some((_, None)), _) => vec![Line::styled("reading the problem …", theme.dim)],
        (Some((_, Some(Err(why)))), _) => {
            vec![Line::styled(format!("It could not be read: {}", text::one_line(why)), theme.warning)]
        }
        (Some((_, Some(Ok(open)))), _) => full(open, view),
        (None, Some(p)) => vec![
            Line::styled(
                format!("{} · {} · {}", text::one_line(&p.reference), p.state.label(), text::one_line(&p.title)),
                theme.header,
            ),
            Line::styled("Enter shows its root cause, workaround and incidents.", theme.dim),
        ],
        (None, None) => Vec::new(),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail_area);
}

/// Incidents per month as bars (` ▁▂▃▄▅▆▇█`, the busiest month full), so a trend reads at a glance.
fn sparkline(per_month: &[u32]) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let most = per_month.iter().copied().max().unwrap_or(0).max(1);
    per_month
        .iter()
        .map(|n| {
            let step = (u64::from(*n) * 8).div_ceil(u64::from(most));
            BARS[usize::try_from(step).unwrap_or(8).min(8)]
        })
        .collect()
}

/// The problem in full, each part under its name.
fn full(open: &ProblemView, view: View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let p = &open.line;
    let owner = if p.owner.is_empty() { "no owner".to_string() } else { format!("owner {}", p.owner) };
    let mut lines = vec![Line::styled(
        format!(
            "{} · {} · {} · {owner} · services {}",
            text::one_line(&p.reference),
            p.state.label(),
            text::one_line(&p.title),
            text::one_line(&p.services.join(", "))
        ),
        theme.header,
    )];
    for (name, body) in
        [("Description", &open.description), ("Root cause", &open.root_cause), ("Workaround", &open.workaround)]
    {
        if body.trim().is_empty() {
            lines.push(Line::styled(format!("{name} —"), theme.dim));
        } else {
            lines.push(Line::styled(name.to_string(), theme.dim));
            lines.extend(text::block(body).lines().map(|l| Line::styled(format!("  {l}"), theme.text)));
        }
    }
    let months: Vec<String> = p.per_month.iter().map(u32::to_string).collect();
    if !months.is_empty() {
        lines.push(Line::styled(
            format!("Incidents per month, last 12 (UTC): {} {}", sparkline(&p.per_month), months.join(" ")),
            theme.dim,
        ));
    }
    lines.push(Line::styled(format!("Incidents linked ({})", open.linked.len()), theme.dim));
    for incident in &open.linked {
        let applied = if incident.workaround_applied { " · workaround applied" } else { "" };
        lines.push(Line::styled(
            format!(
                "  {} {} · {}{applied}",
                text::one_line(&incident.reference),
                text::one_line(&incident.title),
                text::one_line(&incident.status)
            ),
            theme.text,
        ));
    }
    lines
}
