//! Integration tests of the core, against real SQLite files in temp folders.

mod audit;
mod backup;
mod deploy;
mod directory;
mod escalation;
mod feedback;
mod health_kpis;
mod health_probe;
mod health_record;
mod health_scheduler;
mod incidents;
mod people_and_views;
mod plan;
mod plan_edit;
mod readiness;
mod record;
mod report;
mod risks;
mod signoff;
mod store;
mod training;
mod updates;

mod support {
    use golive_core::launch::{self, Launch, NewLaunch};
    use golive_core::plan::Template;
    use golive_core::store::OpenMode;
    use golive_core::{Actor, Change, Store};
    use jiff::Timestamp;

    pub struct Fixture {
        pub dir: tempfile::TempDir,
        pub store: Store,
    }

    impl Fixture {
        pub fn new() -> Fixture {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = Store::open(&dir.path().join("golive.db"), OpenMode::CreateIfMissing)
                .expect("open store");
            Fixture { dir, store }
        }

        pub fn path(&self) -> std::path::PathBuf {
            self.dir.path().join("golive.db")
        }

        pub fn launch(&mut self) -> Launch {
            launch::create(
                &mut self.store,
                &change("ana", "2026-11-30T08:00:00Z"),
                &NewLaunch {
                    name: "Arxos platform".into(),
                    platform: "Arxos".into(),
                    go_live_local: "2026-12-07T09:00".into(),
                    time_zone: "Europe/Berlin".into(),
                },
                &Template::standard(),
            )
            .expect("create launch")
        }
    }

    pub fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    pub fn change(user: &str, time: &str) -> Change {
        Change::new(Actor::anonymous(user), at(time))
    }
}
