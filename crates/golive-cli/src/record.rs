//! The record taken away: `golive export --bundle FILE` and
//! `golive verify FILE [--key FINGERPRINT]`.

use std::path::Path;

use golive_core::record::report::{self, Options, ReportFormat, Window};
use golive_core::record::{self, BundleReport, Trust, signing, tables};

use crate::{Context, Failure, emit};

pub fn export_command(cx: &mut Context, bundle: &Path) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let key = signing::signing_key(&mut cx.store, &cx.change)?;
    let exported = record::export(&cx.store, &launch.id, bundle, &key, cx.now)?;
    emit(cx.json, &exported, |e| {
        let c = &e.checkpoint;
        format!(
            "Wrote the record of {:?}{} to {} ({}): {} events, chain head {}.\nSigned by {} (keep this fingerprint beside the file: `golive verify {} --key {}` checks it anywhere, without a network).\n",
            c.launch_name,
            rehearsal_note(c.rehearsal_of.as_deref()),
            e.path,
            crate::backup::size(e.bytes),
            c.events,
            &c.chain_head[..12],
            c.signer,
            e.path,
            c.signer,
        )
    });
    Ok(())
}

/// Closes the launch (asks first unless --yes; without a terminal, --yes
/// is required).
pub fn close_command(cx: &mut Context, yes: bool) -> Result<(), Failure> {
    let launch = cx.launch()?;
    if !yes {
        let question = format!(
            "Closing {:?} makes it read-only for good: no more ticks, sign-offs, runs or notes. Its record stays available to review and export.\n",
            launch.name
        );
        crate::backup::confirm(
            &question,
            &launch.name,
            "Type the launch's name to close it: ",
        )?;
    }
    let closed = golive_core::launch::close(&mut cx.store, &cx.change, &launch.id)?;
    emit(cx.json, &closed, |l| {
        format!(
            "Closed {:?}: it is read-only from now on. `golive export --bundle FILE` takes its record away.\n",
            l.name
        )
    });
    Ok(())
}

pub enum TableFormat {
    Json,
    Csv,
}

/// The launch's data as one JSON document or a folder of CSV files.
pub fn tables_command(cx: &mut Context, dest: &Path, format: TableFormat) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let written = match format {
        TableFormat::Json => tables::write_json(&cx.store, &launch.id, dest, cx.now)?,
        TableFormat::Csv => tables::write_csv(&cx.store, &launch.id, dest)?,
    };
    emit(cx.json, &written, |w| {
        let rows: u64 = w.tables.iter().map(|t| t.rows).sum();
        format!(
            "Wrote {} tables ({rows} rows) of {:?} to {}.\n",
            w.tables.len(),
            launch.name,
            w.path
        )
    });
    Ok(())
}

/// The launch's report for a health window of (from, until).
pub fn report_command(
    cx: &mut Context,
    dest: &Path,
    format: ReportFormat,
    (from, until): (Option<&str>, Option<&str>),
) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let window = Window::parse(cx.store.conn(), &launch.id, from, until, cx.now)?;
    // The report names the key that signs this store's bundles, made on first use.
    let key = signing::signing_key(&mut cx.store, &cx.change)?;
    let options = Options {
        window,
        signer: signing::fingerprint(&key.verifying_key()),
        generated_by: cx.change.actor.display(),
        now: cx.now,
    };
    let written = report::write(cx.store.conn(), &launch.id, &options, format, dest)?;
    emit(cx.json, &written, |w| {
        format!(
            "Wrote the report of {:?} to {} ({}); health figures from {} to {}.\n",
            launch.name,
            w.path,
            crate::backup::size(w.bytes),
            w.window_from,
            w.window_until
        )
    });
    Ok(())
}

/// Verifies a bundle without opening (or needing) a store: keys named with
/// --key are trusted, and so is the key of the store on this machine.
pub fn verify_command(
    store_path: &Path,
    file: &Path,
    keys: &[String],
    json: bool,
) -> Result<u8, Failure> {
    let mut trust = Trust::default();
    for key in keys {
        trust = trust.key(key, "the key you named");
    }
    if let Some(own) = signing::fingerprint_of_store(store_path) {
        trust = trust.key(&own, "the signing key of this machine's store");
    }
    let report = record::verify(file, &trust)?;
    emit(json, &report, render);
    Ok(if report.ok() { 0 } else { 1 })
}

fn rehearsal_note(of: Option<&str>) -> String {
    of.map(|name| format!(" (a REHEARSAL of {name:?})"))
        .unwrap_or_default()
}

fn render(report: &BundleReport) -> String {
    let c = &report.checkpoint;
    let mut out = format!(
        "Bundle {}\n  the record of {:?}{}, {} events, taken {}\n  signed by {}\n",
        report.file,
        c.launch_name,
        rehearsal_note(c.rehearsal_of.as_deref()),
        c.events,
        c.at,
        report.signer
    );
    for check in &report.checks {
        out.push_str(&format!(
            "  {:<4}  {:<9}  {}\n",
            if check.ok { "ok" } else { "FAIL" },
            check.name,
            check.detail
        ));
    }
    out.push_str(&match (report.ok(), &report.first_bad) {
        (true, _) => "VERIFIED: the record is exactly as signed.\n".to_string(),
        (false, Some(bad)) => format!(
            "NOT VERIFIED: the first bad event is #{}; nothing from it on can be trusted.\n",
            bad.seq
        ),
        (false, None) if report.checks.iter().all(|c| c.ok || c.name == "signer") => {
            "NOT VERIFIED: the record is intact, but nothing here vouches for the key that signed it.\n".to_string()
        }
        (false, None) => "NOT VERIFIED: see the failed checks above.\n".to_string(),
    });
    out
}
