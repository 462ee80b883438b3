use super::AdminScreen;
use super::data::{AdminData, AdminSection, StaffLine};
use crate::app::effect::DbCommand;
use crate::app::model::StaffMember;
use crate::app::screens::ScreenState;

fn staff(logins: &[&str]) -> AdminData {
    AdminData::Staff(
        logins
            .iter()
            .map(|login| StaffLine {
                member: StaffMember {
                    login: (*login).into(),
                    full_name: login.to_uppercase(),
                    role: "operator".into(),
                    email: None,
                    phone: None,
                    active: true,
                },
                shifts_ahead: 0,
                servicedesk: false,
                duty: None,
                refusals: Vec::new(),
            })
            .collect(),
    )
}

#[test]
fn sections_wrap_around_and_each_is_read_afresh() {
    let mut screen = AdminScreen::default();
    screen.loaded(AdminSection::Staff, Ok(staff(&["ola", "kari"])));
    screen.move_selection(1);
    assert_eq!(screen.switch(1), DbCommand::LoadAdmin { section: AdminSection::Contacts });
    assert_eq!((screen.rows.clone(), screen.selected), (None, 0), "nothing of the staff shows as contacts");
    // A late answer for the section no longer shown is dropped.
    screen.loaded(AdminSection::Staff, Ok(staff(&["ola"])));
    assert_eq!(screen.rows, None);
    for _ in 2..AdminSection::ALL.len() {
        screen.switch(1);
    }
    assert_eq!(screen.section, *AdminSection::ALL.last().unwrap_or(&AdminSection::Staff));
    assert_eq!(screen.switch(1), DbCommand::LoadAdmin { section: AdminSection::Staff }, "wraps around");
    screen.switch(-1);
    assert_eq!(screen.section, *AdminSection::ALL.last().unwrap_or(&AdminSection::Staff), "and back");
}

#[test]
fn the_selection_stays_on_the_rows_there_are() {
    let mut screen = AdminScreen::default();
    screen.loaded(AdminSection::Staff, Ok(staff(&["a", "b", "c"])));
    screen.move_selection(isize::MAX / 2);
    assert_eq!(screen.selected_staff().map(|l| l.member.login.as_str()), Some("c"));
    screen.loaded(AdminSection::Staff, Ok(staff(&["a"])));
    assert_eq!(screen.selected_staff().map(|l| l.member.login.as_str()), Some("a"), "fewer rows now");
    assert_eq!(
        screen.resync(),
        vec![crate::app::effect::Effect::Db(DbCommand::LoadAdmin { section: AdminSection::Staff })]
    );
}

#[test]
fn the_audit_filter_line_reads_back_as_it_was_written_and_refuses_what_it_does_not_know() {
    use super::data::AuditQuery;
    let query = AuditQuery::parse("  login=admin table=staff from=2026-12-01 to=2026-12-05 ");
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d);
    assert_eq!(
        query,
        Ok(AuditQuery { table: Some("staff".into()), login: Some("admin".into()), from: day(1), to: day(5) })
    );
    assert_eq!(query.map(|q| q.line()), Ok("table=staff login=admin from=2026-12-01 to=2026-12-05".to_string()));
    assert_eq!(AuditQuery::parse(""), Ok(AuditQuery::default()));
    assert!(AuditQuery::parse("staff").is_err_and(|e| e.contains("key=value")));
    assert!(AuditQuery::parse("who=admin").is_err_and(|e| e.contains("unknown filter 'who'")));
    assert!(AuditQuery::parse("from=1.12.2026").is_err_and(|e| e.contains("YYYY-MM-DD")));
    assert!(AuditQuery::parse("from=2026-12-05 to=2026-12-01").is_err_and(|e| e.contains("before")));
}
