//! A [`Document`] as one self-contained HTML page: inline style, no scripts, no external resources, every text
//! escaped.

use super::{Block, Document, Records, compose};
use crate::domain::text::markup::{html, html_lines};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
line-height:1.4}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;\
padding:.25rem .5rem;text-align:left;vertical-align:top}.facts{width:auto}.text{white-space:normal}\
.exercise{font-weight:bold;border:2px solid #b00;padding:.5rem;color:#b00}";

pub fn render(document: &Document) -> String {
    let mut body = String::new();
    for block in &document.blocks {
        match block {
            Block::Heading { level, text } => {
                let level = level.clamp(&1, &6);
                body.push_str(&format!("<h{level}>{}</h{level}>\n", html(text)));
            }
            Block::Banner(text) => body.push_str(&format!("<p class=\"exercise\">{}</p>\n", html(text))),
            Block::Facts(facts) => {
                body.push_str("<table class=\"facts\">\n");
                for (label, value) in facts {
                    body.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>\n", html(label), html(value)));
                }
                body.push_str("</table>\n");
            }
            Block::Prose(text) => body.push_str(&format!("<p class=\"text\">{}</p>\n", html_lines(text))),
            Block::Bullets { items, empty } => {
                body.push_str("<ul>\n");
                for item in items {
                    body.push_str(&format!("<li>{}</li>\n", html(item)));
                }
                if items.is_empty() {
                    body.push_str(&format!("<li>{}</li>\n", html(empty)));
                }
                body.push_str("</ul>\n");
            }
            Block::Records(records) => body.push_str(&table(records)),
            Block::Bars(bars) => body.push_str(&super::svg::bars(bars)),
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html(&document.lang),
        html(&document.title)
    )
}

/// A table with escaped cells; multi-line cells keep their line breaks.
fn table(records: &Records) -> String {
    if records.rows.is_empty() {
        return format!("<p>{}</p>\n", html(&records.empty));
    }
    let mut out = String::from("<table>\n<tr>");
    for head in &records.heads {
        out.push_str(&format!("<th>{}</th>", html(head)));
    }
    out.push_str("</tr>\n");
    for row in &records.rows {
        out.push_str("<tr>");
        for column in &records.columns {
            let cell = compose(column, row, &|text| text.to_string());
            out.push_str(&format!("<td>{}</td>", html_lines(&cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Part;

    #[test]
    fn a_hostile_title_and_every_special_character_are_escaped() {
        let script = "<script>alert('x')</script>";
        let document = Document {
            lang: "en\"><script>".into(),
            title: script.into(),
            blocks: vec![
                Block::Heading { level: 1, text: script.into() },
                Block::Facts(vec![("<th>".into(), "a & b \"c\"\nd".into())]),
                Block::Prose("one <i>\ntwo\u{1b}[2J".into()),
                Block::Bullets { items: vec![], empty: "<none>".into() },
                Block::Records(Records {
                    heads: vec!["<Who>".into()],
                    columns: vec![vec![Part::Raw(0), Part::lit(" <&> "), Part::Text(1)]],
                    line: vec![],
                    rows: vec![vec!["<raw>".into(), "x\ny".into()]],
                    empty: String::new(),
                }),
            ],
        };
        let page = render(&document);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en&quot;&gt;&lt;script&gt;\">"), "{page}");
        assert!(page.contains("<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"), "{page}");
        assert!(page.contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"), "{page}");
        assert!(page.contains("<tr><th>&lt;th&gt;</th><td>a &amp; b &quot;c&quot;\nd</td></tr>"), "{page}");
        assert!(page.contains("<p class=\"text\">one &lt;i&gt;<br>\ntwo␛[2J</p>"), "{page}");
        assert!(page.contains("<li>&lt;none&gt;</li>"), "{page}");
        assert!(page.contains("<th>&lt;Who&gt;</th>"), "{page}");
        assert!(page.contains("<td>&lt;raw&gt; &lt;&amp;&gt; x<br>\ny</td>"), "{page}");
        assert!(!page.contains("<script") && !page.contains('\u{1b}'), "{page}");
        assert!(page.ends_with("</body>\n</html>\n"));
    }
}
