//! `vakt serve` killed with SIGKILL mid-delivery, two and four workers at once, at random points in a stream of
//! messages: after restarts every message reaches the receiver, which honours the idempotency key, exactly once
//! (duplicates, from deliveries cut off before their outcome was recorded, carry the same key).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tokio::process::{Child, Command};
use vakt::db::outbox::{self, OutboxState, StateFilter};
use vakt::notify::{OutboundMessage, Recipient, WebhookPreset};

use crate::harness::TestDb;
use crate::servers::HttpReceiver;

const MESSAGES: usize = 48;
const KILLS: usize = 3;

/// xorshift64*: enough for choosing kill points; the seed is printed so a failing run can be replayed.
struct Chance(u64);

impl Chance {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn serve(url: &str, dir: &std::path::Path, worker: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vakt"))
        .args(["--database-url", url, "serve", "--worker-id", worker, "--lease", "5"])
        .env("VAKT_CONFIG", dir.join("config.toml"))
        .env_remove("DATABASE_URL")
        .env("XDG_STATE_HOME", dir)
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start vakt serve")
}

async fn enqueue(pool: &sqlx::PgPool, key: &str, url: String) {
    let message = OutboundMessage {
        idempotency_key: key.into(),
        recipient: Recipient::Webhook { url, preset: WebhookPreset::Generic },
        subject: "Altinn innlogging nede".into(),
        body: "Neste oppdatering 14:30.".into(),
        payload: None,
    };
    let mut tx = pool.begin().await.unwrap();
    let ledger = outbox::Ledger { major_id: None, audience: "Digdir", summary: key, exercise: false };
    outbox::enqueue(&mut tx, &ledger, &message).await.unwrap();
    tx.commit().await.unwrap();
}

async fn killed_mid_delivery_then_every_message_arrives_once(workers: usize) {
    let db = TestDb::new().await;
    let receiver = HttpReceiver::answering_after(Duration::from_millis(40)).await;
    let dir = std::env::temp_dir().join(format!("vakt-faults-{}-serve{workers}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "").unwrap();
    let url = db.url();
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("{workers} workers, kill points from seed {seed}");
    let mut chance = Chance(seed);
    let mut generation = 0;
    let start_all = |generation: &mut usize| -> Vec<Child> {
        *generation += 1;
        (0..workers).map(|n| serve(&url, &dir, &format!("w{n}-g{generation}"))).collect()
    };

    let producer = {
        let (pool, hook) = (db.pool.clone(), receiver.url("/hook"));
        tokio::spawn(async move {
            for n in 0..MESSAGES {
                enqueue(&pool, &format!("kill-{n}"), hook.clone()).await;
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
        })
    };
    let mut running = start_all(&mut generation);
    let mut cut_short = 0;
    for _ in 0..KILLS {
        // Let a few more deliveries reach the receiver, then kill every worker at once.
        let target = receiver.requests().len() + 2 + chance.below(8) as usize;
        let deadline = tokio::time::Instant::now() + super::LIMIT;
        while receiver.requests().len() < target && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for child in &mut running {
            child.start_kill().unwrap();
        }
        for child in &mut running {
            child.wait().await.unwrap();
        }
        let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE state = 'sending'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        cut_short += taken;
        running = start_all(&mut generation);
    }
    producer.await.unwrap();

    // Everything is delivered in the end: the killed workers' claims run out and are taken again.
    let deadline = tokio::time::Instant::now() + super::LIMIT;
    loop {
        let rows = outbox::list(&db.pool, StateFilter::All, 1000).await.unwrap();
        if rows.len() == MESSAGES && rows.iter().all(|r| r.state == OutboxState::Sent) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "not all delivered: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for child in &mut running {
        child.start_kill().unwrap();
        child.wait().await.unwrap();
    }

    let mut per_key: BTreeMap<String, usize> = BTreeMap::new();
    for request in receiver.requests() {
        *per_key.entry(request.header("Idempotency-Key").unwrap_or_default().to_string()).or_default() += 1;
    }
    let expected: BTreeSet<String> = (0..MESSAGES).map(|n| format!("kill-{n}")).collect();
    let received: BTreeSet<String> = per_key.keys().cloned().collect();
    assert_eq!(received, expected, "every message reaches the receiver, and nothing else does");
    let duplicates: usize = per_key.values().map(|n| n - 1).sum();
    eprintln!(
        "{workers} workers: {MESSAGES} messages, {KILLS} kills, {cut_short} claims cut short, {duplicates} duplicates"
    );
    // A duplicate is a delivery cut off before its outcome was recorded, and only a claim held at a kill can be.
    assert!(duplicates as i64 <= cut_short, "{duplicates} duplicates but only {cut_short} claims were cut short");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn two_workers_killed_mid_delivery_deliver_every_message_once_by_key() {
    killed_mid_delivery_then_every_message_arrives_once(2).await;
}

#[tokio::test]
async fn four_workers_killed_mid_delivery_deliver_every_message_once_by_key() {
    killed_mid_delivery_then_every_message_arrives_once(4).await;
}
