//! The user feedback log: entries through their statuses with resolution
//! times, the support KPIs it feeds, and a help desk's CSV export imported
//! whole, re-imported as updates, or refused by line with nothing written.

use golive_core::feedback::{self, FeedbackInput, FeedbackKind, FeedbackStatus};
use golive_core::health::kpis;
use golive_core::{ErrorCode, audit};

use crate::support::{Fixture, change};

fn bug(title: &str) -> FeedbackInput {
    FeedbackInput {
        kind: Some(FeedbackKind::Bug),
        title: title.into(),
        source: "help desk".into(),
        reporter: "maria@customer.example".into(),
        tier: Some(2),
        ..Default::default()
    }
}

fn latest(f: &Fixture, launch_id: &str, key: &str) -> Option<f64> {
    kpis::get(f.store.conn(), launch_id, key)
        .unwrap()
        .latest
        .and_then(|v| v.value)
}

#[test]
fn entries_move_through_their_statuses_and_feed_the_support_kpis() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let monday = change("cleo", "2026-12-08T09:00:00Z");
    let a = feedback::add(
        &mut f.store,
        &monday,
        &launch.id,
        &bug("Export to PDF cuts the last page"),
    )
    .unwrap();
    assert_eq!((a.key.as_str(), a.status), ("FB-1", FeedbackStatus::New));
    feedback::add(
        &mut f.store,
        &monday,
        &launch.id,
        &FeedbackInput {
            kind: Some(FeedbackKind::Praise),
            title: "The new dashboard is fast".into(),
            source: "survey".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(latest(&f, &launch.id, "open-tickets"), Some(2.0));
    // No active users yet: the share of users reporting issues is unknown.
    assert_eq!(latest(&f, &launch.id, "user-reported-issues"), None);

    kpis::record(
        &mut f.store,
        &monday,
        &launch.id,
        "active-users",
        40.0,
        "analytics",
    )
    .unwrap();
    feedback::add(
        &mut f.store,
        &monday,
        &launch.id,
        &bug("Login loops on Safari"),
    )
    .unwrap();
    assert_eq!(
        latest(&f, &launch.id, "user-reported-issues"),
        Some(5.0),
        "2 bugs of 40 users"
    );
    let kpi = kpis::get(f.store.conn(), &launch.id, "user-reported-issues").unwrap();
    assert_eq!(kpi.met, Some(false), "the target is below 5 %");

    // Resolved six hours later: the resolution time KPI follows.
    let later = change("ben", "2026-12-08T15:00:00Z");
    let err = feedback::set_status(
        &mut f.store,
        &later,
        &launch.id,
        "FB-1",
        FeedbackStatus::Resolved,
        " ",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("say how FB-1 was resolved"),
        "{err}"
    );
    let done = feedback::set_status(
        &mut f.store,
        &later,
        &launch.id,
        "FB-1",
        FeedbackStatus::Resolved,
        "Fixed in 2.4.1",
    )
    .unwrap();
    assert_eq!(done.resolution_hours, Some(6.0));
    assert_eq!(
        done.resolved_at.as_deref(),
        Some("2026-12-08T15:00:00.000Z")
    );
    assert_eq!(latest(&f, &launch.id, "ticket-resolution"), Some(6.0));
    assert_eq!(latest(&f, &launch.id, "open-tickets"), Some(2.0));

    let stats = feedback::stats(f.store.conn(), &launch.id).unwrap();
    assert_eq!(
        (
            stats.total,
            stats.bugs,
            stats.praise,
            stats.open,
            stats.closed
        ),
        (3, 2, 1, 2, 1)
    );

    // Reopened: no longer resolved, the time cleared.
    let reopened = feedback::set_status(
        &mut f.store,
        &later,
        &launch.id,
        "1",
        FeedbackStatus::InProgress,
        "",
    )
    .unwrap();
    assert_eq!(reopened.resolved_at, None);
    assert_eq!(
        reopened.resolution, "Fixed in 2.4.1",
        "the last resolution stays readable"
    );

    for (bad, says) in [
        (
            FeedbackInput {
                kind: None,
                ..bug("x")
            },
            "say what kind of feedback",
        ),
        (
            FeedbackInput {
                title: "".into(),
                ..bug("x")
            },
            "needs a title",
        ),
        (
            FeedbackInput {
                tier: Some(4),
                ..bug("x")
            },
            "support tier 4 does not exist",
        ),
        (
            FeedbackInput {
                owner: Some("Zed".into()),
                ..bug("x")
            },
            "no contact \"Zed\"",
        ),
        (
            FeedbackInput {
                reported_at: Some("yesterday".into()),
                ..bug("x")
            },
            "is not a date and time",
        ),
        (
            FeedbackInput {
                status: Some(FeedbackStatus::Resolved),
                reported_at: Some("2026-12-09T10:00:00Z".into()),
                resolved_at: Some("2026-12-09T09:00:00Z".into()),
                ..bug("x")
            },
            "resolved (2026-12-09T09:00:00.000Z) before it was reported",
        ),
    ] {
        let err = feedback::add(&mut f.store, &later, &launch.id, &bad).unwrap_err();
        assert!(
            matches!(err.code(), ErrorCode::InvalidInput | ErrorCode::NotFound),
            "{err}"
        );
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(feedback::list(f.store.conn(), &launch.id).unwrap().len(), 3);
    let actions: Vec<String> = audit::events(f.store.conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("feedback."))
        .collect();
    assert_eq!(
        actions,
        [
            "feedback.add",
            "feedback.add",
            "feedback.add",
            "feedback.status",
            "feedback.status"
        ]
    );
}

const EXPORT: &str = "Ticket ID,Type,Subject,Description,Requester,Tier,Status,Created,Resolved,Resolution\n\
    HD-101,Incident,Checkout button missing on iPad,\"Safari 17, iPadOS\",ana@shop.example,Tier 2,Solved,2026-12-08 09:00,2026-12-08 13:30,CSS fix deployed\n\
    HD-102,Enhancement,Dark mode please,,ben@shop.example,1,Open,2026-12-08T10:15:00Z,,\n\
    HD-103,How-to,Where is the export button?,,carl@shop.example,,Closed,2026-12-09,2026-12-09 08:00,Answered\n";

#[test]
fn a_help_desk_export_is_imported_whole_and_re_imported_as_updates() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("cleo", "2026-12-10T08:00:00Z");
    let summary =
        feedback::import_csv(&mut f.store, &c, &launch.id, "helpdesk.csv", EXPORT).unwrap();
    assert_eq!((summary.added, summary.updated), (3, 0));
    let hd101 = feedback::get(f.store.conn(), &launch.id, "HD-101").unwrap();
    assert_eq!(hd101.kind, FeedbackKind::Bug);
    assert_eq!(hd101.status, FeedbackStatus::Resolved);
    assert_eq!(hd101.tier, Some(2));
    assert_eq!(hd101.detail, "Safari 17, iPadOS");
    // The fixture launch is in Europe/Berlin: 09:00 there is 08:00 UTC.
    assert_eq!(hd101.reported_at, "2026-12-08T08:00:00.000Z");
    assert_eq!(hd101.resolution_hours, Some(4.5));
    assert_eq!(hd101.source, "help desk");
    let hd103 = feedback::get(f.store.conn(), &launch.id, "HD-103").unwrap();
    assert_eq!(
        (hd103.kind, hd103.resolution_hours),
        (FeedbackKind::Question, Some(8.0))
    );
    assert_eq!(latest(&f, &launch.id, "open-tickets"), Some(1.0));
    assert_eq!(
        latest(&f, &launch.id, "ticket-resolution"),
        Some(6.25),
        "mean of 4.5 h and 8 h"
    );

    // The next day's export: HD-102 was solved; nothing is repeated.
    let next = EXPORT.replace(
        "HD-102,Enhancement,Dark mode please,,ben@shop.example,1,Open,2026-12-08T10:15:00Z,,",
        "HD-102,Enhancement,Dark mode please,,ben@shop.example,1,Rejected,2026-12-08T10:15:00Z,2026-12-10 09:00,Not this quarter",
    );
    let summary =
        feedback::import_csv(&mut f.store, &c, &launch.id, "helpdesk.csv", &next).unwrap();
    assert_eq!((summary.added, summary.updated), (0, 3));
    assert_eq!(
        feedback::get(f.store.conn(), &launch.id, "HD-102")
            .unwrap()
            .status,
        FeedbackStatus::WontFix
    );
    assert_eq!(feedback::list(f.store.conn(), &launch.id).unwrap().len(), 3);

    let before = feedback::list(f.store.conn(), &launch.id).unwrap();
    for (bad, says) in [
        (
            EXPORT.replace("Tier 2,Solved", "Tier 9,Solved"),
            "helpdesk.csv, line 2: support tier 9 does not exist",
        ),
        (
            EXPORT.replace("How-to", "Rant"),
            "helpdesk.csv, line 4: \"Rant\" is not a kind of feedback",
        ),
        (
            EXPORT.replace("2026-12-09 08:00,Answered", ",Answered"),
            "helpdesk.csv, line 4: the status is resolved but resolved_at is empty",
        ),
        (
            EXPORT.replace("Requester", "Mood"),
            "helpdesk.csv, line 1: the column \"Mood\" is not one golive knows",
        ),
        (
            EXPORT.replace(",Subject,", ",Topic,"),
            "helpdesk.csv, line 1: the column \"Topic\"",
        ),
        (
            "Title,Kind\n".to_string(),
            "helpdesk.csv has a header but no rows",
        ),
    ] {
        let err =
            feedback::import_csv(&mut f.store, &c, &launch.id, "helpdesk.csv", &bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains(says), "{err}");
        assert!(err.to_string().ends_with("nothing was imported"), "{err}");
    }
    assert_eq!(feedback::list(f.store.conn(), &launch.id).unwrap(), before);
}
