//! Rows as RFC 4180 CSV that a spreadsheet may open safely.

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled. Every cell is made safe to
/// open in a spreadsheet first (see [`spreadsheet_safe`]).
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let field = |f: &str| {
        let f = spreadsheet_safe(f);
        if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f }
    };
    let mut out = headers.iter().map(|h| field(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// A cell as a spreadsheet may safely open it: control characters other than line breaks are made visible (as
/// in the console), and a cell that would start a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first)
/// gets a leading apostrophe, as OWASP advises against CSV injection. Plain signed numbers such as `-5` or `+1.5`
/// are left alone, so that scripts read them as numbers: a spreadsheet reads them as numbers too and runs nothing.
/// Anything else that starts with a sign (`-00:12`, `-1e5`, `+47 900 00 001`) gets the apostrophe.
pub fn spreadsheet_safe(cell: &str) -> String {
    let shown = crate::domain::text::block(cell);
    let is_number = shown
        .strip_prefix(['-', '+'])
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.') && rest.parse::<f64>().is_ok());
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_number => format!("'{shown}"),
        _ => shown.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let out = render(&["ref", "title"], &[vec!["INC-1".into(), "Disk \"full\", again\nand again".into()]]);
        assert_eq!(out, "ref,title\r\nINC-1,\"Disk \"\"full\"\", again\nand again\"\r\n");
    }

    #[test]
    fn csv_cells_cannot_run_formulas_or_drive_a_terminal() {
        let out = render(
            &["title", "n"],
            &[
                vec!["=HYPERLINK(\"http://x\")".into(), "-5".into()],
                vec!["+1+1".into(), "@SUM(A1)".into()],
                vec!["-2+3".into(), "\tTab".into()],
                vec!["x\u{1b}[2Jy".into(), "Høy – A".into()],
            ],
        );
        assert_eq!(
            out,
            "title,n\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-5\r\n'+1+1,'@SUM(A1)\r\n'-2+3,'    Tab\r\nx␛[2Jy,Høy – A\r\n"
        );
    }

    #[test]
    fn only_plain_signed_numbers_keep_their_sign_first() {
        for kept in ["-5", "+5", "-1.5", "-.5", "12", "Høy"] {
            assert_eq!(spreadsheet_safe(kept), kept);
        }
        for guarded in ["-", "+", "-.", "--5", "-1e5", "-00:12", "-5 min", "+47 900 00 001", "@", "=1", "-inf", "+NaN"]
        {
            assert_eq!(spreadsheet_safe(guarded), format!("'{guarded}"));
        }
        // A carriage return first is a line break for a spreadsheet (kept inside the quoted cell) and is guarded.
        assert_eq!(render(&["a"], &[vec!["\r=1+1".into()]]), "a\r\n\"'\n=1+1\"\r\n");
        // Other controls are shown, never passed on: a NUL, a bell, DEL, C1 and invisible characters.
        assert_eq!(spreadsheet_safe("a\u{0}b\u{7}c\u{7f}d\u{85}e\u{2029}f"), "a␀b␇c␡d<U+0085>e<U+2029>f");
    }
}
