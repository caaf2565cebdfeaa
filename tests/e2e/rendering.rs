//! Without a GPU the webview paints on the CPU (src-tauri/src/rendering.rs):
//! the app starts itself again with WebKit's variable set, and WebDriver
//! still drives it.

use crate::driver::App;

/// The environment of the webview processes started for `app`.
fn webview_environments(app: &App) -> Vec<String> {
    let marker = format!("XDG_DATA_HOME={}", app.home().join("data").display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if !String::from_utf8_lossy(&cmdline).contains("WebKitWebProcess") {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        let environ = String::from_utf8_lossy(&environ).replace('\0', "\n");
        if environ.lines().any(|line| line == marker) {
            found.push(environ);
        }
    }
    found
}

#[tokio::test]
async fn without_a_gpu_the_webview_paints_on_the_cpu() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::start(&dir.path().join("golive.db")).await;
    app.find("[data-testid=create-launch]").await;
    let environments = webview_environments(&app);
    assert!(
        !environments.is_empty(),
        "the app's webview process is found"
    );
    let cpu = environments.iter().all(|env| {
        env.lines()
            .any(|l| l == "WEBKIT_SKIA_ENABLE_CPU_RENDERING=1")
    });
    assert_eq!(
        cpu,
        !golive_desktop::rendering::has_render_node(),
        "CPU painting exactly when there is no render node"
    );
    app.screenshot("rendering-first-run").await;
    app.quit().await;
}
