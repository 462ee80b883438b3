//! Known-error search benchmark (`cargo bench --bench problems`, `harness = false`), issue 13's budget: the search
//! run while an operator types an incident's title answers in ≤ 30 ms p99 with 20,000 problems and 1,000,000
//! incidents. Timed as the console login (an operator) through `db::problems::search`, the path the CLI and the
//! new-incident form use: any of the typed words, stemmed with the Norwegian and the Swedish dictionaries, against
//! the generated tsvector column's GIN index, ranked, the ten best with their services and incident counts.
//!
//! The typing is simulated: titles of generated incidents and Nordic phrases are typed one character at a time, and
//! every prefix from three characters on is searched (a console debounces; this is the worst case). A second series
//! searches single common words that match thousands of problems, so the ranking's cost shows.
//!
//! Data: the shared benchmark dataset (`common::dataset`, design.md §9) plus `VAKT_BENCH_PROBLEMS` (default
//! 20,000) generated problems in Norwegian and Swedish — 70 % known errors with a workaround, 20 % open, 10 %
//! resolved — each on one service and linked to three incidents; added once and kept. Results are printed, never
//! asserted.
//!
//! Environment: `VAKT_BENCH_INCIDENTS` (default 1,010,000), `VAKT_BENCH_PROBLEMS`, `VAKT_BENCH_REPEAT` (default 3),
//! `VAKT_BENCH_REUSE=1|0`, `VAKT_BENCH_KEEP_CLUSTER=1`, as for the other benchmarks.

#![allow(clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

mod common;

use std::time::Instant;

use sqlx::PgPool;
use vakt::db::{self, problems};

use common::{CONSOLE_LOGIN, Samples, thousands};

const DEFAULT_PROBLEMS: i64 = 20_000;

/// Typed phrases in both languages, next to generated incidents' titles.
const PHRASES: [&str; 8] = [
    "Tidsavbrudd ved innlogging i portalen",
    "Inloggningen misslyckas efter lösenordsbyte",
    "Teams-møtene faller ut for hele avdelingen",
    "Skrivaren skriver inte ut på våning tre",
    "Barnehagesøknader feiler ved innsending",
    "E-posten synkroniseras inte till mobilen",
    "Treg respons i journalsystemet ved vaktskifte",
    "Behörighet saknas efter byte av tjänst",
];

/// Words that match many problems: the ranking's worst case.
const COMMON: [&str; 6] = ["feiler", "misslyckas", "innlogging", "inloggningen", "tidsavbruddene", "skrivaren"];

/// Adds the generated problems unless the database has them already (as the owner, without the audit triggers: a
/// bulk load, not a user's writes).
async fn ensure_problems(owner: &PgPool, wanted: i64) {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM public.problems").fetch_one(owner).await.expect("count");
    if have >= wanted {
        println!("problems: {} present (kept from an earlier run)", thousands(have as u64));
        return;
    }
    let started = Instant::now();
    let mut tx = owner.begin().await.expect("begin");
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.expect("bulk mode");
    sqlx::query(
        "INSERT INTO public.problems (title, description, state, root_cause, workaround, resolved_at, created_at,
                                      updated_at)
         SELECT s.subject || ' ' || v.verb || ' ' || c.context,
                'Generert problem ' || n,
                CASE WHEN n % 10 < 7 THEN 'known_error' WHEN n % 10 < 9 THEN 'open' ELSE 'resolved' END,
                CASE WHEN n % 10 = 9 OR n % 3 = 0 THEN 'Årsak ' || c.context ELSE '' END,
                CASE WHEN n % 10 < 7 THEN w.workaround ELSE '' END,
                CASE WHEN n % 10 = 9 THEN now() END,
                now() - make_interval(days => n % 1500), now() - make_interval(days => n % 700)
         FROM generate_series(($1 + 1)::int, $2::int) n
         CROSS JOIN LATERAL (SELECT (ARRAY['Innlogging', 'Inloggningen', 'Utskrift', 'Skrivaren', 'Teams-møter',
                 'E-posten', 'Portalen', 'Journalsystemet', 'Barnehagesøknaden', 'Behörigheten', 'Telefonin',
                 'Nettverket', 'Wifi', 'Klientskyddet', 'Fakturaflyten', 'Lönesystemet', 'Timeplanen', 'VPN'])
                 [1 + n % 18] AS subject) s
         CROSS JOIN LATERAL (SELECT (ARRAY['feiler', 'misslyckas', 'henger', 'tar lang tid', 'ger felmeddelande',
                 'gir tidsavbrudd', 'svarar inte', 'faller ut', 'låser kontoen', 'synkroniseras inte', 'krasjer'])
                 [1 + (n / 18) % 11] AS verb) v
         CROSS JOIN LATERAL (SELECT (ARRAY['etter oppdatering', 'efter lösenordsbyte', 'for mange brukere',
                 'i en stadsdel', 'ved vaktskifte', 'på morgonen', 'i travle perioder', 'efter byte av tjänst',
                 'fra hjemmekontor', 'i skolorna', 'ved månedsslutt', 'på våning tre', 'under backup'])
                 [1 + (n / 198) % 13] || ' ' || (n % 97) AS context) c
         CROSS JOIN LATERAL (SELECT (ARRAY['Logg inn på nytt etter ett minutt', 'Rensa webbläsarens cache',
                 'Start klienten på nytt', 'Använd reservskrivaren', 'Bruk nettleserversjonen',
                 'Koppla upp via VPN'])[1 + n % 6] AS workaround) w",
    )
    .bind(have)
    .bind(wanted)
    .execute(&mut *tx)
    .await
    .expect("generate problems");
    sqlx::query(
        "INSERT INTO public.problem_services (problem_id, service_id)
         SELECT p.id, (SELECT array_agg(id ORDER BY id) FROM public.services)[1 + p.id % (SELECT count(*) FROM public.services)]
         FROM public.problems p WHERE NOT EXISTS (SELECT 1 FROM public.problem_services ps WHERE ps.problem_id = p.id)",
    )
    .execute(&mut *tx)
    .await
    .expect("services of the problems");
    sqlx::query(
        "WITH bounds AS (SELECT min(id) AS low, max(id) - min(id) AS span FROM public.incidents)
         INSERT INTO public.problem_incidents (problem_id, incident_id)
         SELECT DISTINCT p.id, i.id
         FROM public.problems p CROSS JOIN bounds b CROSS JOIN generate_series(1, 3) k
         JOIN public.incidents i ON i.id = b.low + (p.id * 7919 + k * 104729) % (b.span + 1)
         WHERE NOT EXISTS (SELECT 1 FROM public.problem_incidents pi WHERE pi.problem_id = p.id)
         ON CONFLICT DO NOTHING",
    )
    .execute(&mut *tx)
    .await
    .expect("links to incidents");
    tx.commit().await.expect("commit the problems");
    sqlx::query("ANALYZE public.problems, public.problem_services, public.problem_incidents")
        .execute(owner)
        .await
        .expect("analyse");
    let (problems, links): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM public.problems), (SELECT count(*) FROM public.problem_incidents)",
    )
    .fetch_one(owner)
    .await
    .expect("counts");
    println!(
        "problems: generated up to {} problems with {} incident links in {:.1} s",
        thousands(problems as u64),
        thousands(links as u64),
        started.elapsed().as_secs_f64()
    );
}

/// Every prefix of `title` from three characters on, as typed.
fn typed(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    (3..=chars.len()).map(|n| chars[..n].iter().collect()).collect()
}

fn main() {
    let scale = common::Scale::from_env();
    let wanted: i64 = std::env::var("VAKT_BENCH_PROBLEMS")
        .ok()
        .map(|v| v.replace(['_', ','], "").parse().expect("VAKT_BENCH_PROBLEMS is a number"))
        .unwrap_or(DEFAULT_PROBLEMS);
    println!("== vakt known-error search benchmark");
    println!("reproduce: {}cargo bench --bench problems", scale.env());
    println!("scale: {}; {} problems", scale.describe(), thousands(wanted as u64));
    let cluster = common::start_cluster();
    let runtime = common::runtime();
    runtime.block_on(async {
        let dataset = common::dataset(&cluster, scale, false).await;
        ensure_problems(&dataset.owner, wanted).await;
        let (incidents, known): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM public.incidents),
                    (SELECT count(*) FROM public.problems WHERE state = 'known_error')",
        )
        .fetch_one(&dataset.owner)
        .await
        .expect("counts");
        println!("data: {} incidents, {} known errors", thousands(incidents as u64), thousands(known as u64));
        let url = cluster.url(CONSOLE_LOGIN, &dataset.name);
        let pool = db::connect(&url, 2).await.expect("connect as the console login");
        println!("console login: {CONSOLE_LOGIN} (operator) on {}", dataset.name);

        let mut titles: Vec<String> = sqlx::query_scalar(
            "SELECT title FROM (SELECT DISTINCT title FROM public.incidents) t ORDER BY md5(title) LIMIT 40",
        )
        .fetch_all(&pool)
        .await
        .expect("incident titles");
        titles.extend(PHRASES.iter().map(|p| (*p).to_string()));
        // Untimed round: warms the caches, and shows the searches find something.
        let mut found = 0;
        for title in &titles {
            found += usize::from(!problems::search(&pool, title, 10).await.expect("search").is_empty());
        }
        println!("{} of {} whole titles find known errors", found, titles.len());
        let (mut typing, mut common_words) = (Samples::new(), Samples::new());
        let mut slowest: Vec<(f64, String)> = Vec::new();
        for _ in 0..common::repeat(3) {
            for title in &titles {
                for prefix in typed(title) {
                    let started = Instant::now();
                    std::hint::black_box(problems::search(&pool, &prefix, 10).await.expect("search"));
                    let elapsed = started.elapsed();
                    typing.push(elapsed);
                    slowest.push((elapsed.as_secs_f64() * 1e3, prefix));
                }
            }
            for word in COMMON {
                let started = Instant::now();
                std::hint::black_box(problems::search(&pool, word, 10).await.expect("search"));
                common_words.push(started.elapsed());
            }
        }
        let matches: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM public.problems
             WHERE state = 'known_error' AND search @@ (websearch_to_tsquery('pg_catalog.norwegian', 'feiler')
                                                      || websearch_to_tsquery('pg_catalog.swedish', 'feiler'))",
        )
        .fetch_one(&pool)
        .await
        .expect("matches of a common word");
        println!("results (ms, as {CONSOLE_LOGIN}):");
        println!("{}", typing.line("search while typing (every prefix ≥ 3 chars)", "budget p99 ≤ 30 ms"));
        println!(
            "{}",
            common_words.line(
                &format!("one common word ('feiler': {} matches)", thousands(matches as u64)),
                "budget p99 ≤ 30 ms"
            )
        );
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, prefix) in slowest.iter().take(5) {
            println!("  slowest: {ms:>8.3} ms  {prefix:?}");
        }
        pool.close().await;
        dataset.owner.close().await;
    });
    common::finish(&cluster);
}
