//! The demo platform's deploy, rollback and smoke-test scripts, run by the
//! demo launch's triggers as this executable with `--golive-demo-script`
//! (a machine with only the app installed has no `golive` command).

pub const SCRIPT_ARG: &str = "--golive-demo-script";

/// Runs a demo script when the process was started for one.
pub fn run_if_asked() -> Option<i32> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(SCRIPT_ARG) {
        return None;
    }
    let outcome =
        golive_core::deploy::demo::parse_args(&args[1..]).and_then(|(script, port, seconds)| {
            golive_core::deploy::demo::run_script(script, port, seconds)
        });
    Some(match outcome {
        Ok(status) => i32::from(status),
        Err(e) => {
            eprintln!("golive demo script: {e}");
            2
        }
    })
}
