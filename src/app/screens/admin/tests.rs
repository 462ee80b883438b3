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
    assert_eq!(
        screen.switch(-1),
        DbCommand::LoadAdmin { section: *AdminSection::ALL.last().unwrap_or(&AdminSection::Staff) }
    );
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
