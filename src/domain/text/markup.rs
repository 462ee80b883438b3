//! Escaping text that came from anywhere for each output format, so that it is always shown as written
//! and never interpreted. Control characters and bidirectional overrides are first made visible
//! (see [`crate::domain::text`]); then the format's own special characters are escaped.

use crate::domain::text;

/// Text for an HTML element or a quoted attribute: `& < > " '` become character references.
pub fn html(s: &str) -> String {
    let visible = text::block(s);
    let mut out = String::with_capacity(visible.len() + 16);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line text as HTML: escaped, with line breaks as `<br>`.
pub fn html_lines(s: &str) -> String {
    html(s).replace('\n', "<br>\n")
}

/// Text for Markdown (CommonMark): ASCII punctuation that could start markup is backslash-escaped, so
/// `*`, `_`, links, HTML tags, entities and line-start lists, quotes and headings stay literal. Line breaks
/// are kept as hard breaks.
pub fn markdown(s: &str) -> String {
    let visible = text::block(s);
    let lines: Vec<String> = visible.lines().map(markdown_line).collect();
    lines.join("\\\n")
}

/// One line of Markdown: line breaks become spaces.
pub fn markdown_inline(s: &str) -> String {
    markdown_line(&text::one_line(s).replace('⏎', " "))
}

fn markdown_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut at_start = true;
    for c in line.chars() {
        let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!' | '#')
            || (at_start && matches!(c, '-' | '+' | '=' | '{' | '}'))
            || (matches!(c, '.' | ')') && starts_with_digits(&out));
        if special {
            out.push('\\');
        }
        out.push(c);
        if !c.is_whitespace() {
            at_start = false;
        }
    }
    out
}

/// Whether `out` is (indentation and) digits only: a following `.` or `)` would start an ordered list.
fn starts_with_digits(out: &str) -> bool {
    let trimmed = out.trim_start();
    !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit())
}

/// Text for Slack's `text` fields: only `&`, `<` and `>` are control characters and become entities, so
/// `<!channel>` or `<http://x|y>` cannot mention or link anyone.
pub fn slack(s: &str) -> String {
    text::block(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_for_html() {
        let hostile = "<script>alert('x')</script> & \"quoted\"\u{1b}[2J";
        assert_eq!(html(hostile), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;␛[2J");
        assert_eq!(html_lines("a\r\nb"), "a<br>\nb");
        assert_eq!(html("&amp;"), "&amp;amp;");
    }

    #[test]
    fn markdown_keeps_text_literal() {
        let cases = [
            ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
            ("[link](http://x)", "\\[link\\](http://x)"),
            ("<b>&amp;</b>", "\\<b\\>\\&amp;\\</b\\>"),
            ("# heading", "\\# heading"),
            ("- item", "\\- item"),
            ("1. first", "1\\. first"),
            ("2) second", "2\\) second"),
            ("2026-03-02 kl. 14", "2026-03-02 kl. 14"),
            ("a | b", "a \\| b"),
            ("C:\\temp", "C:\\\\temp"),
        ];
        for (text, want) in cases {
            assert_eq!(markdown(text), want, "{text}");
        }
        assert_eq!(markdown("one\ntwo"), "one\\\ntwo");
        assert_eq!(markdown_inline("one\ntwo"), "one two");
        assert_eq!(markdown("bell\u{7}"), "bell␇");
    }

    #[test]
    fn slack_control_characters_become_entities() {
        assert_eq!(slack("<!channel> & <http://evil|click>"), "&lt;!channel&gt; &amp; &lt;http://evil|click&gt;");
    }
}
