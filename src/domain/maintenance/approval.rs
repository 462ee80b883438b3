//! The approvals an agreement asks for before a window is announced (ROR-IKT: an upgrade needs systemansvarlig and
//! driftsansvarlig, downtime for repairs the systemeier), and which of them are still missing.

use crate::domain::agreement::Agreement;

use super::WindowKind;

/// An approval as recorded: who, in which role, for which version of the series.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    pub approver: String,
    pub role: String,
    pub version: i32,
}

/// The roles the agreements of a window's services require for its kind, each once, in the agreements' order.
pub fn required_roles<'a>(agreements: impl IntoIterator<Item = &'a Agreement>, kind: WindowKind) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for agreement in agreements {
        for rule in agreement.spec().maintenance_approvals.iter().filter(|r| r.kinds.iter().any(|k| k == kind.as_str()))
        {
            for role in &rule.roles {
                if !roles.iter().any(|r| same_role(r, role)) {
                    roles.push(role.clone());
                }
            }
        }
    }
    roles
}

/// The required roles not yet covered by an approval given since the window last changed (`since`, its content
/// version): an edit after an approval needs it again.
pub fn missing(required: &[String], approvals: &[Approval], since: i32) -> Vec<String> {
    required
        .iter()
        .filter(|role| !approvals.iter().any(|a| a.version >= since && same_role(&a.role, role)))
        .cloned()
        .collect()
}

fn same_role(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ror() -> Agreement {
        Agreement::from_toml(include_str!("../../../agreements/ror-ikt.toml")).expect("ROR-IKT parses")
    }

    fn approval(role: &str, version: i32) -> Approval {
        Approval { approver: "Kari".into(), role: role.into(), version }
    }

    #[test]
    fn an_upgrade_at_ror_needs_systemansvarlig_and_driftsansvarlig() {
        let ror = ror();
        assert_eq!(required_roles([&ror], WindowKind::Release), ["systemansvarlig", "driftsansvarlig"]);
        assert_eq!(required_roles([&ror], WindowKind::PlannedDowntime), ["systemeier"]);
        assert!(required_roles([&ror], WindowKind::Primary).is_empty());
    }

    #[test]
    fn an_approval_counts_for_the_version_it_approved() {
        let required = vec!["systemansvarlig".to_string(), "driftsansvarlig".to_string()];
        let given = [approval(" Systemansvarlig ", 2), approval("driftsansvarlig", 1)];
        assert_eq!(missing(&required, &given, 2), ["driftsansvarlig"]);
        assert_eq!(missing(&required, &given, 1), Vec::<String>::new());
        assert_eq!(missing(&required, &given, 3), required);
        assert!(missing(&required, &[approval("systemansvarlig", 3), approval("DRIFTSANSVARLIG", 3)], 3).is_empty());
    }

    #[test]
    fn every_kind_named_in_the_shipped_agreements_is_a_kind_of_window() {
        for text in [
            include_str!("../../../agreements/altinn.toml"),
            include_str!("../../../agreements/ror-ikt.toml"),
            include_str!("../../../agreements/stockholm.toml"),
            include_str!("../../../agreements/tranemo-ulricehamn.toml"),
        ] {
            let agreement = Agreement::from_toml(text).expect("shipped agreement parses");
            for rule in &agreement.spec().maintenance_approvals {
                for kind in &rule.kinds {
                    assert!(kind.parse::<WindowKind>().is_ok(), "{}: unknown kind {kind}", agreement.code());
                }
            }
        }
    }
}
