//! Deployment runs against real child processes, a real SQLite file, a
//! loopback CI stand-in and the real OS keychain.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use golive_core::deploy::process;
use golive_core::deploy::runs::{self, Run, RunFilter};
use golive_core::deploy::start::{self, Request};
use golive_core::deploy::triggers::{
    self, CommandSpec, Poll, SecretEnv, TriggerInput, TriggerSpec, WebhookSpec,
};
use golive_core::deploy::{Action, LogLine, RunSink, RunState, Stream, chunk};
use golive_core::health::credentials::{self, CredentialInput, CredentialKind};
use golive_core::health::environments;
use golive_core::launch::Launch;
use golive_core::store::OpenMode;
use golive_core::{Actor, Store, audit, secrets};
use golive_demo::server::{Handler, Reply, Request as HttpRequest, Server};

use crate::support::{Fixture, change};

const NOW: &str = "2026-12-07T08:00:00Z";

struct Setup {
    fx: Fixture,
    launch: Launch,
}

fn setup(environment: &str, production: bool) -> Setup {
    let mut fx = Fixture::new();
    let launch = fx.launch();
    environments::add(
        &mut fx.store,
        &change("ana", NOW),
        &launch.id,
        environment,
        production,
    )
    .expect("environment");
    Setup { fx, launch }
}

fn command(program: &str, args: &[&str]) -> TriggerSpec {
    TriggerSpec::Command(CommandSpec {
        program: program.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        cwd: None,
        env: vec![],
        secret_env: vec![],
    })
}

impl Setup {
    fn trigger(
        &mut self,
        environment: &str,
        name: &str,
        action: Action,
        spec: TriggerSpec,
    ) -> String {
        self.trigger_with(environment, name, action, spec, None)
    }

    fn trigger_with(
        &mut self,
        environment: &str,
        name: &str,
        action: Action,
        spec: TriggerSpec,
        timeout_s: Option<u32>,
    ) -> String {
        triggers::add(
            &mut self.fx.store,
            &change("ana", NOW),
            &self.launch.id,
            &TriggerInput {
                environment: environment.into(),
                name: name.into(),
                action,
                spec,
                timeout_s,
                auto_rollback: false,
            },
        )
        .expect("trigger")
        .id
    }

    fn run(&self, request: Request, sink: Arc<dyn RunSink>) -> golive_core::Result<Run> {
        start::run(
            &self.fx.path(),
            &Actor::anonymous("ana"),
            &self.launch.id,
            &request,
            sink,
            |_| {},
        )
    }

    fn run_trigger(&self, trigger: &str) -> Run {
        self.run(
            Request {
                trigger: trigger.into(),
                ..Request::default()
            },
            Arc::new(Collect::default()),
        )
        .expect("the run starts")
    }

    fn lines(&self, run: &Run) -> Vec<LogLine> {
        runs::lines(self.fx.store.conn(), &run.id, 0, u32::MAX).unwrap()
    }

    fn output(&self, run: &Run) -> Vec<String> {
        self.lines(run)
            .into_iter()
            .filter(|l| l.stream != Stream::Golive)
            .map(|l| l.text)
            .collect()
    }
}

#[derive(Default)]
struct Collect(Mutex<Vec<LogLine>>);

impl RunSink for Collect {
    fn lines(&self, _run_id: &str, lines: chunk::Lines<'_>) {
        self.0.lock().unwrap().extend(lines.map(|l| l.to_line()));
    }
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

#[test]
fn arguments_reach_the_program_byte_for_byte_without_a_shell() {
    let mut s = setup("staging", false);
    let tricky = [
        "; rm -rf /tmp/nothing",
        "a && b || c",
        "x | y",
        "$(whoami)",
        "`id`",
        "back\\slash",
        "\"double\"",
        "'single'",
        "line one\nline two",
        "",
        "  spaced  ",
    ];
    // Perl prints each argument hex-encoded, then its parent's pid: golive
    // itself when no shell stood in between.
    let script = r#"print unpack("H*", $_), "\n" for @ARGV; print "parent ", getppid(), "\n";"#;
    let mut args = vec!["-e", script];
    args.extend(tricky);
    let trigger = s.trigger("staging", "args", Action::Deploy, command("perl", &args));
    let run = s.run_trigger(&trigger);
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.detail);
    let output = s.output(&run);
    let hex = |t: &str| t.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    let expected: Vec<String> = tricky.iter().map(|t| hex(t)).collect();
    assert_eq!(
        &output[..tricky.len()],
        &expected[..],
        "arguments changed on the way"
    );
    assert_eq!(
        output[tricky.len()],
        format!("parent {}", std::process::id()),
        "the program's parent must be golive itself, not a shell"
    );
    assert!(!std::path::Path::new("/tmp/nothing-was-run").exists());
}

#[cfg(unix)]
#[test]
fn a_run_and_what_it_starts_are_scheduled_below_golive() {
    let mut s = setup("staging", false);
    // Perl reports its own nice value, a grandchild's, and those of the
    // threads reading and storing its output in golive (its parent here).
    // golive starts its readers after the program, so on a busy machine the
    // program can look before they exist or have lowered themselves: it
    // looks again until all three are there and every golive-run thread is
    // at its own priority, for at most 10 s, and reports what it saw last.
    let script = r#"
        my $self = getpriority(0, 0);
        print "self $self\n";
        system("perl", "-e", "print qq(child ), getpriority(0, 0), qq(\n)");
        my $golive = getppid();
        my @seen;
        for my $attempt (1 .. 200) {
            @seen = ();
            my ($readers, $others) = (0, 0);
            for my $task (glob "/proc/$golive/task/*") {
                open my $comm, "<", "$task/comm" or next;
                chomp(my $name = <$comm>);
                next unless $name =~ /^golive-run-/;
                open my $stat, "<", "$task/stat" or next;
                my @fields = split / /, (split /\) /, <$stat>)[1];
                push @seen, "thread $name $fields[16]\n";
                if ($fields[16] != $self) { $others++ }
                elsif ($name =~ /^golive-run-(Stdo|Stde|log)$/) { $readers++ }
            }
            last if $readers == 3 && $others == 0;
            select(undef, undef, undef, 0.05);
        }
        print @seen;
    "#;
    let trigger = s.trigger(
        "staging",
        "nice",
        Action::Deploy,
        command("perl", &["-e", script]),
    );
    let run = s.run_trigger(&trigger);
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.detail);
    // Where the tests themselves run niced, the run is lower still (at most 19).
    let ours = std::process::Command::new("perl")
        .args(["-e", "print getpriority(0, 0)"])
        .output()
        .expect("perl runs");
    let ours: i32 = String::from_utf8_lossy(&ours.stdout)
        .parse()
        .expect("a nice value");
    let expected = (ours + golive_core::deploy::process::NICE).min(19);
    let output = s.output(&run);
    assert_eq!(
        &output[..2],
        [format!("self {expected}"), format!("child {expected}")],
        "{output:?}"
    );
    // Thread names are cut to 15 bytes: golive-run-Stdout is golive-run-Stdo.
    // (The copy of the store before the run may still be going on too.)
    for name in ["golive-run-Stdo", "golive-run-Stde", "golive-run-log"] {
        assert!(
            output.contains(&format!("thread {name} {expected}")),
            "golive reads and stores a run's output at the run's priority: {output:?}"
        );
    }
    assert!(
        output
            .iter()
            .filter(|l| l.starts_with("thread "))
            .all(|l| l.ends_with(&format!(" {expected}"))),
        "every golive-run thread runs at the run's priority: {output:?}"
    );
}

#[test]
fn a_million_lines_are_stored_once_in_order_with_a_megabyte_line_and_a_partial_last_line() {
    let mut s = setup("staging", false);
    let script = r#"
        $| = 0;
        for my $i (1..1_000_000) {
            if ($i % 2) { print STDOUT "out $i\n" } else { print STDERR "err $i\n" }
        }
        print STDOUT ("m" x (1024 * 1024)), "\n";
        print STDOUT "the end without newline";
        exit 7;
    "#;
    let trigger = s.trigger(
        "staging",
        "flood",
        Action::Deploy,
        command("perl", &["-e", script]),
    );
    let sink = Arc::new(Collect::default());
    let run = s
        .run(
            Request {
                trigger: trigger.clone(),
                ..Request::default()
            },
            sink.clone(),
        )
        .unwrap();
    assert_eq!(run.state, RunState::Failed);
    assert_eq!(run.exit_code, Some(7), "the exit code is recorded");
    let lines = s.lines(&run);
    let (mut next_out, mut next_err) = (1u64, 2u64);
    let mut seqs = std::collections::HashSet::new();
    let mut megabyte = 0;
    let mut last = None;
    for line in &lines {
        assert!(seqs.insert(line.seq), "line {} stored twice", line.seq);
        match line.stream {
            Stream::Stdout => {
                if let Some(n) = line.text.strip_prefix("out ") {
                    assert_eq!(n.parse::<u64>().unwrap(), next_out, "stdout order");
                    next_out += 2;
                } else if line.text.len() == 1024 * 1024 {
                    megabyte += 1;
                } else {
                    last = Some(line.text.clone());
                }
            }
            Stream::Stderr => {
                let n = line.text.strip_prefix("err ").expect("an err line");
                assert_eq!(n.parse::<u64>().unwrap(), next_err, "stderr order");
                next_err += 2;
            }
            Stream::Golive => {}
        }
    }
    assert_eq!(next_out, 1_000_001, "every stdout line");
    assert_eq!(next_err, 1_000_002, "every stderr line");
    assert_eq!(megabyte, 1, "the megabyte line is one line");
    assert_eq!(last.as_deref(), Some("the end without newline"));
    assert_eq!(run.line_count as usize, lines.len());
    // The sink heard every stored line, in batches, after they were stored.
    let heard = sink.0.lock().unwrap();
    assert_eq!(heard.len(), lines.len());
    assert!(heard.windows(2).all(|w| w[0].seq < w[1].seq));

    // The stored log is searched in place, ignoring case, up to a limit.
    let conn = s.fx.store.conn();
    let found = runs::search(conn, &run.id, "ERR 99999", 100).unwrap();
    let expected: Vec<u64> = lines
        .iter()
        .filter(|l| l.text.contains("err 99999"))
        .map(|l| l.seq)
        .collect();
    assert_eq!(
        expected.len(),
        5,
        "err 999990..999998 (stderr has the even lines)"
    );
    assert_eq!(found.seqs, expected);
    assert!(!found.more);
    let capped = runs::search(conn, &run.id, "out", 10).unwrap();
    assert_eq!(capped.seqs.len(), 10);
    assert!(capped.more, "more matches than the limit are reported");
}

#[test]
fn the_log_is_searched_ignoring_case_in_any_script() {
    let mut s = setup("staging", false);
    let trigger = s.trigger(
        "staging",
        "greet",
        Action::Deploy,
        command(
            "printf",
            &["Grüße aus MÜNCHEN\\nnothing here\\nmünchen again\\nMunich\\n"],
        ),
    );
    let run = s.run_trigger(&trigger);
    assert_eq!(
        s.output(&run),
        [
            "Grüße aus MÜNCHEN",
            "nothing here",
            "münchen again",
            "Munich"
        ]
    );
    let conn = s.fx.store.conn();
    let lines = s.lines(&run);
    let seq_of = |text: &str| lines.iter().find(|l| l.text == text).unwrap().seq;
    // golive's own first line names the program and its arguments, so it matches too.
    let started = lines
        .iter()
        .find(|l| l.stream == Stream::Golive && l.text.starts_with("started "))
        .unwrap()
        .seq;
    let found = runs::search(conn, &run.id, "München", 10).unwrap();
    assert_eq!(
        found.seqs,
        [
            started,
            seq_of("Grüße aus MÜNCHEN"),
            seq_of("münchen again")
        ]
    );
    let found = runs::search(conn, &run.id, "MUNICH", 10).unwrap();
    assert_eq!(found.seqs, [started, seq_of("Munich")]);
    let found = runs::search(conn, &run.id, "NOTHING", 10).unwrap();
    assert_eq!(found.seqs, [started, seq_of("nothing here")]);
    assert!(
        runs::search(conn, &run.id, "absent", 10)
            .unwrap()
            .seqs
            .is_empty()
    );
    assert!(runs::search(conn, &run.id, "", 10).unwrap().seqs.is_empty());
}

fn grandchildren_script(trap_term: bool) -> String {
    // Three levels, each starting `sleep 1000 &` and reporting the pids.
    let trap = if trap_term { "trap '' TERM; " } else { "" };
    format!(
        r#"{trap}sleep 1000 & echo "pid $!"; bash -c '{trap}sleep 1000 & echo "pid $!"; bash -c "{trap}sleep 1000 & echo pid \$!; echo ready; wait" & wait' & wait"#
    )
}

/// Cancels the run once it printed "ready"; returns how long after the
/// request the last process of its group was gone.
fn cancel_when_ready(
    path: std::path::PathBuf,
    launch_id: String,
    environment_id: String,
) -> std::thread::JoinHandle<Duration> {
    std::thread::spawn(move || {
        let mut store = Store::open(&path, OpenMode::MustExist).unwrap();
        loop {
            if let Some(run) = runs::running_in(store.conn(), &environment_id).unwrap() {
                let ready = runs::lines(store.conn(), &run.id, 0, 1000)
                    .unwrap()
                    .iter()
                    .any(|l| l.text == "ready");
                if ready {
                    let pgid = run.pgid.expect("the group is recorded before output");
                    runs::request_cancel(&mut store, &change("ben", NOW), &launch_id, &run.id)
                        .unwrap();
                    let asked = Instant::now();
                    while process::group_alive(pgid) {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    return asked.elapsed();
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
}

fn cancel_kills_the_whole_group(trap_term: bool) {
    let mut s = setup("staging", false);
    let script = grandchildren_script(trap_term);
    let trigger = s.trigger(
        "staging",
        "forks",
        Action::Deploy,
        command("bash", &["-c", &script]),
    );
    let environment = environments::get(s.fx.store.conn(), &s.launch.id, "staging").unwrap();
    let canceller = cancel_when_ready(s.fx.path(), s.launch.id.clone(), environment.id);
    let run = s.run_trigger(&trigger);
    let took = canceller.join().unwrap();
    assert_eq!(run.state, RunState::Cancelled, "{:?}", run.detail);
    assert_eq!(
        run.signal.as_deref(),
        Some(if trap_term { "KILL" } else { "TERM" })
    );
    assert!(
        run.detail
            .as_deref()
            .unwrap_or("")
            .contains("cancelled by ben")
    );
    assert!(
        took < Duration::from_secs(6),
        "the group was stopped in {took:?}"
    );
    let pgid = run.pgid.expect("the process group is recorded");
    assert!(!process::group_alive(pgid), "nothing of the group remains");
    let pids: Vec<u32> = s
        .output(&run)
        .iter()
        .filter_map(|l| l.strip_prefix("pid ").map(|p| p.parse().unwrap()))
        .collect();
    assert_eq!(pids.len(), 3, "three levels reported their sleep");
    for pid in pids {
        assert!(!pid_alive(pid), "sleep {pid} survived the cancel");
    }
}

#[test]
fn cancel_stops_grandchildren_three_levels_deep_with_term() {
    cancel_kills_the_whole_group(false);
}

#[test]
fn cancel_stops_a_group_that_ignores_term_with_kill_after_the_grace_period() {
    cancel_kills_the_whole_group(true);
}

#[test]
fn leftover_background_processes_are_stopped_when_the_program_exits() {
    let mut s = setup("staging", false);
    let trigger = s.trigger(
        "staging",
        "leaves a sleeper",
        Action::Deploy,
        command("bash", &["-c", "sleep 1000 & echo \"pid $!\"; exit 0"]),
    );
    let run = s.run_trigger(&trigger);
    assert_eq!(run.state, RunState::Succeeded);
    let pid: u32 = s.output(&run)[0]
        .strip_prefix("pid ")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        !pid_alive(pid),
        "the leftover sleep must not outlive the run"
    );
    assert!(
        s.lines(&run)
            .iter()
            .any(|l| l.text.contains("still running in its group"))
    );
}

#[test]
fn a_hundred_cancel_races_leave_no_orphan_and_no_run_stuck() {
    let mut s = setup("staging", false);
    let trigger = s.trigger(
        "staging",
        "quick",
        Action::Deploy,
        command(
            "bash",
            &[
                "-c",
                "sleep 1000 & echo \"pid $!\"; sleep 0.0$((RANDOM % 5))",
            ],
        ),
    );
    let path = s.fx.path();
    let mut pids = Vec::new();
    for round in 0..100u64 {
        let launch_id = s.launch.id.clone();
        let (path2, delay) = (path.clone(), Duration::from_millis(round % 7 * 6));
        let run = start::run(
            &path,
            &Actor::anonymous("ana"),
            &s.launch.id,
            &Request {
                trigger: trigger.clone(),
                ..Request::default()
            },
            Arc::new(Collect::default()),
            move |run| {
                // Cancel from another connection, right at the start or as it exits.
                let id = run.id.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let mut store = Store::open(&path2, OpenMode::MustExist).unwrap();
                    let _ = runs::request_cancel(&mut store, &change("ben", NOW), &launch_id, &id);
                });
            },
        )
        .unwrap();
        assert_ne!(run.state, RunState::Running, "round {round}: the run ended");
        assert!(
            matches!(run.state, RunState::Cancelled | RunState::Succeeded),
            "round {round}: {:?} {:?}",
            run.state,
            run.detail
        );
        assert!(
            !process::group_alive(run.pgid.unwrap()),
            "round {round}: group left"
        );
        if let Some(pid) = s.output(&run).iter().find_map(|l| l.strip_prefix("pid ")) {
            pids.push(pid.parse::<u32>().unwrap());
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    for pid in pids {
        assert!(!pid_alive(pid), "sleep {pid} was orphaned");
    }
    let stuck = runs::list(
        s.fx.store.conn(),
        &s.launch.id,
        &RunFilter {
            state: Some(RunState::Running),
            ..RunFilter::default()
        },
    )
    .unwrap();
    assert!(stuck.is_empty(), "no run stuck: {stuck:?}");
}

#[test]
fn a_timeout_stops_the_run_as_timed_out() {
    let mut s = setup("staging", false);
    let trigger = s.trigger_with(
        "staging",
        "slow",
        Action::Deploy,
        command("sleep", &["30"]),
        Some(1),
    );
    let started = Instant::now();
    let run = s.run_trigger(&trigger);
    assert_eq!(run.state, RunState::TimedOut);
    assert_eq!(run.signal.as_deref(), Some("TERM"));
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn a_missing_program_fails_with_a_clear_reason() {
    let mut s = setup("staging", false);
    let trigger = s.trigger(
        "staging",
        "typo",
        Action::Deploy,
        command("/opt/nowhere/deploy.sh", &[]),
    );
    let run = s.run_trigger(&trigger);
    assert_eq!(run.state, RunState::Failed);
    let detail = run.detail.unwrap();
    assert!(
        detail.contains("no such program") && detail.contains("/opt/nowhere/deploy.sh"),
        "{detail}"
    );
}

#[test]
fn one_run_at_a_time_per_environment_and_the_second_is_told_which_holds_it() {
    let mut s = setup("staging", false);
    let slow = s.trigger("staging", "slow", Action::Deploy, command("sleep", &["2"]));
    let other = s.trigger("staging", "other", Action::Rollback, command("true", &[]));
    let (tx, rx) = std::sync::mpsc::channel();
    let path = s.fx.path();
    let launch_id = s.launch.id.clone();
    let first = std::thread::spawn(move || {
        start::run(
            &path,
            &Actor::anonymous("ana"),
            &launch_id,
            &Request {
                trigger: slow,
                ..Request::default()
            },
            Arc::new(Collect::default()),
            move |run| tx.send(run.id.clone()).unwrap(),
        )
        .unwrap()
    });
    let holder = rx.recv().unwrap();
    let refused = s
        .run(
            Request {
                trigger: other.clone(),
                ..Request::default()
            },
            Arc::new(Collect::default()),
        )
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains(runs::short(&holder)) && refused.contains("\"slow\""),
        "{refused}"
    );
    assert_eq!(first.join().unwrap().state, RunState::Succeeded);
    // The lock is free again.
    assert_eq!(s.run_trigger(&other).state, RunState::Succeeded);
}

#[test]
fn a_production_deploy_needs_confirmation_and_go_or_an_audited_override() {
    let mut s = setup("production", true);
    let trigger = s.trigger("production", "deploy", Action::Deploy, command("true", &[]));
    let request = |confirm: Option<&str>, reason: Option<&str>| Request {
        trigger: trigger.clone(),
        confirm: confirm.map(str::to_string),
        gate_override: reason.map(str::to_string),
        ..Request::default()
    };
    let sink: Arc<dyn RunSink> = Arc::new(Collect::default());
    let unconfirmed = s
        .run(request(None, None), sink.clone())
        .unwrap_err()
        .to_string();
    assert!(
        unconfirmed.contains("--confirm production"),
        "{unconfirmed}"
    );
    let wrong = s
        .run(request(Some("prod"), None), sink.clone())
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("type its name"), "{wrong}");
    let closed = s
        .run(request(Some("production"), None), sink.clone())
        .unwrap_err();
    assert_eq!(closed.code(), golive_core::ErrorCode::Conflict);
    let closed = closed.to_string();
    assert!(
        closed.contains("gate is closed") && closed.contains("Missing"),
        "{closed}"
    );
    let runs_before = runs::list(s.fx.store.conn(), &s.launch.id, &RunFilter::default()).unwrap();
    assert!(runs_before.is_empty(), "a refused start leaves no run");

    let run = s
        .run(
            request(Some("production"), Some("hotfix for a data-loss bug")),
            sink,
        )
        .unwrap();
    assert_eq!(run.state, RunState::Succeeded);
    assert_eq!(
        run.gate_override.as_deref(),
        Some("hotfix for a data-loss bug")
    );
    let events = audit::events(s.fx.store.conn(), &audit::Query::default()).unwrap();
    assert!(
        events.iter().any(|e| e.action == "run.gate_override"),
        "the override is in the record"
    );
    assert!(audit::verify(s.fx.store.conn()).unwrap().ok());
}

#[test]
fn a_run_left_by_a_dead_golive_becomes_interrupted_with_its_lines() {
    let mut s = setup("staging", false);
    let trigger = s.trigger("staging", "deploy", Action::Deploy, command("true", &[]));
    let trigger = triggers::get(s.fx.store.conn(), &s.launch.id, &trigger).unwrap();
    let run = runs::begin(
        &mut s.fx.store,
        &change("ana", NOW),
        &trigger,
        &runs::Start::default(),
    )
    .unwrap();
    // Pretend its owner was a process that no longer exists.
    s.fx.store
        .conn()
        .execute(
            "UPDATE runs SET owner_pid = 999999999, owner_start = 'gone' WHERE id = ?1",
            [&run.id],
        )
        .unwrap();
    let interrupted = runs::recover(&mut s.fx.store, &change("ana", NOW)).unwrap();
    assert_eq!(interrupted.len(), 1);
    assert_eq!(interrupted[0].state, RunState::Interrupted);
    // A live run of this process is left alone.
    let live = runs::begin(
        &mut s.fx.store,
        &change("ana", NOW),
        &trigger,
        &runs::Start::default(),
    )
    .unwrap();
    assert!(
        runs::recover(&mut s.fx.store, &change("ana", NOW))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        runs::get(s.fx.store.conn(), &s.launch.id, &live.id)
            .unwrap()
            .state,
        RunState::Running
    );
}

#[test]
fn secrets_are_masked_everywhere_in_every_form() {
    let mut s = setup("staging", false);
    let id = format!("deploy-token-{}", std::process::id());
    let secret = "pr0d-T0ken/with+odd=chars\"&'";
    credentials::add_with_secret(
        &mut s.fx.store,
        &change("ana", NOW),
        &CredentialInput {
            id: id.clone(),
            label: "deploy token".into(),
            kind: CredentialKind::Bearer,
            header_name: None,
            origin: "https://ci.example.com".into(),
        },
        secret,
    )
    .expect("the keychain takes the secret (run under scripts/with-keyring.sh)");
    let script = r#"
        S="$DEPLOY_TOKEN"
        echo "plain: $S"
        for p in "" "a" "ab"; do printf '%s' "$p$S" | base64 -w0; echo; printf '%s' "$p$S" | base64 -w0 | tr '+/' '-_'; echo; done
        printf 'user:%s' "$S" | base64 -w0; echo
        perl -e '$_=$ARGV[0]; s/([^A-Za-z0-9])/sprintf("%%%02X", ord($1))/seg; print "url: $_\n"' "$S"
        perl -e '$_=$ARGV[0]; s/([^A-Za-z0-9_.~-])/sprintf("%%%02X", ord($1))/seg; print "url: $_\n"' "$S"
        perl -e '$_=$ARGV[0]; s/(["\\])/\\$1/g; print "{\"token\":\"$_\"}\n"' "$S"
        printf '%s' "${S:0:5}"; sleep 0.1; printf '%s\n' "${S:5}"
        echo "stderr: $S" >&2
        echo "no newline at the end: $S" | tr -d '\n'
    "#;
    let trigger = s.trigger(
        "staging",
        "leaky",
        Action::Deploy,
        TriggerSpec::Command(CommandSpec {
            program: "bash".into(),
            args: vec!["-c".into(), script.into()],
            cwd: None,
            env: vec![],
            secret_env: vec![SecretEnv {
                name: "DEPLOY_TOKEN".into(),
                credential: id.clone(),
            }],
        }),
    );
    let sink = Arc::new(Collect::default());
    let run = s
        .run(
            Request {
                trigger,
                ..Request::default()
            },
            sink.clone(),
        )
        .unwrap();
    let _ = secrets::delete(&id);
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.detail);
    let output = s.output(&run);
    assert!(output.len() >= 14, "{output:?}");
    assert!(
        output.iter().all(|l| l.contains("***")),
        "every line masked something: {output:?}"
    );
    // The corpus: the secret in every form a script prints it.
    use base64::Engine;
    let mut forms = vec![secret.to_string()];
    for prefix in ["", "a", "ab", "user:"] {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{secret}"));
        // The part that depends on the secret alone (whole groups after the prefix).
        let skip = prefix.len().div_ceil(3) * 4;
        forms.push(encoded[skip..encoded.len() - 4].to_string());
    }
    forms.push(
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    );
    forms.push(
        serde_json::to_string(secret)
            .unwrap()
            .trim_matches('"')
            .to_string(),
    );
    let heard: String = sink
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|l| l.text.clone())
        .collect();
    let mut stored = std::fs::read(s.fx.path()).unwrap();
    stored.extend(std::fs::read(s.fx.path().with_extension("db-wal")).unwrap_or_default());
    let stored = String::from_utf8_lossy(&stored).into_owned();
    // Rows may be stored compressed, so the lines read back are checked as
    // well as the file's bytes.
    let read_back = output.join("\n");
    for form in &forms {
        assert!(!heard.contains(form.as_str()), "the sink heard {form:?}");
        assert!(
            !read_back.contains(form.as_str()),
            "the stored lines hold {form:?}"
        );
        assert!(
            !stored.contains(form.as_str()),
            "the store file holds {form:?}"
        );
    }
}

#[test]
fn secrets_of_three_characters_are_refused() {
    let mut s = setup("staging", false);
    let id = format!("short-{}", std::process::id());
    let refused = credentials::add_with_secret(
        &mut s.fx.store,
        &change("ana", NOW),
        &CredentialInput {
            id: id.clone(),
            label: String::new(),
            kind: CredentialKind::Bearer,
            header_name: None,
            origin: "https://ci.example.com".into(),
        },
        "abc",
    )
    .unwrap_err()
    .to_string();
    assert!(refused.contains("4 characters or more"), "{refused}");
    assert!(
        credentials::find(s.fx.store.conn(), &id).unwrap().is_none(),
        "nothing stored"
    );
}

#[test]
fn plain_variables_that_look_secret_and_reserved_names_are_refused() {
    let mut s = setup("staging", false);
    for (name, expected) in [
        ("API_TOKEN", "secret environment variable"),
        ("GOLIVE_RUN_ID", "GOLIVE_"),
    ] {
        let err = triggers::add(
            &mut s.fx.store,
            &change("ana", NOW),
            &s.launch.id,
            &TriggerInput {
                environment: "staging".into(),
                name: "x".into(),
                action: Action::Deploy,
                spec: TriggerSpec::Command(CommandSpec {
                    program: "true".into(),
                    args: vec![],
                    cwd: None,
                    env: vec![triggers::EnvVar {
                        name: name.into(),
                        value: "v".into(),
                    }],
                    secret_env: vec![],
                }),
                timeout_s: None,
                auto_rollback: false,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(expected), "{err}");
    }
    assert!(
        triggers::list(s.fx.store.conn(), &s.launch.id)
            .unwrap()
            .is_empty()
    );
}

/// A CI stand-in: POST /pipelines answers queued with an id; each GET of
/// /pipelines/7 moves it along `states`.
fn ci_handler(states: &'static [&'static str]) -> Handler {
    let polls = Arc::new(Mutex::new(0usize));
    Arc::new(
        move |request: &HttpRequest| match (request.method.as_str(), request.path()) {
            ("POST", "/pipelines") => {
                Reply::json(201, &serde_json::json!({"id": 7, "status": "queued"}))
            }
            ("GET", "/pipelines/7") => {
                let mut n = polls.lock().unwrap();
                let state = states[(*n).min(states.len() - 1)];
                *n += 1;
                Reply::json(200, &serde_json::json!({"pipeline": {"status": state}}))
            }
            _ => Reply::json(404, &serde_json::json!({})),
        },
    )
}

fn webhook(url: &str, poll: &str) -> TriggerSpec {
    TriggerSpec::Webhook(WebhookSpec {
        method: "POST".into(),
        url: url.into(),
        headers: vec![],
        body: Some(r#"{"ref": "{{version}}", "by": "{{started_by}}", "run": "{{run_id}}"}"#.into()),
        credential: None,
        poll: Some(Poll {
            url: poll.into(),
            path: "$.pipeline.status".into(),
            success: vec!["success".into()],
            failure: vec!["failed".into(), "error".into()],
            interval_s: 1,
            timeout_s: 30,
        }),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_waits_for_the_pipeline_to_succeed_or_fail() {
    let loopback: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    let good = Server::http(loopback, ci_handler(&["queued", "running", "success"]))
        .await
        .unwrap();
    let bad = Server::http(loopback, ci_handler(&["running", "failed"]))
        .await
        .unwrap();
    let mut s = setup("staging", false);
    let passing = s.trigger(
        "staging",
        "pipeline",
        Action::Deploy,
        webhook(
            &good.url("http", "/pipelines"),
            &good.url("http", "/pipelines/{{response.$.id}}"),
        ),
    );
    let failing = s.trigger(
        "staging",
        "broken pipeline",
        Action::Deploy,
        webhook(
            &bad.url("http", "/pipelines"),
            &bad.url("http", "/pipelines/{{response.$.id}}"),
        ),
    );
    let (s, ok, broken) = tokio::task::spawn_blocking(move || {
        let go = |trigger: &str| {
            s.run(
                Request {
                    trigger: trigger.into(),
                    version: Some("2.4 \"final\"".into()),
                    ..Request::default()
                },
                Arc::new(Collect::default()),
            )
            .unwrap()
        };
        let (ok, broken) = (go(&passing), go(&failing));
        (s, ok, broken)
    })
    .await
    .unwrap();
    assert_eq!(ok.state, RunState::Succeeded, "{:?}", ok.detail);
    assert_eq!(ok.detail.as_deref(), Some("the pipeline reported success"));
    let notes: Vec<String> = s.lines(&ok).into_iter().map(|l| l.text).collect();
    for expected in [
        "201 Created",
        "status: queued",
        "status: running",
        "status: success",
    ] {
        assert!(
            notes.iter().any(|n| n.contains(expected)),
            "{expected} missing from {notes:?}"
        );
    }
    let posted = &good.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(&posted.body).unwrap();
    assert_eq!(
        body["ref"], "2.4 \"final\"",
        "the body template is filled in, JSON-escaped"
    );
    assert_eq!(body["run"], ok.id.as_str());
    assert_eq!(posted.header("content-type"), Some("application/json"));
    assert_eq!(broken.state, RunState::Failed);
    assert_eq!(
        broken.detail.as_deref(),
        Some("the pipeline reported failed")
    );
}

fn rule_of(s: &Setup, key: &str) -> golive_core::rules::Evaluation {
    golive_core::readiness::item(
        s.fx.store.conn(),
        &s.launch.id,
        key,
        crate::support::at(NOW),
    )
    .unwrap()
    .rule
    .expect("the item has a rule")
    .now
}

#[test]
fn readiness_rules_follow_deploys_validation_and_rollbacks() {
    let mut s = setup("production", true);
    environments::add(
        &mut s.fx.store,
        &change("ana", NOW),
        &s.launch.id,
        "staging",
        false,
    )
    .unwrap();
    // No monitors: the checks pass with nothing to check, so validation needs a trigger.
    let deploy = s.trigger("production", "deploy", Action::Deploy, command("true", &[]));
    s.trigger(
        "production",
        "smoke test",
        Action::Validation,
        command("bash", &["-c", "echo smoke ok"]),
    );
    let rollback = s.trigger(
        "staging",
        "rollback",
        Action::Rollback,
        command("true", &[]),
    );
    assert!(!rule_of(&s, "DAY-02").holds, "no deploy yet");
    assert!(!rule_of(&s, "PRE-35").holds, "no rollback yet");
    let run = s
        .run(
            Request {
                trigger: deploy,
                confirm: Some("production".into()),
                gate_override: Some("rehearsal of the rules".into()),
                ..Request::default()
            },
            Arc::new(Collect::default()),
        )
        .unwrap();
    assert_eq!(run.validation_state.as_deref(), Some("passed"));
    let validation = run.validation.unwrap();
    assert_eq!(validation.steps.len(), 1);
    assert_eq!(validation.steps[0].state, RunState::Succeeded);
    let step = runs::get(s.fx.store.conn(), &s.launch.id, &validation.steps[0].run_id).unwrap();
    assert!(step.automatic && step.parent_run_id.as_deref() == Some(run.id.as_str()));
    assert!(
        rule_of(&s, "DAY-01").holds,
        "the deploy's checks are attached and passed"
    );
    assert!(rule_of(&s, "DAY-02").holds);
    let validated = rule_of(&s, "DAY-03");
    assert!(validated.holds, "{validated:?}");
    // The rollback ran now, within 30 days before Day 0 (2026-12-07).
    s.run_trigger(&rollback);
    let tested = rule_of(&s, "PRE-35");
    assert!(
        tested.holds && tested.summary.contains("staging/rollback"),
        "{tested:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_critical_alert_after_a_deploy_runs_the_armed_rollback_once() {
    use golive_core::deploy::watch;
    use golive_core::health::monitors::{self, MonitorInput};
    use std::sync::atomic::{AtomicBool, Ordering};
    let healthy = Arc::new(AtomicBool::new(true));
    let state = healthy.clone();
    let handler: Handler = Arc::new(move |_: &HttpRequest| {
        if state.load(Ordering::SeqCst) {
            Reply::json(200, &serde_json::json!({"status": "UP"}))
        } else {
            Reply::json(503, &serde_json::json!({"status": "DOWN"}))
        }
    });
    let server = Server::http("127.0.0.1:0".parse().unwrap(), handler)
        .await
        .unwrap();
    let mut s = setup("production", true);
    monitors::add(
        &mut s.fx.store,
        &change("ana", NOW),
        &s.launch.id,
        &MonitorInput {
            environment: "production".into(),
            name: "API".into(),
            url: server.url("http", "/health"),
            ..MonitorInput::default()
        },
    )
    .unwrap();
    let deploy = s.trigger("production", "deploy", Action::Deploy, command("true", &[]));
    let rollback_id = triggers::add(
        &mut s.fx.store,
        &change("ana", NOW),
        &s.launch.id,
        &TriggerInput {
            environment: "production".into(),
            name: "rollback".into(),
            action: Action::Rollback,
            spec: command("bash", &["-c", "echo rolling back to $GOLIVE_ROLLBACK_TO"]),
            timeout_s: None,
            auto_rollback: true,
        },
    )
    .unwrap()
    .id;
    let healthy_flag = healthy.clone();
    let (s, first, advice_before, due, auto, due_after) = tokio::task::spawn_blocking(move || {
        let go = |version: &str| {
            s.run(
                Request {
                    trigger: deploy.clone(),
                    confirm: Some("production".into()),
                    gate_override: Some("watch test".into()),
                    version: Some(version.into()),
                    ..Request::default()
                },
                Arc::new(Collect::default()),
            )
            .unwrap()
        };
        let first = go("1.0");
        let advice_before =
            watch::advice(s.fx.store.conn(), &s.launch.id, jiff::Timestamp::now()).unwrap();
        // 1.1 breaks the API: its validation records the first failure…
        let second = {
            let run = go("1.1");
            healthy_flag.store(false, Ordering::SeqCst);
            run
        };
        assert_eq!(second.state, RunState::Succeeded);
        let mut store = Store::open(&s.fx.path(), OpenMode::MustExist).unwrap();
        for _ in 0..2 {
            start::check_environment(
                &mut store,
                &Actor::anonymous("probe"),
                &s.launch.id,
                &second.environment_id,
            )
            .unwrap();
        }
        let due =
            watch::automatic_rollbacks_due(store.conn(), &s.launch.id, jiff::Timestamp::now())
                .unwrap();
        let auto = start::automatic_rollback(
            &s.fx.path(),
            &Actor::anonymous("golive"),
            &s.launch.id,
            &due[0].0,
            &due[0].1,
            Arc::new(Collect::default()),
        )
        .unwrap();
        let due_after =
            watch::automatic_rollbacks_due(store.conn(), &s.launch.id, jiff::Timestamp::now())
                .unwrap();
        (s, first, advice_before, due, auto, due_after)
    })
    .await
    .unwrap();
    assert!(
        advice_before.is_empty(),
        "a healthy deploy recommends nothing"
    );
    assert_eq!(due.len(), 1, "the down alert recommends the armed rollback");
    assert_eq!(due[0].1.id, rollback_id);
    assert_eq!(
        due[0].0.previous.as_ref().map(|r| r.id.as_str()),
        Some(first.id.as_str())
    );
    assert!(
        auto.automatic && auto.state == RunState::Succeeded,
        "{auto:?}"
    );
    assert!(
        auto.reason
            .as_deref()
            .unwrap()
            .starts_with("automatic rollback: API"),
        "{:?}",
        auto.reason
    );
    assert_eq!(
        s.output(&auto),
        ["rolling back to 1.0"],
        "the rollback knows what it goes back to"
    );
    assert!(due_after.is_empty(), "once per deploy");
    drop(server);
}
