//! The "large store" of QUALITY.md. So far: 1 launch with 1,000 checklist
//! items (some assigned, with links, comments and auto-check rules), 200
//! contacts, sign-offs, 100,000 audit events, and 100 monitors with 30 days
//! of probe history at one probe a minute (4.3 M results, with the rollups
//! the app would have written); later capabilities add their data (runs
//! with log lines) here.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use golive_core::contacts::{self, ContactInput};
use golive_core::launch::{self, NewLaunch};
use golive_core::plan::{self, Template};
use golive_core::readiness::{self, ItemEdit};
use golive_core::signoff::{self, Verdict};
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store};
use jiff::{Timestamp, ToSpan};

/// A template with `items` items over the standard plan's four phases.
fn template(items: usize) -> anyhow::Result<Template> {
    let phases = [
        ("pre", -7, 0),
        ("day0", 0, 0),
        ("post", 1, 7),
        ("stab", 8, 30),
    ];
    let mut text = String::from(
        "[plan]\nname = \"Large benchmark plan\"\nversion = 1\n\
         [[roles]]\nkey = \"pm\"\nname = \"Project manager\"\nsignoff = true\n\
         [[roles]]\nkey = \"tech\"\nname = \"Technical lead\"\nsignoff = true\n",
    );
    let per_phase = items.div_ceil(phases.len());
    let mut written = 0;
    for (key, first, last) in phases {
        text.push_str(&format!(
            "[[phases]]\nkey = \"{key}\"\nname = \"Phase {key}\"\nfirst_day = {first}\nlast_day = {last}\n"
        ));
        for section in 0..per_phase.div_ceil(25) {
            text.push_str(&format!("[[phases.sections]]\nkey = \"{key}-s{section}\"\ntitle = \"Section {section} of {key}\"\n"));
            for i in 0..25 {
                if written == items || section * 25 + i >= per_phase {
                    break;
                }
                let span = (last - first + 1) as usize;
                let due = first + ((section * 25 + i) % span) as i32;
                let owner = if i % 2 == 0 { "pm" } else { "tech" };
                // The last item of each section checks the section, as the standard plan's gates do.
                let rule = if i == 24 {
                    format!("rule = \"section_done:{key}-s{section}\"\n")
                } else {
                    String::new()
                };
                text.push_str(&format!(
                    "[[phases.sections.items]]\nkey = \"I-{written:04}\"\ntitle = \"Benchmark item {written}\"\nowner = \"{owner}\"\ndue_day = {due}\ngate = {}\n{rule}",
                    written.is_multiple_of(10)
                ));
                written += 1;
            }
        }
    }
    Ok(plan::parse(&text, "large-benchmark-plan.toml")?)
}

pub fn large_store(out: &Path, items: usize, events: usize) -> anyhow::Result<String> {
    if out.exists() {
        bail!(
            "{} exists already; the generator writes a new store only",
            out.display()
        );
    }
    let started = Instant::now();
    let mut store = Store::open(out, OpenMode::CreateIfMissing).context("create the store")?;
    // Generation only: skip fsyncs. The measured operations use the real pragmas.
    store.conn().pragma_update(None, "synchronous", "OFF")?;
    let t0: Timestamp = "2026-11-01T08:00:00Z".parse()?;
    let actor = Actor::anonymous("bench");
    let template = template(items)?;
    let launch = launch::create(
        &mut store,
        &Change::new(actor.clone(), t0),
        &NewLaunch {
            name: "Large launch".into(),
            platform: "Benchmark".into(),
            go_live_local: "2026-12-07T09:00".into(),
            time_zone: "Europe/Berlin".into(),
        },
        &template,
    )?;
    let keys: Vec<String> = template
        .phases
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.items)
        .map(|i| i.key.get_ref().clone())
        .collect();
    // People, owners, evidence and sign-offs, through the core like a team would.
    let people = 200;
    let mut written = 1;
    for n in 0..people {
        let change = Change::new(actor.clone(), t0);
        contacts::add(
            &mut store,
            &change,
            &launch.id,
            &ContactInput {
                name: format!("Person {n:03}"),
                roles: vec![if n % 2 == 0 { "pm" } else { "tech" }.into()],
                email: format!("person{n}@example.com"),
                phone: format!("+49 30 {n:04}"),
                time_zone: "Europe/Berlin".into(),
                os_user: None,
                ..Default::default()
            },
        )?;
        written += 1;
    }
    for (i, key) in keys.iter().enumerate().step_by(4) {
        let change = Change::new(actor.clone(), t0);
        let edit = ItemEdit {
            owner: Some(format!("Person {:03}", i % people)),
            ..ItemEdit::default()
        };
        readiness::edit_item(&mut store, &change, &launch.id, key, &edit)?;
        readiness::add_link(
            &mut store,
            &change,
            &launch.id,
            key,
            &format!("https://wiki.example.com/evidence/{i}"),
            Some("evidence"),
        )?;
        readiness::comment(
            &mut store,
            &change,
            &launch.id,
            key,
            "checked with the vendor",
        )?;
        written += 3;
    }
    signoff::sign(
        &mut store,
        &Change::new(actor.clone(), t0),
        &launch.id,
        "pm",
        Verdict::Go,
        None,
    )?;
    written += 1;
    // Every other event is a real tick or reopen, appended through the core's audit chain.
    let batch = 10_000;
    while written < events {
        let n = batch.min(events - written);
        let change = Change::new(actor.clone(), t0.checked_add((written as i64).seconds())?);
        store.write(&change, |tx| {
            for k in 0..n {
                let seq = written + k;
                let key = &keys[seq % keys.len()];
                let ticking = (seq / keys.len()).is_multiple_of(2);
                let (status, action) = if ticking { ("done", "item.tick") } else { ("open", "item.reopen") };
                tx.execute(
                    "UPDATE items SET status = ?1, status_note = 'generated', status_by = 'bench', status_at = '2026-11-01T08:00:00.000Z' WHERE launch_id = ?2 AND key = ?3",
                    rusqlite::params![status, launch.id, key],
                )?;
                tx.audit(
                    Some(&launch.id),
                    action,
                    &format!("item:{key}"),
                    serde_json::json!({ "key": key, "note": "generated for the benchmark" }),
                )?;
            }
            Ok(())
        })?;
        written += n;
    }
    let results = health_history(&mut store, &actor, &launch.id, 100, 30)?;
    store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(format!(
        "large store {}: 1 launch, {} items, {people} contacts, {} audit events, 100 monitors with {results} probe results, written in {:.1} s",
        out.display(),
        keys.len(),
        written,
        started.elapsed().as_secs_f64()
    ))
}

/// `monitors` monitors (production and staging) with one result a minute
/// for the `days` before now: raw results, per-hour rollups for all of it
/// and per-minute rollups for the last two days, as the app keeps them.
/// About 1 in 500 probes fails and latencies wander between 20 and 400 ms.
fn health_history(
    store: &mut Store,
    actor: &Actor,
    launch_id: &str,
    monitors: usize,
    days: i64,
) -> anyhow::Result<usize> {
    use golive_core::health::rollup::Histogram;
    use golive_core::health::{environments, monitors as monitor_defs, record};
    let change = Change::new(actor.clone(), Timestamp::now());
    for (name, production) in [("production", true), ("staging", false)] {
        environments::add(store, &change, launch_id, name, production)?;
    }
    record::set_raw_retention_days(store, &change, 31)?;
    let mut ids = Vec::with_capacity(monitors);
    for n in 0..monitors {
        let monitor = monitor_defs::add(
            store,
            &change,
            launch_id,
            &monitor_defs::MonitorInput {
                environment: if n % 4 == 0 { "staging" } else { "production" }.into(),
                name: format!("Service {n:03}"),
                url: format!("https://service-{n:03}.example.com/health"),
                conditions: vec![
                    "status == 200".into(),
                    "response_time < 1s else warn".into(),
                ],
                ..monitor_defs::MonitorInput::default()
            },
        )?;
        ids.push(monitor.id);
    }
    let now_s = Timestamp::now().as_second().div_euclid(60) * 60;
    let first_s = now_s - days * 86_400;
    let minutes = (now_s - first_s) / 60;
    let recent_minutes_from = now_s - 2 * 86_400;
    let mut results = 0;
    store.write(&change, |tx| {
        let mut raw = tx.prepare(
            "INSERT INTO probe_results (monitor_id, at_ms, verdict, latency_ms, status, reason, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        let mut rollup = tx.prepare(
            "INSERT INTO probe_rollups (monitor_id, bucket_s, start_s, total, passed, warned, failed,
                latency_sum_ms, latency_count, latency_max_ms, histogram)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (m, id) in ids.iter().enumerate() {
            let mut hour = (0u32, 0u32, 0u64, 0u64, Histogram::default());
            for minute in 0..minutes {
                let at_s = first_s + minute * 60;
                // A cheap, repeatable spread of latencies and failures.
                let seed = (minute as u64).wrapping_mul(2_654_435_761).wrapping_add(m as u64 * 97);
                let latency = 20 + seed % 380;
                let failed = seed.is_multiple_of(500);
                raw.execute(rusqlite::params![
                    id,
                    at_s * 1000,
                    if failed { "fail" } else { "pass" },
                    latency as i64,
                    if failed { 503 } else { 200 },
                    failed.then_some("unexpected_status"),
                    failed.then_some("status 503, expected 2xx"),
                ])?;
                results += 1;
                let mut one = Histogram::default();
                one.add(latency);
                if at_s >= recent_minutes_from {
                    rollup.execute(rusqlite::params![
                        id,
                        60,
                        at_s,
                        1,
                        i64::from(!failed),
                        i64::from(failed),
                        latency as i64,
                        1,
                        latency as i64,
                        one.to_bytes()
                    ])?;
                }
                hour.0 += u32::from(!failed);
                hour.1 += u32::from(failed);
                hour.2 += latency;
                hour.3 = hour.3.max(latency);
                hour.4.merge(&one);
                if (at_s + 60) % 3600 == 0 || minute == minutes - 1 {
                    rollup.execute(rusqlite::params![
                        id,
                        3600,
                        at_s.div_euclid(3600) * 3600,
                        hour.0 + hour.1,
                        hour.0,
                        hour.1,
                        hour.2 as i64,
                        hour.0 + hour.1,
                        hour.3 as i64,
                        hour.4.to_bytes()
                    ])?;
                    hour = (0, 0, 0, 0, Histogram::default());
                }
            }
        }
        Ok(())
    })?;
    Ok(results)
}
