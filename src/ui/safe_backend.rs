//! The last line of defence between stored text and someone's terminal: every cell on its way out is checked,
//! so a title, note or name that slipped past `domain::text` can still not reorder what the viewer reads.
//! ratatui already drops C0/C1 control characters; this replaces bidirectional overrides and invisible
//! format characters (which ratatui passes through) with a visible replacement character of the same width.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

pub struct SafeBackend<B> {
    inner: B,
}

impl<B> SafeBackend<B> {
    pub fn new(inner: B) -> Self {
        Self { inner }
    }
}

/// Characters that change how surrounding text is ordered or shown without being visible themselves: the same
/// list as `domain::text` neutralises.
pub fn is_hidden_format(c: char) -> bool {
    crate::domain::text::is_hidden(c)
}

impl<B: Backend> Backend for SafeBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let cells: Vec<(u16, u16, Cell)> = content
            .map(|(x, y, cell)| {
                let mut cell = cell.clone();
                if cell.symbol().chars().any(is_hidden_format) {
                    let symbol: String =
                        cell.symbol().chars().map(|c| if is_hidden_format(c) { '\u{fffd}' } else { c }).collect();
                    cell.set_symbol(&symbol);
                }
                (x, y, cell)
            })
            .collect();
        self.inner.draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell)))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Paragraph;

    #[test]
    fn bidi_overrides_never_reach_the_terminal() {
        let mut terminal = Terminal::new(SafeBackend::new(TestBackend::new(20, 1))).unwrap();
        let hostile = "abc\u{202e}fed\u{200b}x\u{2028}\u{ad}\u{180e}\u{206a}\u{fff9}\u{e0041}y";
        terminal.draw(|f| f.render_widget(Paragraph::new(hostile), f.area())).unwrap();
        let line: String = terminal.backend().inner.buffer().content().iter().map(|c| c.symbol().to_string()).collect();
        assert!(!line.chars().any(is_hidden_format), "{line:?}");
        for c in ['\u{2028}', '\u{ad}', '\u{180e}', '\u{206a}', '\u{fff9}', '\u{e0041}'] {
            assert!(!line.contains(c), "{c:?} in {line:?}");
        }
    }
}
