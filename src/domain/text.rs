//! Text that came from anywhere (titles, notes, reporters) is stored as given but shown neutralised: control
//! characters, terminal escape sequences and bidirectional overrides become visible symbols, so a title can
//! never move the cursor of someone else's terminal or reorder what they read.

pub mod duration;
pub mod markup;

use std::borrow::Cow;

/// For one-line cells: line breaks become `⏎`, every other control character a visible symbol.
pub fn one_line(text: &str) -> Cow<'_, str> {
    neutralise(text, false)
}

/// For multi-line views: line breaks are kept, tabs become spaces, other controls visible symbols.
pub fn block(text: &str) -> Cow<'_, str> {
    neutralise(text, true)
}

fn neutralise(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(needs_replacing) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' if keep_newlines => out.push('\n'),
            '\n' | '\r' => out.push('⏎'),
            '\t' => out.push_str(if keep_newlines { "    " } else { " " }),
            // C0 controls map onto the Control Pictures block (U+2400..U+241F): ESC shows as ␛.
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
            '\u{7f}' => out.push('␡'),
            c if is_c1_or_format(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || is_c1_or_format(c)
}

/// Whether a character is one of the invisible ones that can hide or reorder text (see `is_c1_or_format`): for
/// the other filters (the terminal backend, SMS), so that every one of them knows the same list.
pub fn is_hidden(c: char) -> bool {
    is_c1_or_format(c)
}

/// C1 controls (CSI and friends as single code points), the bidirectional overrides and isolates, and the
/// invisible characters that can hide or reorder text: line and paragraph separators, the soft hyphen, the
/// Mongolian vowel separator, the deprecated format characters, interlinear annotation marks and tag characters.
fn is_c1_or_format(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Shortens to at most `max` characters, marking the cut with `…`.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn invisible_and_reordering_characters_are_shown() {
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{ad}',
            '\u{180e}',
            '\u{206a}',
            '\u{206f}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{e0001}',
            '\u{e007f}',
        ] {
            let shown = one_line(&format!("a{c}b")).into_owned();
            assert_eq!(shown, format!("a<U+{:04X}>b", c as u32), "{c:?}");
        }
        assert_eq!(one_line("Trådlöst nätverk – Høy"), "Trådlöst nätverk – Høy", "ordinary Nordic text stays as it is");
    }
    use super::*;

    #[test]
    fn escape_sequences_become_visible_and_harmless() {
        let hostile = "Printer down\u{1b}[2J\u{1b}]0;pwned\u{7}";
        let shown = one_line(hostile);
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(!shown.contains('\u{7}'));
        assert_eq!(shown, "Printer down␛[2J␛]0;pwned␇");
    }

    #[test]
    fn c1_controls_and_bidi_overrides_are_named() {
        assert_eq!(one_line("a\u{9b}31mb"), "a<U+009B>31mb");
        assert_eq!(one_line("abc\u{202e}fed"), "abc<U+202E>fed");
    }

    #[test]
    fn line_breaks_depend_on_the_view() {
        assert_eq!(one_line("one\r\ntwo\nthree"), "one⏎two⏎three");
        assert_eq!(block("one\r\ntwo\tx"), "one\ntwo    x");
    }

    #[test]
    fn clean_text_is_not_copied() {
        assert!(matches!(one_line("Helsejournal nede – Molde"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate("Trådlöst nätverk", 8), "Trådlös…");
        assert_eq!(truncate("SBL", 8), "SBL");
    }
}
