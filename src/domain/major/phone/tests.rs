//! Phone duty: call tasks for A/B, not for C; the notify step refuses e-mail alone.

use super::*;
use crate::domain::major::records::DeliveryState;
use crate::domain::major::test_support::oslo;

fn altinn_duty() -> PhoneDuty {
    PhoneDuty {
        priorities: vec!["A".into(), "B".into()],
        roles: vec!["Serviceleder".into(), "Hendelsesansvarlig".into()],
        note: None,
    }
}

fn contact(org: &str, name: &str, role: &str, phone: Option<&str>, mobile: Option<&str>) -> Contact {
    Contact {
        organisation: org.into(),
        name: name.into(),
        role: role.into(),
        email: Some(format!("{}@{org}.no", name.to_lowercase().replace(' ', "."))),
        phone: phone.map(Into::into),
        mobile: mobile.map(Into::into),
    }
}

fn directory() -> Vec<Contact> {
    vec![
        contact("nav", "Kari Nordmann", "Serviceleder", Some("21 00 00 00"), Some("900 00 001")),
        contact("nav", "Ola Nordmann", "Hendelsesansvarlig", Some("21 00 00 01"), None),
        contact("nav", "Per Hansen", "Informasjonsansvarlig", None, Some("900 00 003")),
        contact("skatteetaten", "Lise Berg", "serviceleder", None, Some("900 00 004")),
        contact("skatteetaten", "Nils Dahl", "Hendelsesansvarlig", None, None),
    ]
}

fn orgs() -> Vec<String> {
    vec!["nav".into(), "skatteetaten".into()]
}

fn email_to(org: &str, state: DeliveryState) -> LedgerEntry {
    LedgerEntry {
        at: oslo(2026, 3, 2, 14, 5),
        audience: org.into(),
        channel: ChannelKind::Email,
        text: "Storhendelse INC-2026-0042".into(),
        sender: "anna".into(),
        state,
    }
}

fn call(outcome: CallOutcome, note: &str) -> CallLog {
    CallLog { at: oslo(2026, 3, 2, 14, 10), by: "anna".into(), outcome, note: note.into() }
}

#[test]
fn a_and_b_get_call_tasks_per_contact_in_the_configured_roles_but_c_does_not() {
    let cases = [("A", 3, 1), ("B", 3, 1), ("b", 3, 1), ("C", 0, 0)];
    for (priority, tasks, gaps) in cases {
        let plan = plan_calls(&altinn_duty(), priority, &orgs(), &directory());
        assert_eq!((plan.tasks.len(), plan.gaps.len()), (tasks, gaps), "{priority}");
    }
    let plan = plan_calls(&altinn_duty(), "A", &orgs(), &directory());
    let numbers: Vec<(&str, &str)> = plan.tasks.iter().map(|t| (t.name.as_str(), t.number.as_str())).collect();
    assert_eq!(
        numbers,
        [("Kari Nordmann", "900 00 001"), ("Ola Nordmann", "21 00 00 01"), ("Lise Berg", "900 00 004")]
    );
    assert_eq!(plan.gaps[0].to_string(), "Nils Dahl (Hendelsesansvarlig, skatteetaten) has no phone or mobile number");
    let lonely = plan_calls(&altinn_duty(), "A", &["brreg".to_string()], &directory());
    let gaps: Vec<String> = lonely.gaps.iter().map(ToString::to_string).collect();
    assert_eq!(
        gaps,
        [
            "brreg has no Serviceleder in the contact directory",
            "brreg has no Hendelsesansvarlig in the contact directory"
        ]
    );
}

#[test]
fn a_call_needs_a_note_and_any_logged_outcome_completes_the_task() {
    let mut task = plan_calls(&altinn_duty(), "A", &orgs(), &directory()).tasks.remove(0);
    assert!(!task.is_done());
    assert_eq!(
        task.log_call(call(CallOutcome::NotReached, "  ")).unwrap_err().to_string(),
        "the call to Kari Nordmann needs a note: what was said, or why nobody answered"
    );
    for outcome in CallOutcome::ALL {
        let mut t = task.clone();
        t.log_call(call(*outcome, "ringte")).unwrap();
        assert!(t.is_done(), "{outcome}");
        assert_eq!(t.last_outcome(), Some(*outcome));
    }
    task.log_call(call(CallOutcome::Voicemail, "talebeskjed lagt igjen")).unwrap();
    assert_eq!(task.calls.len(), 1);
}

#[test]
fn the_notify_step_refuses_e_mail_alone_for_b_but_accepts_it_for_c() {
    let emails = vec![email_to("nav", DeliveryState::Sent), email_to("skatteetaten", DeliveryState::Pending)];
    let mut tasks = plan_calls(&altinn_duty(), "B", &orgs(), &directory()).tasks;
    let err = complete_notify_step(&altinn_duty(), "B", &orgs(), &emails, &tasks).unwrap_err();
    assert_eq!(
        err.to_string(),
        "priority B must be notified by phone as well as e-mail; no call is logged yet to Kari Nordmann \
         (Serviceleder, nav, 900 00 001); Ola Nordmann (Hendelsesansvarlig, nav, 21 00 00 01); Lise Berg \
         (serviceleder, skatteetaten, 900 00 004): log each call (reached, not reached or voicemail) before \
         completing the notify step"
    );
    assert_eq!(complete_notify_step(&altinn_duty(), "C", &orgs(), &emails, &[]), Ok(()));
    for task in &mut tasks {
        task.log_call(call(CallOutcome::Reached, "informert")).unwrap();
    }
    assert_eq!(complete_notify_step(&altinn_duty(), "B", &orgs(), &emails, &tasks), Ok(()));
}

#[test]
fn the_notify_step_needs_an_e_mail_to_every_organisation_and_someone_to_call() {
    let dead = vec![email_to("nav", DeliveryState::Sent), email_to("skatteetaten", DeliveryState::Dead)];
    assert_eq!(
        complete_notify_step(&altinn_duty(), "C", &orgs(), &dead, &[]).unwrap_err().to_string(),
        "no e-mail to skatteetaten is logged (or every one was dead-lettered): send the notification to every \
         affected organisation first, and send dead messages again once the channel works (R in the cockpit)"
    );
    let emails = vec![email_to("nav", DeliveryState::Sent), email_to("SKATTEETATEN", DeliveryState::Sent)];
    let tasks = plan_calls(&altinn_duty(), "A", &["nav".to_string()], &directory()).tasks;
    assert_eq!(
        complete_notify_step(&altinn_duty(), "A", &orgs(), &emails, &tasks).unwrap_err().to_string(),
        "priority A must be notified by phone, but there is nobody to call at skatteetaten: add a contact in the \
         role Serviceleder or Hendelsesansvarlig with a phone number to the contact directory"
    );
}
