//! 4Minitz's carry-over rule: an item goes to the next meeting when it was not discussed or still has an open
//! follow-up point. Only items the chair added carry: the generated sections are written again from live data, so
//! carrying them would show the same incident or window twice.

use serde::{Deserialize, Serialize};

/// An item of the last meeting as it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOutcome {
    pub id: i64,
    pub section: String,
    pub title: String,
    pub notes: String,
    pub discussed: bool,
    /// Follow-up points of this item not yet closed.
    pub open_follow_ups: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    NotDiscussed,
    OpenFollowUp,
}

/// An item carried to the next meeting, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carried {
    pub item_id: i64,
    pub title: String,
    pub notes: String,
    pub why: Why,
}

/// Sections that are the chair's own (added by hand, or carried before); every other section is generated.
fn chairs_own(section: &str) -> bool {
    matches!(section, "other" | "carried")
}

/// The items of the last meeting that carry over, in their order.
pub fn carry_over(items: &[ItemOutcome]) -> Vec<Carried> {
    items
        .iter()
        .filter(|i| chairs_own(&i.section))
        .filter_map(|i| {
            let why = if !i.discussed {
                Why::NotDiscussed
            } else if i.open_follow_ups > 0 {
                Why::OpenFollowUp
            } else {
                return None;
            };
            Some(Carried { item_id: i.id, title: i.title.clone(), notes: i.notes.clone(), why })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, section: &str, discussed: bool, open: usize) -> ItemOutcome {
        ItemOutcome {
            id,
            section: section.into(),
            title: format!("item {id}"),
            notes: String::new(),
            discussed,
            open_follow_ups: open,
        }
    }

    #[test]
    fn undiscussed_or_open_items_carry_and_finished_or_generated_ones_do_not() {
        let items = [
            item(1, "other", false, 0),
            item(2, "other", true, 1),
            item(3, "other", true, 0),
            item(4, "incidents", false, 2),
            item(5, "carried", false, 0),
        ];
        let carried = carry_over(&items);
        let got: Vec<(i64, Why)> = carried.iter().map(|c| (c.item_id, c.why)).collect();
        assert_eq!(got, vec![(1, Why::NotDiscussed), (2, Why::OpenFollowUp), (5, Why::NotDiscussed)]);
    }
}
