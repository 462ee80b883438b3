//! Output formats of the scripting interface: aligned tables for people, JSON and CSV for scripts.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Rows as a table or CSV, or the serialisable value as JSON, by the chosen format.
pub fn render<T: Serialize + ?Sized>(format: Format, headers: &[&str], rows: &[Vec<String>], value: &T) -> String {
    match format {
        Format::Table => table(headers, rows),
        Format::Csv => csv(headers, rows),
        Format::Json => json(value),
    }
}

/// Renders rows as an aligned text table with a header line. Every cell is neutralised (control characters,
/// escape sequences and bidirectional overrides made visible): tables are for terminals.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| crate::domain::text::one_line(cell).into_owned()).collect())
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}", w = *w)).collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// RFC 4180 CSV, safe to open in a spreadsheet (`report::csv`).
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    crate::report::csv::render(headers, rows)
}

/// A document meant for a file (an agreement's TOML): its exact bytes when stdout is redirected, neutralised like any
/// other stored text when it is a terminal.
pub fn exact_unless_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() { crate::domain::text::block(text) } else { std::borrow::Cow::Borrowed(text) }
}

pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising our own plain data cannot fail; fall back to an empty document rather than panic.
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_on_characters_not_bytes() {
        let out = table(
            &["REF", "ORG"],
            &[vec!["INC-1".into(), "Tranemo".into()], vec!["INC-22".into(), "Ulricehamn".into()]],
        );
        assert_eq!(out, "REF     ORG\nINC-1   Tranemo\nINC-22  Ulricehamn\n");
        let nordic = table(&["A"], &[vec!["Høy".into()], vec!["abc".into()]]);
        assert_eq!(nordic, "A\nHøy\nabc\n");
    }

    #[test]
    fn table_cells_cannot_drive_the_terminal() {
        let out = table(&["title"], &[vec!["x\u{1b}[2J\u{202e}y".into()]]);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'), "{out:?}");
    }
}
