//! Reading a frozen agenda back. Agendas frozen before `WindowRow::kind` was stored as `window_kind` have window rows
//! whose tag (`"kind": "window"`) was overwritten by the window's own kind (`"freeze"`, `"primary_window"`): jsonb
//! keeps the last of two equal keys. Those rows are recognised by their window fields and given their tag back, so
//! minutes opened before the fix stay readable.

use serde_json::Value;

use crate::domain::minutes::agenda::Agenda;

/// The tags `agenda::Row` is written with.
const ROW_TAGS: [&str; 7] = ["correction", "follow_up", "incident", "breach", "window", "availability", "carried"];

pub fn parse(text: &str) -> Result<Agenda, serde_json::Error> {
    let mut value: Value = serde_json::from_str(text)?;
    let rows = value
        .get_mut("sections")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|section| section.get_mut("rows").and_then(Value::as_array_mut))
        .flatten();
    for row in rows {
        let Some(object) = row.as_object_mut() else { continue };
        let tag = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let window_shaped = ["series_id", "services", "start", "end"].iter().all(|k| object.contains_key(*k));
        if !ROW_TAGS.contains(&tag) && window_shaped && !object.contains_key("window_kind") {
            let kind = object.remove("kind").unwrap_or(Value::Null);
            object.insert("window_kind".into(), kind);
            object.insert("kind".into(), Value::String("window".into()));
        }
    }
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::minutes::agenda::Row;

    const BEFORE_THE_FIX: &str = r#"{"starts_at":"2026-12-08T09:00:00Z","since":"2026-12-01T09:00:00Z",
        "until":"2026-12-22T09:00:00Z","sections":[{"kind":"maintenance","title":"Maintenance and freezes",
        "rows":[{"kind":"freeze","series_id":3,"services":["SBL"],"start":"2026-12-20T00:00:00Z",
        "end":"2027-01-02T00:00:00Z","state":"approved","reason":"Jul"}]}]}"#;

    #[test]
    fn a_window_row_that_lost_its_tag_is_read_as_a_window_of_its_kind() {
        let agenda = parse(BEFORE_THE_FIX).expect("readable again");
        let Row::Window(window) = &agenda.sections[0].rows[0] else { panic!("not a window: {agenda:?}") };
        assert_eq!((window.kind.as_str(), window.series_id), ("freeze", 3));
    }

    #[test]
    fn an_agenda_written_now_reads_back_unchanged() {
        let agenda = parse(BEFORE_THE_FIX).expect("readable");
        let again = parse(&serde_json::to_string(&agenda).expect("written")).expect("read back");
        assert_eq!(again, agenda);
    }
}
