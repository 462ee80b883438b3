//! A small line diff for correction notices: what the corrected minutes say now against what was sent. A longest
//! common subsequence of lines is enough for minutes (a few hundred lines); very long documents are not compared
//! line by line, so a notice never costs the worker a quadratic pass over megabytes.

/// Lines beyond which the two texts are not compared line by line.
const MAX_LINES: usize = 4000;

/// The changed lines of `now` against `before`: `- ` for a line only in `before`, `+ ` for a line only in `now`, in
/// document order. Empty when the texts have the same lines.
pub fn lines(before: &str, now: &str) -> Vec<String> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = now.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        if a == b {
            return Vec::new();
        }
        return vec![format!(
            "(the minutes are too long to compare line by line: {} lines now, {} sent)",
            b.len(),
            a.len()
        )];
    }
    // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || common[i + 1][j] >= common[i][j + 1]) {
            // What was sent comes first, then what replaces it, as readers of a diff expect.
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn the_same_text_has_no_difference() {
        assert!(lines("a\nb\n", "a\nb\n").is_empty());
    }

    #[test]
    fn a_changed_line_is_taken_out_and_put_in() {
        assert_eq!(lines("a\nkategori A\nc", "a\nkategori B\nc"), vec!["- kategori A", "+ kategori B"]);
    }

    #[test]
    fn added_lines_keep_their_place() {
        assert_eq!(lines("# M\n\nend", "# M\n\n## Corrections\n- x\n\nend"), vec!["+ ## Corrections", "+ - x", "+ "]);
    }

    #[test]
    fn long_documents_are_summarised_not_compared() {
        let long = "x\n".repeat(super::MAX_LINES + 1);
        assert_eq!(lines(&long, &long), Vec::<String>::new());
        assert_eq!(lines(&long, "y").len(), 1);
    }
}
