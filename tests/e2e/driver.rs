//! Starting the app under tauri-driver and talking to it over WebDriver.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::json;

use crate::STEP;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// tauri-driver with its WebKitWebDriver child. Dropping it sends SIGTERM:
/// tauri-driver stops its WebKitWebDriver only on TERM/INT/QUIT, and a
/// leftover one keeps its port and hangs the next run.
struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    fn start(store: &Path, home: &Path, env: &[(&str, &str)]) -> TauriDriver {
        let logs = home.join("logs");
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests under Xvfb (`make test` does)"
        );
        let (port, native_port) = (free_port(), free_port());
        // The "system browser" of the test: xdg-open hands links to $BROWSER,
        // which writes them down so a test can see what was opened.
        let browser = home.join("browser.sh");
        std::fs::write(
            &browser,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                opened_links_file(home).display()
            ),
        )
        .expect("write the test browser");
        std::fs::set_permissions(
            &browser,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("make the test browser executable");
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("GOLIVE_STORE", store)
            .env("GOLIVE_LOG_DIR", logs)
            // The webview's own storage (theme choice, caches) is per test too.
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("BROWSER", &browser)
            .env_remove("XDG_CURRENT_DESKTOP")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start tauri-driver ({e}); install it with `cargo install tauri-driver --locked --version 2.1.0` (`make test` does)"));
        let driver = TauriDriver { child, port };
        let deadline = Instant::now() + STEP;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {port} within {STEP:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How often the waits look again: text, attributes and opened links every
/// 100 ms, whether something is in view or gone every 50 ms.
const SLOW: Duration = Duration::from_millis(100);
const FAST: Duration = Duration::from_millis(50);

/// Reads until `done` holds for what was read, every `every`, for at most
/// `within`; on running out of time, what was read last.
async fn poll<T>(
    within: Duration,
    every: Duration,
    mut read: impl AsyncFnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> Result<(), T> {
    let deadline = Instant::now() + within;
    loop {
        let seen = read().await;
        if done(&seen) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(seen);
        }
        tokio::time::sleep(every).await;
    }
}

/// A selector as a file name.
fn slug(css: &str) -> String {
    css.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn opened_links_file(home: &Path) -> PathBuf {
    home.join("opened-links.txt")
}

/// Whether this build embeds `ui/dist` (else the app would wait for a dev server).
fn ui_embedded() -> bool {
    cfg!(feature = "custom-protocol")
}

/// One run of the app on one store.
pub struct App {
    pub client: Client,
    home: PathBuf,
    _driver: TauriDriver,
}

impl App {
    /// The folder the app's XDG data, config and cache live under.
    pub fn home(&self) -> &Path {
        &self.home
    }

    pub async fn start(store: &Path) -> App {
        App::start_with_env(store, &[]).await
    }

    /// Starts the app with extra environment variables.
    pub async fn start_with_env(store: &Path, env: &[(&str, &str)]) -> App {
        App::start_with(store, env, &[]).await
    }

    /// Starts the app on `store` with extra environment variables and
    /// command-line arguments (such as `--record FILE`).
    pub async fn start_with(store: &Path, env: &[(&str, &str)], args: &[&str]) -> App {
        assert!(
            ui_embedded(),
            "the end-to-end tests need the UI embedded: run them with `--features custom-protocol` (`make test` does)"
        );
        let home = store.parent().expect("the store is in a test folder");
        let driver = TauriDriver::start(store, home, env);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_golive-desktop"), "args": args }),
        );
        caps.insert("browserName".into(), json!("wry"));
        // tauri-driver listens before its WebKitWebDriver does; on a busy
        // machine the first session request can be cut off. Retry briefly.
        let url = format!("http://127.0.0.1:{}", driver.port);
        let deadline = Instant::now() + STEP;
        let client = loop {
            let attempt = tokio::time::timeout(
                STEP,
                ClientBuilder::rustls()
                    .expect("TLS connector")
                    .capabilities(caps.clone())
                    .connect(&url),
            )
            .await
            .expect("the WebDriver session did not start in time");
            match attempt {
                Ok(client) => break client,
                Err(error) if Instant::now() < deadline => {
                    eprintln!("WebDriver session not ready yet ({error}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => panic!("start a WebDriver session with the app: {error}"),
            }
        };
        App {
            client,
            home: home.to_path_buf(),
            _driver: driver,
        }
    }

    /// The links the app handed to the system browser, oldest first.
    pub async fn wait_for_opened_link(&self, url: &str) {
        let read =
            async || std::fs::read_to_string(opened_links_file(&self.home)).unwrap_or_default();
        if let Err(opened) = poll(STEP, SLOW, read, |opened| {
            opened.lines().any(|line| line == url)
        })
        .await
        {
            panic!("the app did not open {url} in the browser; it opened: {opened:?}");
        }
    }

    /// Chooses the option with this visible text in a select.
    pub async fn select_label(&self, css: &str, label: &str) {
        self.find(css)
            .await
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("choose {label:?} in {css}: {e}"));
    }

    pub async fn select_value(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value:?} in {css}: {e}"));
    }

    pub async fn quit(self) {
        let _ = tokio::time::timeout(STEP, self.client.close()).await;
    }

    /// Waits for the element; fails with the selector if it never shows.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(STEP)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                // What the window showed instead is the first thing to look at.
                let path = self.failure_screenshot("", css).await;
                panic!(
                    "{css} did not appear within {STEP:?}: {e} (the window: {})",
                    path.display()
                )
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("attribute {name} of {css}: {e}"))
    }

    /// Polls until `check` holds for the element's attribute, or fails saying what it saw.
    pub async fn wait_for_attr(&self, css: &str, name: &str, want: &str, within: Duration) {
        let read = async || self.attr(css, name).await;
        if let Err(seen) = poll(within, SLOW, read, |seen| seen.as_deref() == Some(want)).await {
            panic!("{css} [{name}] stayed {seen:?}, expected {want:?} within {within:?}");
        }
    }

    /// Polls until the element's attribute satisfies `check` (e.g. a count above zero).
    pub async fn wait_for_attr_where(
        &self,
        css: &str,
        name: &str,
        what: &str,
        check: impl Fn(&str) -> bool,
        within: Duration,
    ) {
        let read = async || self.attr(css, name).await;
        if let Err(seen) = poll(within, SLOW, read, |seen| {
            seen.as_deref().is_some_and(&check)
        })
        .await
        {
            panic!("{css} [{name}] stayed {seen:?}, expected {what} within {within:?}");
        }
    }

    /// The current value of an input or textarea (what was typed, not the attribute).
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap_or_else(|e| panic!("value of {css}: {e}"))
            .unwrap_or_default()
    }

    pub async fn wait_for_value(&self, css: &str, want: &str) {
        let read = async || self.value(css).await;
        if let Err(seen) = poll(STEP, SLOW, read, |seen| seen.contains(want)).await {
            panic!("{css} never held {want:?}; it holds {seen:?}");
        }
    }

    pub async fn wait_for_text(&self, css: &str, want: &str) {
        // Rendered text: CSS may have changed its case (labels are upper-cased).
        let read = async || self.text(css).await;
        let want_lower = want.to_lowercase();
        if let Err(seen) = poll(STEP, SLOW, read, |seen| {
            seen.to_lowercase().contains(&want_lower)
        })
        .await
        {
            let path = self.failure_screenshot("text-", css).await;
            panic!(
                "{css} never showed {want:?}; it shows {seen:?} (the window: {})",
                path.display()
            );
        }
    }

    /// Whether any element matching `css` is displayed (in the page and
    /// not hidden by a style, as the read-only mode hides controls).
    async fn shown(&self, css: &str) -> bool {
        for element in self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("query the page")
        {
            // An element replaced meanwhile counts as not shown.
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Waits until the element matching `css` can be seen where a person
    /// looks: inside the window and its scrolling dialog, not under anything
    /// (the point at its centre hits it).
    pub async fn wait_in_view(&self, css: &str) {
        let read = async || {
            self.client
                .execute(
                    "const el = document.querySelector(arguments[0]);
                     if (!el) return 'not there';
                     const r = el.getBoundingClientRect();
                     const box = el.closest('[role=dialog]')?.getBoundingClientRect()
                       ?? { top: 0, bottom: innerHeight };
                     if (r.top < box.top || r.bottom > box.bottom || r.bottom > innerHeight)
                       return `outside: ${Math.round(r.top)}..${Math.round(r.bottom)} in ${Math.round(box.top)}..${Math.round(box.bottom)}`;
                     const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                     return hit && el.contains(hit) ? 'seen' : `under ${hit?.outerHTML.slice(0, 80)}`;",
                    vec![json!(css)],
                )
                .await
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .unwrap_or_else(|e| format!("script failed: {e}"))
        };
        if let Err(seen) = poll(STEP, FAST, read, |seen| seen == "seen").await {
            let path = self.failure_screenshot("in-view-", css).await;
            panic!(
                "{css} is not in view after {STEP:?}: {seen} (the window: {})",
                path.display()
            );
        }
    }

    /// Waits until nothing matching `css` is shown.
    pub async fn gone(&self, css: &str) {
        let read = async || self.shown(css).await;
        if poll(STEP, FAST, read, |shown| !shown).await.is_err() {
            let path = self.failure_screenshot("gone-", css).await;
            panic!(
                "{css} is still shown after {STEP:?} (the window: {})",
                path.display()
            );
        }
    }

    /// Saves the window as `target/e2e-artifacts/FAILED-WHAT-CSS.png` for a
    /// wait that failed, and says where.
    async fn failure_screenshot(&self, what: &str, css: &str) -> PathBuf {
        let path = crate::artifacts().join(format!("FAILED-{what}{}.png", slug(css)));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&path, png);
        }
        path
    }

    /// Saves a screenshot of the window as `target/e2e-artifacts/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Wait for two painted frames so the picture shows the current DOM,
        // not the last frame WebKit happened to composite.
        let painted = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        assert!(
            painted.is_ok(),
            "the window did not paint before the screenshot {name}: {painted:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        assert!(
            png.starts_with(b"\x89PNG"),
            "the screenshot {name} is not a PNG"
        );
        let path: PathBuf = crate::artifacts().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("save the screenshot");
        path
    }
}
