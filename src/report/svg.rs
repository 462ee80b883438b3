//! Bars of a measure against its target as inline SVG inside an HTML table: no script, no external resource, so
//! the page reads the same in a browser and in a mail client (which may drop the `<style>`: every colour and size
//! is an attribute, and the page's shared stylesheet stays as it was).

use super::Bar;
use crate::domain::text::markup::html;

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 14.0;
const CELL: &str = "style=\"border:none;padding:.1rem .5rem\"";

/// One row per bar: its label, the bar, and its text.
pub fn bars(bars: &[Bar]) -> String {
    let mut out = String::from("<table class=\"bars\" style=\"width:auto\">\n");
    for bar in bars {
        out.push_str(&format!(
            "<tr><td {CELL}>{}</td><td {CELL}>{}</td><td {CELL}>{}</td></tr>\n",
            html(&bar.label),
            svg(bar),
            html(&bar.text)
        ));
    }
    out.push_str("</table>\n");
    out
}

/// The axis runs from one target's shortfall below the lower of value and target up to 100 %, so a bar near its
/// target is still told apart from it; the target is a dark tick.
fn svg(bar: &Bar) -> String {
    let label = html(&bar.text);
    let frame = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" \
         aria-label=\"{label}\"><rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#e6e6e6\"/>"
    );
    let Some(percent) = bar.percent.filter(|p| p.is_finite()) else {
        return format!("{frame}</svg>");
    };
    let low = (percent.min(bar.target) - (100.0 - bar.target).max(0.01)).max(0.0);
    let x = |value: f64| ((value - low) / (100.0 - low)).clamp(0.0, 1.0) * WIDTH;
    let colour = if percent + 1e-9 >= bar.target { "#2e7d32" } else { "#c62828" };
    format!(
        "{frame}<rect x=\"0\" y=\"0\" width=\"{:.1}\" height=\"{HEIGHT}\" fill=\"{colour}\"/>\
         <rect x=\"{:.1}\" y=\"0\" width=\"2\" height=\"{HEIGHT}\" fill=\"#000\"/></svg>",
        x(percent),
        (x(bar.target) - 1.0).max(0.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(percent: Option<f64>, target: f64) -> Bar {
        Bar { label: "<SBL>".into(), percent, target, text: "a \"b\"".into() }
    }

    #[test]
    fn a_bar_is_filled_to_its_value_with_the_target_as_a_tick() {
        // Target 99.9, value 99.95: the axis runs 99.8..100, so the fill is 0.75 of 240 and the tick at 0.5.
        let out = svg(&bar(Some(99.95), 99.9));
        assert!(out.contains("width=\"180.0\" height=\"14\" fill=\"#2e7d32\""), "{out}");
        assert!(out.contains("<rect x=\"119.0\""), "{out}");
        // Below target: red, axis from 99.7.
        let out = svg(&bar(Some(99.8), 99.9));
        assert!(out.contains("fill=\"#c62828\""), "{out}");
    }

    #[test]
    fn nothing_to_measure_is_an_empty_bar_and_text_is_escaped() {
        let out = bars(&[bar(None, 99.9)]);
        assert!(out.contains(">&lt;SBL&gt;</td>") && out.contains("aria-label=\"a &quot;b&quot;\""), "{out}");
        assert!(!out.contains("#2e7d32") && !out.contains("#c62828"), "{out}");
    }
}
