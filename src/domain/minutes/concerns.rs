//! What a follow-up point concerns, as a chair types it: an incident (`INC-123`), a maintenance window (`W12`, the
//! calendar's series id) or an issued service report (`R5`). Any of them, or none.

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Concerns {
    pub incident: Option<String>,
    pub window: Option<i64>,
    pub report: Option<i64>,
}

impl Concerns {
    /// Reads `INC-123 W12 R5` (any order, commas or spaces between, any case); an empty text concerns nothing.
    pub fn parse(text: &str) -> Result<Concerns, String> {
        let mut concerns = Concerns::default();
        for word in text.split([',', ' ', ';']).map(str::trim).filter(|w| !w.is_empty()) {
            let upper = word.to_uppercase();
            let number = |rest: &str| rest.parse::<i64>().ok().filter(|n| *n > 0);
            if let Some(n) = upper.strip_prefix("INC-").and_then(number) {
                set(&mut concerns.incident, format!("INC-{n}"), word)?;
            } else if let Some(n) = upper.strip_prefix('W').and_then(number) {
                set(&mut concerns.window, n, word)?;
            } else if let Some(n) = upper.strip_prefix('R').and_then(number) {
                set(&mut concerns.report, n, word)?;
            } else {
                return Err(format!(
                    "'{word}' is not something a point can concern: write INC-123 (an incident), W12 (a maintenance \
                     window) or R5 (a service report)"
                ));
            }
        }
        Ok(concerns)
    }

    /// `INC-123, window 12, report 5`; empty when it concerns nothing.
    pub fn describe(&self) -> String {
        let incident = self.incident.clone();
        let window = self.window.map(|w| format!("window {w}"));
        let report = self.report.map(|r| format!("report {r}"));
        [incident, window, report].into_iter().flatten().collect::<Vec<_>>().join(", ")
    }
}

fn set<T>(slot: &mut Option<T>, value: T, word: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("'{word}': a point concerns at most one incident, one window and one report"));
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind_in_any_order_and_case() {
        let read = Concerns::parse("w12, inc-11501 R5").unwrap();
        assert_eq!(read, Concerns { incident: Some("INC-11501".into()), window: Some(12), report: Some(5) });
        assert_eq!(read.describe(), "INC-11501, window 12, report 5");
        assert_eq!(Concerns::parse("  ").unwrap(), Concerns::default());
        assert_eq!(Concerns::default().describe(), "");
    }

    #[test]
    fn says_what_it_cannot_read() {
        for bad in ["INC-", "W0", "R-3", "fredag", "INC-1 INC-2", "W1 w2"] {
            assert!(Concerns::parse(bad).is_err(), "{bad}");
        }
        assert!(Concerns::parse("fredag").unwrap_err().contains("'fredag' is not something"));
    }
}
