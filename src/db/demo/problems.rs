//! The demo's problems and known errors, from the seeds' services: recurring incidents of the generated history are
//! linked to the problem behind them (Rauma's kindergarten applications, Aukra's Teams meetings, Tranemo and
//! Ulricehamn's client protection and meeting-room wifi, Altinn's model viewer), so the list, the trends and the
//! known-error search have something to show; and Stockholm's service desk runs one master incident over open
//! incidents of several suppliers' services (§3.3.2), linked to its problem.

use sqlx::PgPool;

use crate::db::DbError;
use crate::db::problems::{self, NewProblem, ProblemEdit, masters};
use crate::domain::problem::{Owner, ProblemState};

struct DemoProblem {
    title: &'static str,
    services: &'static [&'static str],
    owner: Owner,
    root_cause: &'static str,
    workaround: &'static str,
    state: ProblemState,
    /// The recurring incident title of the generated history this problem is behind.
    incidents_titled: &'static str,
}

fn supplier(code: &str) -> Owner {
    Owner::Supplier(code.into())
}

fn all() -> Vec<DemoProblem> {
    vec![
        DemoProblem {
            title: "Barnehagesøknaden feiler ved innsending i travle perioder",
            services: &["RAUMA-ETJ"],
            owner: supplier("ror-ikt"),
            root_cause: "Skjemaløsningen får tidsavbrudd mot folkeregisteret når mange sender samtidig",
            workaround: "Be innbyggeren lagre utkastet og sende inn på nytt etter fem minutter",
            state: ProblemState::KnownError,
            incidents_titled: "Barnehagesøknad feiler for mange innbyggere",
        },
        DemoProblem {
            title: "Teams-møter faller ut for hele avdelinger",
            services: &["AUKRA-M365"],
            owner: supplier("ror-ikt"),
            root_cause: "",
            workaround: "Bruk nettleserversjonen av Teams til klienten er oppdatert",
            state: ProblemState::KnownError,
            incidents_titled: "Teams-møter faller ut for en avdeling",
        },
        DemoProblem {
            title: "Falska larm från klientskyddet efter signaturuppdatering",
            services: &["ULR-KLIENTSKYDD", "TRA-KLIENTSKYDD"],
            owner: supplier("it"),
            root_cause: "Signaturuppdateringen klassar den egna inloggningsagenten som misstänkt",
            workaround: "Markera larmet som falskt i konsolen; undantaget läggs in centralt",
            state: ProblemState::KnownError,
            incidents_titled: "Falskt larm från klientskyddet",
        },
        DemoProblem {
            title: "Svag wifi-täckning i mötesrummen",
            services: &["TRA-WIFI", "ULR-WIFI"],
            owner: Owner::Staff("kari".into()),
            root_cause: "",
            workaround: "",
            state: ProblemState::Open,
            incidents_titled: "Svag täckning i ett mötesrum",
        },
        DemoProblem {
            title: "Tidsavbrudd ved innlogging i sluttbrukerløsningen",
            services: &["SBL"],
            owner: supplier("driftsleverandor"),
            root_cause: "Lastbalansereren kutter inaktive sesjoner etter 30 sekunder",
            workaround: "Be brukeren logge inn på nytt; sesjonen fornyes",
            state: ProblemState::KnownError,
            incidents_titled: "",
        },
        DemoProblem {
            title: "Kosmetiske feil i modellvisningen",
            services: &["SERES"],
            owner: supplier("forvaltningsleverandor"),
            root_cause: "Feil stilark etter oppgradering av visningskomponenten",
            workaround: "",
            state: ProblemState::Resolved,
            incidents_titled: "Kosmetisk feil i modellvisningen",
        },
    ]
}

/// Seeds the problems as `operator` (a login with the operator role), and Stockholm's master incident.
pub async fn seed(operator: &PgPool) -> Result<(), DbError> {
    for demo in all() {
        let new = NewProblem {
            title: demo.title.into(),
            description: String::new(),
            services: demo.services.iter().map(|s| (*s).to_string()).collect(),
            owner: Some(demo.owner.clone()),
            root_cause: demo.root_cause.into(),
            workaround: demo.workaround.into(),
            state: if demo.state == ProblemState::Open { ProblemState::Open } else { ProblemState::KnownError },
        };
        let reference = problems::create(operator, &new).await?;
        if !demo.incidents_titled.is_empty() {
            let recurring: Vec<String> = sqlx::query_scalar(
                "SELECT i.ref FROM incidents i JOIN services s ON s.id = i.service_id
                 WHERE s.code = ANY($1) AND i.title = $2 ORDER BY i.received_at DESC LIMIT 12",
            )
            .bind(demo.services.iter().map(|s| (*s).to_string()).collect::<Vec<_>>())
            .bind(demo.incidents_titled)
            .fetch_all(operator)
            .await?;
            for incident in recurring {
                problems::link(operator, &reference, &incident, false).await?;
            }
        }
        if demo.state == ProblemState::Resolved {
            let edit = ProblemEdit { state: Some(ProblemState::Resolved), ..ProblemEdit::default() };
            problems::edit(operator, &reference, None, &edit).await?;
        }
    }
    stockholm_master(operator).await
}

/// Stockholm's service desk runs one master ticket across suppliers (§3.3.2): the oldest open Stockholm incident of
/// the generated history becomes the master of the next two (the demo adds no incidents, so its counts stay the
/// generator's), and the problem behind it carries the master.
async fn stockholm_master(operator: &PgPool) -> Result<(), DbError> {
    let open: Vec<String> = sqlx::query_scalar(
        "SELECT i.ref FROM incidents i JOIN agreement_versions v ON v.id = i.agreement_version_id
         JOIN agreements a ON a.id = v.agreement_id
         WHERE a.code = 'STHLM-SD' AND i.status NOT IN ('resolved', 'closed') ORDER BY i.received_at, i.id LIMIT 3",
    )
    .fetch_all(operator)
    .await?;
    let Some((master, children)) = open.split_first() else {
        return Ok(());
    };
    if !children.is_empty() {
        masters::attach(operator, master, children).await?;
    }
    let problem = NewProblem {
        title: "Avbrott när stamnätets växel startar om påverkar flera leverantörers tjänster".into(),
        description: String::new(),
        services: vec!["DATANAT".into(), "TELEFONI".into()],
        owner: Some(supplier("it")),
        root_cause: String::new(),
        workaround: String::new(),
        state: ProblemState::Open,
    };
    let reference = problems::create(operator, &problem).await?;
    problems::link(operator, &reference, master, false).await?;
    Ok(())
}
