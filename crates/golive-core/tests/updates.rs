//! Stakeholder updates: the cadence turning due and overdue (clock passed
//! in), the draft from the live state, sending to a loopback chat-webhook
//! stand-in whose URL is found nowhere in the store or the record, and the
//! readiness rule.

use std::sync::Arc;

use golive_core::incidents::{self, IncidentInput};
use golive_core::updates::{self, ChannelKind, cadence, draft};
use golive_core::{ErrorCode, audit};
use golive_demo::server::{Reply, Request, Server};

use crate::support::{Fixture, at, change};

// The fixture's Day 0 is 2026-12-07 09:00 Europe/Berlin (08:00 UTC).

#[test]
fn the_cadence_turns_due_then_overdue_and_follows_the_phase() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let due = |f: &Fixture, now: &str| cadence::due(f.store.conn(), &launch.id, at(now)).unwrap();

    // Preparation has no cadence: it says when updates start.
    let d = due(&f, "2026-12-01T10:00:00Z");
    assert_eq!(d.due_at, None);
    assert_eq!(
        d.label,
        "Stakeholder updates start Go-live day (09:00, every 15 min)"
    );

    // Day 0 before go-live: the first is due at go-live.
    let d = due(&f, "2026-12-07T07:30:00Z");
    assert_eq!(d.phase.as_deref(), Some("Go-live day"));
    assert_eq!(d.due_at.as_deref(), Some("2026-12-07T08:00:00.000Z"));
    assert_eq!(d.label, "Next stakeholder update due 09:00 (in 30 min)");
    assert!(!d.overdue);

    // Missed: overdue, labelled.
    let d = due(&f, "2026-12-07T08:20:00Z");
    assert!(d.overdue);
    assert_eq!(d.minutes, Some(-20));
    assert_eq!(d.label, "Stakeholder update overdue by 20 min (due 09:00)");

    // One sent at 09:21: the next is due 15 minutes later.
    updates::record(
        &mut f.store,
        &change("ana", "2026-12-07T08:21:00Z"),
        &launch.id,
        None,
        "Deploy started.",
    )
    .unwrap();
    let d = due(&f, "2026-12-07T08:30:00Z");
    assert_eq!(d.label, "Next stakeholder update due 09:36 (in 6 min)");
    assert!(
        !due(&f, "2026-12-07T08:36:00Z").overdue,
        "due at, not yet missed"
    );
    assert!(due(&f, "2026-12-07T08:36:30Z").overdue);

    // Day 2: daily, from Day 1 at the go-live's time; Day 0's update does not count.
    let d = due(&f, "2026-12-09T10:00:00Z");
    assert_eq!(d.phase.as_deref(), Some("Immediate post-go-live"));
    assert_eq!(d.every_minutes, Some(1440));
    assert_eq!(d.due_at.as_deref(), Some("2026-12-08T08:00:00.000Z"));
    assert_eq!(d.label, "Stakeholder update overdue by 1 d 2 h (due 09:00)");

    // The cadence is edited per phase and audited; bad values change nothing.
    let c = change("ana", "2026-12-09T10:00:00Z");
    let post = cadence::set(&mut f.store, &c, &launch.id, "post", Some(240)).unwrap();
    assert_eq!(post.every_minutes, Some(240));
    for (phase, minutes, says) in [
        ("post", Some(0), "0 minutes is not a cadence"),
        ("post", Some(20_000), "20000 minutes is not a cadence"),
        ("launch-week", Some(60), "no phase \"launch-week\""),
    ] {
        let err = cadence::set(&mut f.store, &c, &launch.id, phase, minutes).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    let phases = cadence::list(f.store.conn(), &launch.id).unwrap();
    let by_key = |k: &str| {
        phases
            .iter()
            .find(|p| p.phase_key == k)
            .unwrap()
            .every_minutes
    };
    assert_eq!(
        (
            by_key("pre"),
            by_key("day0"),
            by_key("post"),
            by_key("stab")
        ),
        (None, Some(15), Some(240), Some(1440))
    );
    assert!(
        audit::events(f.store.conn(), &Default::default())
            .unwrap()
            .iter()
            .any(|e| e.action == "update.cadence")
    );
}

#[test]
fn the_draft_tells_the_live_state() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ana", "2026-12-07T08:30:00Z");
    incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Checkout slow for EU users".into(),
            severity: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    let text = draft::compose(f.store.conn(), &launch.id, at("2026-12-07T08:30:00Z")).unwrap();
    assert!(
        text.starts_with("*Arxos platform — status update, Day 0, 09:30 Europe/Berlin*"),
        "{text}"
    );
    for part in [
        "*Readiness:* 0 of ",
        "Go/no-go: pending (",
        "*Deploy:* none yet.",
        "*Alerts:* none open.",
        "*Incidents:* 1 open:\n- INC-1 SEV2 Checkout slow for EU users (open, level 1)",
        "Next update by 09:45.",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}

const WEBHOOK_PATH: &str = "/services/T0GOLIVE/B0STATUS/xK9sEcReTtOkEn42";

#[tokio::test]
async fn an_update_goes_to_the_chat_webhook_and_its_url_stays_in_the_keychain() {
    let loopback: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let chat = Server::http(
        loopback,
        Arc::new(|request: &Request| match request.path() {
            WEBHOOK_PATH => Reply::with_type(200, "text/plain", "ok"),
            _ => Reply::with_type(404, "text/plain", "no_service"),
        }),
    )
    .await
    .unwrap();
    let url = chat.url("http", WEBHOOK_PATH);
    let dead = chat.url("http", "/services/T0GOLIVE/B0GONE/aaaaaaaaaaaaaaaa");

    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ana", "2026-12-07T08:05:00Z");
    let channel = updates::add_channel(
        &mut f.store,
        &c,
        &launch.id,
        "#launch-status",
        ChannelKind::Slack,
        &url,
    )
    .expect("the keychain takes the URL (run under scripts/with-keyring.sh)");
    assert_eq!(channel.origin, chat.url("http", "").trim_end_matches('/'));
    let teams = updates::add_channel(
        &mut f.store,
        &c,
        &launch.id,
        "Launch room",
        ChannelKind::Teams,
        &url,
    )
    .unwrap();
    let gone = updates::add_channel(
        &mut f.store,
        &c,
        &launch.id,
        "Old room",
        ChannelKind::Slack,
        &dead,
    )
    .unwrap();

    // Sent to Slack and Teams, each in its format.
    let body = "*Arxos platform — status update, Day 0*\nDeploy running, 62 %.";
    updates::deliver(&channel, body).await.unwrap();
    updates::record(&mut f.store, &c, &launch.id, Some(&channel), body).unwrap();
    updates::deliver(&teams, body).await.unwrap();
    updates::record(&mut f.store, &c, &launch.id, Some(&teams), body).unwrap();
    let posted = chat.requests();
    let slack: serde_json::Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert_eq!(slack, serde_json::json!({ "text": body }));
    assert_eq!(posted[0].header("content-type"), Some("application/json"));
    let card: serde_json::Value = serde_json::from_slice(&posted[1].body).unwrap();
    assert_eq!(card["@type"], "MessageCard");
    assert_eq!(card["summary"], "*Arxos platform — status update, Day 0*");

    // A webhook that answers 404: a clear error without the URL; nothing kept.
    let err = updates::deliver(&gone, body).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("not sent to Old room"), "{message}");
    assert!(message.contains("404"), "{message}");
    assert!(
        !message.contains("aaaaaaaaaaaaaaaa") && !message.contains("/services/"),
        "{message}"
    );
    // Nothing listening: the same.
    let closed = updates::add_channel(
        &mut f.store,
        &c,
        &launch.id,
        "Closed",
        ChannelKind::Slack,
        "http://127.0.0.1:9/hooks/zzSECRETzz",
    )
    .unwrap();
    let err = updates::deliver(&closed, body)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("zzSECRETzz"), "{err}");

    let sent = updates::list(f.store.conn(), &launch.id).unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].sent_to, "Launch room");
    assert_eq!(sent[1].number, 1);

    // The URL is nowhere in the store: not in its tables, WAL or audit trail.
    let events = audit::events(f.store.conn(), &Default::default()).unwrap();
    let trail = serde_json::to_string(&events).unwrap();
    assert!(!trail.contains("xK9sEcReTtOkEn42"), "{trail}");
    f.store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(FULL);")
        .unwrap();
    for file in ["golive.db", "golive.db-wal"] {
        let bytes = std::fs::read(f.dir.path().join(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("xK9sEcReTtOkEn42"),
            "{file} holds the webhook URL"
        );
        assert!(!text.contains("zzSECRETzz"), "{file} holds the webhook URL");
    }

    // Bad URLs are refused before anything is stored.
    for (bad, says) in [
        ("http://hooks.example.com/services/x", "plain http"),
        ("ftp://127.0.0.1/x", "not https"),
        ("hooks.slack.com/services/x", "not a URL"),
        (
            "https://user:pw@hooks.example.com/x",
            "user name or password",
        ),
    ] {
        let err =
            updates::add_channel(&mut f.store, &c, &launch.id, "Bad", ChannelKind::Slack, bad)
                .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains(says), "{err}");
    }
    let err = updates::add_channel(
        &mut f.store,
        &c,
        &launch.id,
        "#launch-status",
        ChannelKind::Slack,
        &url,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        updates::channels(f.store.conn(), &launch.id).unwrap().len(),
        4
    );

    // Removing a channel takes its URL out of the keychain; its updates keep its name.
    updates::remove_channel(&mut f.store, &c, &launch.id, "#launch-status").unwrap();
    let err = updates::channel_url(&channel).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(
        updates::list(f.store.conn(), &launch.id).unwrap()[1].sent_to,
        "#launch-status"
    );
    for name in ["Launch room", "Old room", "Closed"] {
        updates::remove_channel(&mut f.store, &c, &launch.id, name).unwrap();
    }
}

#[test]
fn stakeholder_notifications_sent_holds_once_an_update_went_out_on_day_0() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let rule = |f: &Fixture| {
        golive_core::readiness::item(
            f.store.conn(),
            &launch.id,
            "DAY-07",
            at("2026-12-07T12:00:00Z"),
        )
        .unwrap()
        .rule
        .unwrap()
        .now
    };
    // The evening before does not count.
    updates::record(
        &mut f.store,
        &change("ana", "2026-12-06T20:00:00Z"),
        &launch.id,
        None,
        "Tomorrow we go live.",
    )
    .unwrap();
    let before = rule(&f);
    assert!(!before.holds);
    assert_eq!(
        before.summary,
        "no stakeholder update sent since Day 0 began"
    );
    updates::record(
        &mut f.store,
        &change("ana", "2026-12-07T08:01:00Z"),
        &launch.id,
        None,
        "We are live.",
    )
    .unwrap();
    let after = rule(&f);
    assert!(after.holds);
    assert_eq!(
        after.evidence,
        ["#2 to clipboard at 2026-12-07T08:01:00.000Z by ana"]
    );
    let err = updates::record(
        &mut f.store,
        &change("ana", "2026-12-07T08:02:00Z"),
        &launch.id,
        None,
        "  ",
    )
    .unwrap_err();
    assert!(err.to_string().contains("the update is empty"), "{err}");
}
