//! Exports: pure renderers on one small document model. A report, minutes or an announcement is built once as a
//! [`Document`] and rendered to Markdown ([`markdown`]) or a self-contained HTML page ([`html`]); lists of rows go
//! to CSV ([`csv`]). Every piece of text is escaped for its format here (with the rules of
//! `domain::text::markup`), so a builder never writes markup. The maintenance calendar goes to iCalendar ([`ics`]).

// Pure like the domain: the stamp of an export is an argument, never read from a clock here.
#![deny(clippy::disallowed_methods)]

pub mod change_needs;
pub mod csv;
pub mod html;
pub mod ics;
pub mod markdown;
pub mod minutes;
pub mod pir;
pub mod service;
mod svg;

/// A report as headings, paragraphs, lists and tables, independent of its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The language tag of the text (`nb`, `sv`, `en`).
    pub lang: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading of level 1 (the document's title), 2 or 3.
    Heading { level: u8, text: String },
    /// A line that must stand out (an exercise).
    Banner(String),
    /// Label and value pairs.
    Facts(Vec<(String, String)>),
    /// Free text; its line breaks are kept.
    Prose(String),
    /// One line per item; `empty` stands in for none.
    Bullets { items: Vec<String>, empty: String },
    /// Rows of fields: in HTML a table whose cells are composed by `columns`, in Markdown one bullet per row written
    /// by `line`; `empty` stands in for no rows.
    Records(Records),
    /// One bar per item of a measure against its target: inline SVG in HTML, a line of text in Markdown.
    Bars(Vec<Bar>),
}

/// A value in percent against a target in percent (availability against its target).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// `None` when there is nothing to measure (no operating time).
    pub percent: Option<f64>,
    pub target: f64,
    /// What the bar says in words ("99.95 % of 99.9 %: met").
    pub text: String,
}

// Bars carry floats; a report's blocks still compare exactly (the same figures give the same document).
impl Eq for Bar {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    pub heads: Vec<String>,
    /// One template per column.
    pub columns: Vec<Vec<Part>>,
    /// The Markdown bullet of a row.
    pub line: Vec<Part>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
}

/// A piece of a composed cell or line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Fixed text of the template (a separator such as ` · `).
    Lit(String),
    /// A field that is text from anywhere: escaped.
    Text(usize),
    /// A field vakt wrote itself (a time, a kind of entry): kept as is in Markdown, escaped in HTML.
    Raw(usize),
    /// `before` and the field, when the field is not empty.
    IfRaw { field: usize, before: String },
}

impl Part {
    pub fn lit(text: impl Into<String>) -> Part {
        Part::Lit(text.into())
    }
}

impl Records {
    /// A table whose cells are the fields themselves, one per heading.
    pub fn plain(heads: Vec<String>, rows: Vec<Vec<String>>, line: Vec<Part>, empty: impl Into<String>) -> Records {
        let columns = (0..heads.len()).map(|i| vec![Part::Text(i)]).collect();
        Records { heads, columns, line, rows, empty: empty.into() }
    }
}

/// Writes a template for one row; `escape` is applied to `Text` fields.
fn compose(parts: &[Part], row: &[String], escape: &dyn Fn(&str) -> String) -> String {
    let field = |i: usize| row.get(i).map_or("", String::as_str);
    parts
        .iter()
        .map(|part| match part {
            Part::Lit(text) => text.clone(),
            Part::Text(i) => escape(field(*i)),
            Part::Raw(i) => field(*i).to_string(),
            Part::IfRaw { field: i, before } if !field(*i).is_empty() => format!("{before}{}", field(*i)),
            Part::IfRaw { .. } => String::new(),
        })
        .collect()
}
