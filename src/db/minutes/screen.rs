//! What the console's minutes screen reads, in the app's plain types: the list of series and meetings, and one
//! meeting's minutes. The reads are the CLI's (`meetings`, `show::minutes`), so both see the same rights.

use sqlx::PgPool;

use crate::app::screens::minutes::data::{
    AttendanceLine, DecisionLine, FollowUpLine, ItemLine, MeetingHead, MeetingLine, MeetingList, MinutesDetail,
    SeriesLine,
};
use crate::db::DbError;

/// Every series and every meeting the caller may read.
pub async fn list(pool: &PgPool) -> Result<MeetingList, DbError> {
    let series = super::series(pool)
        .await?
        .into_iter()
        .map(|s| SeriesLine { code: s.code, title: s.title, agreement: s.agreement, chair: s.chair })
        .collect();
    let meetings = super::meetings(pool, None, None, None)
        .await?
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            series: m.series,
            starts_at: m.starts_at,
            state: m.state,
            follow_ups_open: m.follow_ups_open,
            corrections: m.corrections,
        })
        .collect();
    Ok(MeetingList { series, meetings })
}

/// One meeting's minutes, as the caller may read them.
pub async fn detail(pool: &PgPool, id: i64) -> Result<MinutesDetail, DbError> {
    let m = super::show::minutes(pool, id).await?;
    Ok(MinutesDetail {
        head: MeetingHead {
            id: m.id,
            series: m.series,
            title: m.title,
            agreement: m.agreement,
            starts_at: m.starts_at,
            state: m.state,
            opened_by: m.opened_by,
            published_by: m.published_by,
            published_at: m.published_at,
        },
        attendance: m
            .attendance
            .into_iter()
            .map(|a| AttendanceLine { participant: a.participant, mandatory: a.mandatory, present: a.present })
            .collect(),
        agenda: m.agenda,
        items: m
            .items
            .into_iter()
            .map(|i| ItemLine {
                id: i.id,
                position: i.position,
                section: i.section,
                title: i.title,
                notes: i.notes,
                discussed: i.discussed,
                version: i.version,
            })
            .collect(),
        decisions: m
            .decisions
            .into_iter()
            .map(|d| DecisionLine { item_id: d.item_id, text: d.text, decided_by: d.decided_by })
            .collect(),
        follow_ups: m
            .follow_ups
            .into_iter()
            .map(|p| FollowUpLine {
                concerns: p.concerns(),
                id: p.id,
                text: p.text,
                owner: p.owner,
                due: p.due,
                state: p.state,
                answer: p.answer,
                answered_at: p.answered_at,
            })
            .collect(),
        corrections: m.corrections,
    })
}
