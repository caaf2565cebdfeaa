//! `make bench`'s figure for the real webview: tick an item, from the click
//! on "Mark done" to the row showing it done, on a launch with 1,000 items.
//! Ignored by `make test` (timings are never asserted); `make bench` runs it
//! on the large store it generated (GOLIVE_BENCH_STORE).

use std::path::PathBuf;

use serde_json::Value;

use crate::driver::App;

/// Ticks `keys` one after another, timing each inside the page with
/// `performance.now()`, so WebDriver's own round trips are not counted.
const TICK_AND_TIME: &str = r#"
const keys = arguments[0];
const done = arguments[arguments.length - 1];
const until = (check) => new Promise((resolve) => {
  if (check()) return resolve();
  const observer = new MutationObserver(() => {
    if (check()) { observer.disconnect(); resolve(); }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
});
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  const times = [];
  for (const key of keys) {
    document.querySelector(`[data-testid="toggle-${key}"]`).click();
    await until(() => document.querySelector('[data-testid="note-confirm"]'));
    const started = performance.now();
    document.querySelector('[data-testid="note-confirm"]').click();
    await until(() => document.querySelector(`[data-testid="item-${key}"]`)?.dataset.status === 'done');
    times.push(performance.now() - started);
    await until(() => !document.querySelector('[data-testid="note-dialog"]'));
    // A person ticks every few seconds, not back to back: let the totals reload.
    await pause(300);
  }
  done(times);
})().catch((error) => done(String(error)));
"#;

#[tokio::test]
#[ignore = "a benchmark: `make bench` runs it on the large store"]
async fn bench_tick_in_the_webview() {
    let large =
        PathBuf::from(std::env::var("GOLIVE_BENCH_STORE").expect(
            "GOLIVE_BENCH_STORE names the large store to tick in; `make bench` generates it",
        ));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    std::fs::copy(&large, &store).expect("copy the large store");

    let app = App::start(&store).await;
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_text("[data-testid=filter-count]", "1000 items")
        .await;
    // Open items without a rule: a rule may refuse the tick.
    let keys: Value = app
        .client
        .execute(
            "return [...document.querySelectorAll('li[data-status=open]')]
                .filter((li) => !li.querySelector('[data-testid^=rule-]'))
                .slice(0, 60).map((li) => li.dataset.key);",
            vec![],
        )
        .await
        .expect("list open items");
    let count = keys.as_array().map_or(0, Vec::len);
    assert!(
        count >= 20,
        "the large launch has open items to tick: {keys}"
    );
    app.client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(120)),
            None,
            None,
        ))
        .await
        .expect("allow the ticking script two minutes");
    let times = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        app.client.execute_async(TICK_AND_TIME, vec![keys]),
    )
    .await
    .expect("the ticks finish within two minutes")
    .expect("tick in the page");
    let mut times: Vec<f64> = times
        .as_array()
        .unwrap_or_else(|| panic!("the page reported {times}"))
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    app.screenshot("90-bench-webview-ticks").await;
    app.quit().await;
    println!(
        "tick an item in the real webview (1,000 items; click on \"Mark done\" to the row showing done; {} ticks)",
        times.len()
    );
    println!(
        "  p50 {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms   goal: p95 <= 50 ms",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}
