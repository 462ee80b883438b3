//! The demo's Altinn change needs (§2.10), one in each state: a high-priority need planned for the next release in
//! the maintenance calendar, a qualified one, one whose feedback is overdue (breached), a fresh one, a rejected
//! one and a delivered one. Written as history by the superuser, with the step times it took.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::db::DbError;

/// One need as history: days before `now` of each step (`None`: not taken).
struct Seed {
    title: &'static str,
    description: &'static str,
    kind: &'static str,
    org: &'static str,
    contact: &'static str,
    requested: &'static str,
    justification: Option<&'static str>,
    state: &'static str,
    received: i64,
    feedback: Option<(i64, &'static str)>,
    qualified: Option<(i64, &'static str)>,
    analysed: Option<(i64, &'static str)>,
    planned: Option<(i64, &'static str)>,
    delivered: Option<i64>,
    rejected: Option<(i64, &'static str)>,
}

const SEEDS: [Seed; 6] = [
    Seed {
        title: "Samtykke-API for deling av a-meldingsdata",
        description: "Tjenesteeier trenger et API der innbygger kan gi og trekke samtykke til deling av data.",
        kind: "service_owner",
        org: "Skatteetaten",
        contact: "Ingrid Berg, ingrid.berg@skatteetaten.example",
        requested: "high",
        justification: Some("Lovkrav: forskriftsendring trer i kraft 1. juli, tjenesten må være klar før det"),
        state: "planned",
        received: 45,
        feedback: Some((43, "Mottatt; vurderes i neste leveransemøte, svar om prioritet innen 20 virkedager")),
        qualified: Some((36, "high")),
        analysed: Some((22, "Løses med ny samtykkeressurs i autorisasjonskomponenten; anslag 6 ukeverk")),
        planned: Some((15, "Neste kvartalsvise release")),
        delivered: None,
        rejected: None,
    },
    Seed {
        title: "Flere vedlegg per innsending i skjema",
        description: "Brukere må i dag sende flere innsendinger for å få med alle vedlegg.",
        kind: "service_owner",
        org: "Statens vegvesen",
        contact: "Per Lunde, tjenesteeier@vegvesen.example",
        requested: "medium",
        justification: None,
        state: "qualified",
        received: 30,
        feedback: Some((29, "Mottatt; behovet vurderes sammen med tilsvarende behov fra andre etater")),
        qualified: Some((18, "medium")),
        analysed: None,
        planned: None,
        delivered: None,
        rejected: None,
    },
    Seed {
        title: "Maskinporten-scope for sluttbrukersystem",
        description: "Sluttbrukersystemet trenger et eget scope for å hente kvitteringer på vegne av kunder.",
        kind: "system_vendor",
        org: "Regnskapshuset Nord AS",
        contact: "Lars Eide, lars@regnskapshuset.example",
        requested: "medium",
        justification: None,
        // No feedback yet, sixteen days after receipt: the 5-working-day clock is breached.
        state: "received",
        received: 16,
        feedback: None,
        qualified: None,
        analysed: None,
        planned: None,
        delivered: None,
        rejected: None,
    },
    Seed {
        title: "Engelsk språkversjon av meldingsboksen",
        description: "Utenlandske brukere forstår ikke varslene i meldingsboksen.",
        kind: "service_owner",
        org: "NAV",
        contact: "Sara Holm, sara.holm@nav.example",
        requested: "low",
        justification: None,
        state: "received",
        received: 1,
        feedback: None,
        qualified: None,
        analysed: None,
        planned: None,
        delivered: None,
        rejected: None,
    },
    Seed {
        title: "Egen fargeprofil for etatens skjema",
        description: "Ønsker etatens egne farger i alle skjema.",
        kind: "service_owner",
        org: "Lånekassen",
        contact: "Tone Vik, tone.vik@lanekassen.example",
        requested: "low",
        justification: None,
        state: "rejected",
        received: 60,
        feedback: Some((58, "Mottatt; vurderes mot retningslinjene for universell utforming")),
        qualified: None,
        analysed: None,
        planned: None,
        delivered: None,
        rejected: Some((55, "Strider mot felles designsystem og krav til universell utforming")),
    },
    Seed {
        title: "Utvidet logg over delegeringer",
        description: "Tjenesteeier vil se hvem som har delegert rettigheter og når.",
        kind: "service_owner",
        org: "Brønnøysundregistrene",
        contact: "Erik Dahl, erik.dahl@brreg.example",
        requested: "medium",
        justification: None,
        state: "delivered",
        received: 150,
        feedback: Some((148, "Mottatt; tas inn i prioriteringen")),
        qualified: Some((135, "medium")),
        analysed: None,
        planned: Some((120, "Release 2 (forrige kvartal)")),
        delivered: Some(95),
        rejected: None,
    },
];

pub async fn seed(superuser: &PgPool, now: DateTime<Utc>) -> Result<(), DbError> {
    let ago = |days: i64| now - Duration::days(days);
    let at = |step: Option<i64>| step.map(ago);
    // The calendar's quarterly Altinn release, where the demo calendar has one.
    let release: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM public.maintenance_series WHERE kind = 'release' AND 'SBL' = ANY (services) ORDER BY id LIMIT 1",
    )
    .fetch_optional(superuser)
    .await?;
    for s in &SEEDS {
        let planned_series = s.planned.filter(|_| s.state == "planned").and(release);
        sqlx::query(
            "INSERT INTO public.change_needs (agreement_id, title, description, submitter_kind, submitter_org,
                 submitter_contact, requested_priority, justification, state, received_by, received_at, feedback,
                 feedback_by, feedback_at, priority, qualified_by, qualified_at, analysis, analysed_by, analysed_at,
                 release_series_id, release_label, planned_by, planned_at, delivered_by, delivered_at,
                 rejection_reason, rejected_by, rejected_at)
             SELECT a.id, $1, $2, $3, $4, $5, $6, $7, $8, 'karin', $9, $10, CASE WHEN $11::timestamptz IS NOT NULL
                 THEN 'karin' END, $11, $12, CASE WHEN $13::timestamptz IS NOT NULL THEN 'karin' END, $13, $14,
                 CASE WHEN $15::timestamptz IS NOT NULL THEN 'karin' END, $15, $16, $17,
                 CASE WHEN $18::timestamptz IS NOT NULL THEN 'karin' END, $18,
                 CASE WHEN $19::timestamptz IS NOT NULL THEN 'karin' END, $19, $20,
                 CASE WHEN $21::timestamptz IS NOT NULL THEN 'karin' END, $21
             FROM public.agreements a WHERE a.code = 'ALTINN'",
        )
        .bind(s.title)
        .bind(s.description)
        .bind(s.kind)
        .bind(s.org)
        .bind(s.contact)
        .bind(s.requested)
        .bind(s.justification)
        .bind(s.state)
        .bind(ago(s.received))
        .bind(s.feedback.map(|f| f.1))
        .bind(at(s.feedback.map(|f| f.0)))
        .bind(s.qualified.map(|q| q.1))
        .bind(at(s.qualified.map(|q| q.0)))
        .bind(s.analysed.map(|a| a.1))
        .bind(at(s.analysed.map(|a| a.0)))
        .bind(planned_series)
        .bind(s.planned.map(|p| p.1))
        .bind(at(s.planned.map(|p| p.0)))
        .bind(at(s.delivered))
        .bind(s.rejected.map(|r| r.1))
        .bind(at(s.rejected.map(|r| r.0)))
        .execute(superuser)
        .await?;
    }
    Ok(())
}
