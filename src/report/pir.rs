//! The post-incident report as a [`Document`]: Markdown and a complete HTML page are rendered from it.

use chrono_tz::Tz;

use super::{Block, Document, Part, Records};
use crate::domain::major::PostIncidentReport;
use crate::domain::major::handover::clock_line;
use crate::domain::major::locale::{Lang, Words, local_time};

/// Label indices into [`Words::report`].
mod label {
    pub const REFERENCE: usize = 0;
    pub const AGREEMENT: usize = 1;
    pub const DECLARED: usize = 2;
    pub const RESOLVED: usize = 3;
    pub const REPORT_DUE: usize = 4;
    pub const COMPLETED_BY: usize = 5;
    pub const TIME: usize = 6;
    pub const KIND: usize = 7;
    pub const WHO: usize = 8;
    pub const TEXT: usize = 9;
    pub const CHANNEL: usize = 10;
    pub const AUDIENCE: usize = 11;
    pub const SENDER: usize = 12;
    pub const DELIVERY: usize = 13;
    pub const OWNER: usize = 14;
    pub const DUE_DATE: usize = 15;
    pub const DRAFT: usize = 16;
}

/// Section indices into [`Words::sections`].
mod section {
    pub const SUMMARY: usize = 0;
    pub const IMPACT: usize = 1;
    pub const TIMELINE: usize = 2;
    pub const CLOCKS: usize = 3;
    pub const COMMUNICATIONS: usize = 4;
    pub const ROOT_CAUSE: usize = 5;
    pub const ACTIONS: usize = 6;
    pub const LESSONS: usize = 7;
}

pub fn markdown(report: &PostIncidentReport, lang: Lang, zone: Tz) -> String {
    super::markdown::render(&document(report, lang, zone))
}

pub fn html(report: &PostIncidentReport, lang: Lang, zone: Tz) -> String {
    super::html::render(&document(report, lang, zone))
}

pub fn document(r: &PostIncidentReport, lang: Lang, zone: Tz) -> Document {
    let w = lang.words();
    let h = &r.header;
    let title = format!("{}: {} – {}", w.report_title, h.reference, h.title);
    let heading = |level: u8, text: &str| Block::Heading { level, text: text.to_string() };
    let words = |indices: &[usize]| indices.iter().map(|&i| w.report[i].to_string()).collect::<Vec<_>>();
    let prose = |index: usize, text: &str| {
        [heading(2, w.sections[index]), Block::Prose(text_or_placeholder(text, w).to_string())]
    };
    let lit = Part::lit;
    let mut blocks = vec![heading(1, &title)];
    if h.exercise {
        blocks.push(Block::Banner(w.exercise_banner.to_string()));
    }
    blocks.push(Block::Facts(facts(r, w, zone)));
    let f = &r.findings;
    blocks.extend(prose(section::SUMMARY, &f.summary));
    blocks.extend(prose(section::IMPACT, &f.impact));

    blocks.push(heading(2, w.sections[section::TIMELINE]));
    let timeline = r
        .records
        .timeline
        .iter()
        .map(|e| vec![local_time(e.at, zone), e.kind.to_string(), e.actor.clone(), e.text.clone()])
        .collect();
    blocks.push(Block::Records(Records::plain(
        words(&[label::TIME, label::KIND, label::WHO, label::TEXT]),
        timeline,
        vec![Part::Raw(0), lit(" · "), Part::Raw(1), lit(" · "), Part::Text(2), lit(": "), Part::Text(3)],
        w.none,
    )));
    if !r.records.escalations.is_empty() {
        blocks.push(heading(3, w.escalations));
        let rows = r
            .records
            .escalations
            .iter()
            .map(|s| {
                vec![
                    local_time(s.at, zone),
                    s.level.to_string(),
                    s.level_name.clone(),
                    s.by.clone(),
                    s.whom.clone(),
                    s.reason.to_string(),
                ]
            })
            .collect();
        blocks.push(Block::Records(Records {
            heads: words(&[label::TIME, label::KIND, label::WHO, label::TEXT]),
            columns: vec![
                vec![Part::Raw(0)],
                vec![Part::Raw(1), lit(" «"), Part::Raw(2), lit("»")],
                vec![Part::Raw(3), lit(" → "), Part::Raw(4)],
                vec![Part::Raw(5)],
            ],
            line: vec![
                Part::Raw(0),
                lit(" · "),
                Part::Raw(1),
                lit(" «"),
                Part::Text(2),
                lit("» · "),
                Part::Text(3),
                lit(" → "),
                Part::Text(4),
                lit(" · "),
                Part::Text(5),
            ],
            rows,
            empty: w.none.to_string(),
        }));
    }

    blocks.push(heading(2, w.sections[section::CLOCKS]));
    blocks.push(Block::Bullets {
        items: r.records.clocks.iter().map(|c| clock_line(c, zone)).collect(),
        empty: w.none.to_string(),
    });

    blocks.push(heading(2, w.sections[section::COMMUNICATIONS]));
    let communications = r
        .records
        .communications
        .iter()
        .map(|e| {
            vec![
                local_time(e.at, zone),
                e.channel.to_string(),
                e.audience.clone(),
                e.sender.clone(),
                e.state.to_string(),
                e.text.clone(),
            ]
        })
        .collect();
    blocks.push(Block::Records(Records::plain(
        words(&[label::TIME, label::CHANNEL, label::AUDIENCE, label::SENDER, label::DELIVERY, label::TEXT]),
        communications,
        vec![
            Part::Raw(0),
            lit(" · "),
            Part::Raw(1),
            lit(" → "),
            Part::Text(2),
            lit(" · "),
            Part::Text(3),
            lit(" · "),
            Part::Raw(4),
            lit(": "),
            Part::Text(5),
        ],
        w.none,
    )));

    blocks.extend(prose(section::ROOT_CAUSE, &f.root_cause));
    blocks.push(heading(2, w.sections[section::ACTIONS]));
    let actions = f
        .actions
        .iter()
        .map(|a| vec![a.text.clone(), a.owner.clone(), a.due.map_or_else(String::new, |d| d.to_string())])
        .collect();
    blocks.push(Block::Records(Records::plain(
        words(&[label::TEXT, label::OWNER, label::DUE_DATE]),
        actions,
        vec![
            Part::Text(0),
            Part::lit(format!(" ({} ", w.report[label::OWNER])),
            Part::Text(1),
            Part::IfRaw { field: 2, before: format!(", {} ", w.report[label::DUE_DATE]) },
            lit(")"),
        ],
        w.none,
    )));
    blocks.extend(prose(section::LESSONS, &f.lessons));
    Document { lang: lang.tag().to_string(), title, blocks }
}

/// The header facts as (label, raw value) pairs.
fn facts(r: &PostIncidentReport, w: &Words, zone: Tz) -> Vec<(String, String)> {
    let h = &r.header;
    let completed = match &r.completed {
        Some(c) => format!("{} {}", c.by, local_time(c.at, zone)),
        None => w.report[label::DRAFT].to_string(),
    };
    [
        (w.report[label::REFERENCE], h.reference.clone()),
        (w.report[label::AGREEMENT], h.agreement.clone()),
        (w.priority, h.priority.clone()),
        (w.report[label::DECLARED], local_time(h.declared_at, zone)),
        (w.report[label::RESOLVED], local_time(h.resolved_at, zone)),
        (w.report[label::REPORT_DUE], local_time(h.due, zone)),
        (w.report[label::COMPLETED_BY], completed),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_string(), value))
    .collect()
}

fn text_or_placeholder<'a>(text: &'a str, w: &Words) -> &'a str {
    if text.trim().is_empty() { w.not_filled_in } else { text.trim() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::major::FollowUp;
    use crate::domain::major::report::tests::draft;

    /// The report used for the outputs kept in tests/fixtures/pir, written by the renderer before it moved onto
    /// the document model: the same report must give the same bytes.
    fn fixture() -> PostIncidentReport {
        let mut report = draft();
        report.findings.root_cause = "*Ikke* [kjent](http://x)".into();
        report.findings.lessons = "Line one\nLine <two> & 'three'".into();
        report.findings.actions = vec![
            FollowUp {
                text: "Fix \"it\"".into(),
                owner: "<b>ops</b>".into(),
                due: chrono::NaiveDate::from_ymd_opt(2026, 3, 20),
            },
            FollowUp { text: "1. first".into(), owner: "drift".into(), due: None },
        ];
        report
    }

    #[test]
    fn the_document_model_renders_the_report_as_before_in_every_language() {
        let oslo = chrono_tz::Europe::Oslo;
        let expected = [
            (
                Lang::Nb,
                include_str!("../../tests/fixtures/pir/golden_nb.md"),
                include_str!("../../tests/fixtures/pir/golden_nb.html"),
            ),
            (
                Lang::Sv,
                include_str!("../../tests/fixtures/pir/golden_sv.md"),
                include_str!("../../tests/fixtures/pir/golden_sv.html"),
            ),
            (
                Lang::En,
                include_str!("../../tests/fixtures/pir/golden_en.md"),
                include_str!("../../tests/fixtures/pir/golden_en.html"),
            ),
        ];
        for (lang, md, page) in expected {
            assert_eq!(markdown(&fixture(), lang, oslo), md, "{lang:?}");
            assert_eq!(html(&fixture(), lang, oslo), page, "{lang:?}");
        }
    }

    /// Hostile text in every field a user or an agreement fills, with escalations and a completion: the
    /// outputs in tests/fixtures/pir/hostile_* were also written by the renderer before the document model.
    fn hostile() -> PostIncidentReport {
        use crate::domain::agreement::spec::TargetKind;
        use crate::domain::major::escalation::{EscalationReason, EscalationStep};
        use crate::domain::major::report::Completion;
        use crate::domain::major::test_support::oslo;
        let mut report = draft();
        report.header.title = "<script>alert(\"x\")</script> & *db* [down](http://x)".into();
        report.header.agreement = "A|B <i>".into();
        report.header.exercise = false;
        report.records.escalations = vec![
            EscalationStep {
                level: 1,
                level_name: "Vakt*sjef* <b>".into(),
                at: oslo(2026, 3, 2, 15, 30),
                by: "anna_b".into(),
                whom: "<ops> & `dev`".into(),
                reason: EscalationReason::Manual { note: "too *slow* <now>\nsecond line".into() },
            },
            EscalationStep {
                level: 2,
                level_name: "Direktør".into(),
                at: oslo(2026, 3, 2, 16, 0),
                by: "per".into(),
                whom: "cio".into(),
                reason: EscalationReason::ClockThreshold { target: TargetKind::Resolution, percent: 80 },
            },
        ];
        report.findings.summary = "# not a heading\n- not a list\n> not a quote".into();
        report.findings.impact = String::new();
        report.completed = Some(Completion { by: "kari_<x>".into(), at: oslo(2026, 3, 5, 9, 0) });
        report
    }

    #[test]
    fn hostile_text_and_escalations_render_as_before() {
        let oslo = chrono_tz::Europe::Oslo;
        let expected = [
            (
                Lang::Nb,
                include_str!("../../tests/fixtures/pir/hostile_nb.md"),
                include_str!("../../tests/fixtures/pir/hostile_nb.html"),
            ),
            (
                Lang::En,
                include_str!("../../tests/fixtures/pir/hostile_en.md"),
                include_str!("../../tests/fixtures/pir/hostile_en.html"),
            ),
        ];
        for (lang, md, page) in expected {
            assert_eq!(markdown(&hostile(), lang, oslo), md, "{lang:?}");
            assert_eq!(html(&hostile(), lang, oslo), page, "{lang:?}");
        }
    }

    #[test]
    fn markdown_has_every_section_and_escapes_text() {
        let mut report = draft();
        report.findings.root_cause = "*Ikke* [kjent](http://x)".into();
        let md = markdown(&report, Lang::Nb, chrono_tz::Europe::Oslo);
        let sections = [
            "## Sammendrag",
            "## Konsekvens",
            "## Tidslinje",
            "## SLA-klokker",
            "## Kommunikasjon",
            "## Rotårsak",
            "## Tiltak og oppfølging",
            "## Læringspunkter",
        ];
        let positions: Vec<usize> =
            sections.iter().map(|s| md.find(s).unwrap_or_else(|| panic!("{s} in\n{md}"))).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "sections out of order");
        assert!(md.starts_with("# Hendelsesrapport: INC-2026-0042 – SBL utilgjengelig\n\n**ØVELSE – dette er en øvelse, ikke en reell hendelse**"), "{md}");
        assert!(md.contains("\\*Ikke\\* \\[kjent\\](http://x)"), "{md}");
        assert!(md.contains("\\<script\\>alert('x')\\</script\\> \\& \"reload\"␛\\[2J"), "{md}");
        assert!(md.contains("- resolution (24x7): 2026-03-02 19:00, 3 h 30 m / 5 h, met"), "{md}");
        assert!(md.contains("email → nav · anna · sent: Storhendelse INC-2026-0042 \\*nede\\*"), "{md}");
        assert!(md.contains("## Læringspunkter\n\n(ikke fylt ut)"), "{md}");
        assert!(md.contains("- Fullført av: Utkast\n"), "{md}");
    }

    #[test]
    fn html_is_a_complete_document_with_hostile_text_escaped() {
        let mut report = draft();
        report.findings.lessons = "Line one\nLine <two> & 'three'".into();
        report.findings.actions = vec![FollowUp {
            text: "Fix \"it\"".into(),
            owner: "<b>ops</b>".into(),
            due: chrono::NaiveDate::from_ymd_opt(2026, 3, 20),
        }];
        let html = html(&report, Lang::Sv, chrono_tz::Europe::Oslo);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">"), "{html}");
        assert!(html.trim_end().ends_with("</body>\n</html>"));
        assert!(!html.contains("<script") && !html.contains("<b>ops") && !html.contains('\u{1b}'));
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;reload&quot;␛[2J"),
            "{html}"
        );
        assert!(html.contains("Line one<br>\nLine &lt;two&gt; &amp; &#39;three&#39;"), "{html}");
        assert!(
            html.contains("<td>Fix &quot;it&quot;</td><td>&lt;b&gt;ops&lt;/b&gt;</td><td>2026-03-20</td>"),
            "{html}"
        );
        assert!(html.contains("<p class=\"exercise\">ÖVNING – detta är en övning, inte en verklig händelse</p>"));
        assert!(html.contains("<h2>Grundorsak</h2>\n<p class=\"text\">(inte ifyllt)</p>"), "{html}");
        assert!(!html.contains("src=") && !html.contains("href=") && !html.contains("<link"), "no external resources");
    }
}
