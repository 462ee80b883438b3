//! The drill-down: the incidents received in one cell and the outages overlapping it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::fit_text;
use crate::app::screens::heatmap::Drill;
use crate::domain::text;
use crate::ui::View;
use crate::ui::format::local_time;

pub(super) fn render(frame: &mut Frame, area: Rect, drill: &Drill, view: View) {
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
    frame.render_widget(Paragraph::new(lines), area);
}
