//! Executing a webhook trigger: one request (credential added only for its
//! own origin; redirects are not followed), then, for pipelines that answer
//! "queued" first, polling a status URL until a JSON path says success or
//! failure. Everything it sees goes to the run's log, masked.

use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::RunState;
use super::runner::LogSender;
use super::runs::Ended;
use super::triggers::{Poll, WebhookSpec};
use crate::health::condition::json_path_value;
use crate::health::credentials::{self, Credential};
use crate::health::probe::chain;
use crate::health::tls;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an answer goes into the log.
const BODY_SHOWN: usize = 16 * 1024;

/// The values a body template and status URL may use.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub pairs: Vec<(&'static str, String)>,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Fills `{{name}}` in a template. In a JSON body the values are
/// JSON-escaped; in a URL they are percent-encoded.
pub fn render(template: &str, vars: &Vars, response: Option<&Json>, escape: Escape) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        let value = match name.strip_prefix("response.") {
            Some(path) => response
                .and_then(|json| json_path_value(json, path).ok().flatten())
                .map(|v| match v {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default(),
            None => vars.get(name).unwrap_or_default().to_string(),
        };
        out.push_str(&match escape {
            Escape::Json => {
                let quoted = serde_json::to_string(&value).unwrap_or_default();
                quoted[1..quoted.len() - 1].to_string()
            }
            Escape::Url => {
                percent_encoding::utf8_percent_encode(&value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            }
            Escape::None => value,
        });
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    Json,
    Url,
    None,
}

/// What a webhook run needs besides its settings.
pub struct WebhookRun<'a> {
    pub spec: &'a WebhookSpec,
    pub vars: Vars,
    pub credential: Option<(Credential, String)>,
    pub timeout: Option<Duration>,
    pub log: LogSender,
    /// Who asked to cancel, checked between polls.
    pub cancel_requested: &'a (dyn Fn() -> Option<String> + Sync),
}

pub async fn execute(job: WebhookRun<'_>) -> Ended {
    let started = Instant::now();
    let client = match client() {
        Ok(client) => client,
        Err(e) => return failed(&job.log, format!("cannot set up HTTP: {e}")),
    };
    let body = job.spec.body.as_ref().map(|template| {
        let json = matches!(template.trim_start().chars().next(), Some('{' | '['));
        render(
            template,
            &job.vars,
            None,
            if json { Escape::Json } else { Escape::None },
        )
    });
    let url = render(&job.spec.url, &job.vars, None, Escape::Url);
    let answer = match send(&client, &job, &job.spec.method, &url, body).await {
        Ok(answer) => answer,
        Err(why) => return failed(&job.log, why),
    };
    if !answer.ok {
        return failed(
            &job.log,
            format!(
                "{} answered {}: the webhook was not accepted",
                origin(&url),
                answer.status
            ),
        );
    }
    let Some(poll) = &job.spec.poll else {
        let detail = format!("{} accepted the webhook ({})", origin(&url), answer.status);
        job.log.note(&detail);
        return Ended::with(RunState::Succeeded, detail);
    };
    let first: Option<Json> = serde_json::from_str(&answer.body).ok();
    poll_until_done(&client, &job, poll, first.as_ref(), started).await
}

async fn poll_until_done(
    client: &reqwest::Client,
    job: &WebhookRun<'_>,
    poll: &Poll,
    first: Option<&Json>,
    started: Instant,
) -> Ended {
    let url = render(&poll.url, &job.vars, first, Escape::Url);
    let poll_deadline = Instant::now() + Duration::from_secs(u64::from(poll.timeout_s));
    let deadline = match job.timeout {
        Some(t) => poll_deadline.min(started + t),
        None => poll_deadline,
    };
    job.log.note(&format!(
        "waiting for {} to report {} (or {}) at {url}, every {} s",
        poll.path,
        poll.success.join(" / "),
        poll.failure.join(" / "),
        poll.interval_s
    ));
    let mut last_status = String::new();
    loop {
        if let Some(by) = (job.cancel_requested)() {
            let detail = format!(
                "cancelled by {by}: golive stopped waiting (the pipeline itself was not told to stop)"
            );
            job.log.note(&detail);
            return Ended::with(RunState::Cancelled, detail);
        }
        if Instant::now() >= deadline {
            let detail = format!(
                "timed out after {} s waiting for the pipeline (last status: {})",
                started.elapsed().as_secs(),
                if last_status.is_empty() {
                    "none"
                } else {
                    &last_status
                }
            );
            job.log.note(&detail);
            return Ended::with(RunState::TimedOut, detail);
        }
        let wait = Duration::from_secs(u64::from(poll.interval_s))
            .min(deadline.saturating_duration_since(Instant::now()));
        // Sleep in small steps so a cancel is seen quickly.
        let until = Instant::now() + wait;
        while Instant::now() < until && (job.cancel_requested)().is_none() {
            tokio::time::sleep(
                Duration::from_millis(100).min(until.saturating_duration_since(Instant::now())),
            )
            .await;
        }
        if (job.cancel_requested)().is_some() {
            continue;
        }
        let answer = match send(client, job, "GET", &url, None).await {
            Ok(answer) => answer,
            Err(why) => {
                // One failed poll is not the pipeline failing; keep asking until the deadline.
                job.log.note(&format!("{why}; asking again"));
                continue;
            }
        };
        if !answer.ok {
            job.log.note(&format!(
                "the status URL answered {}; asking again",
                answer.status
            ));
            continue;
        }
        let status = serde_json::from_str::<Json>(&answer.body)
            .ok()
            .and_then(|json| json_path_value(&json, &poll.path).ok().flatten().cloned())
            .map(|v| match v {
                Json::String(s) => s,
                other => other.to_string(),
            });
        let Some(status) = status else {
            job.log
                .note(&format!("the answer has no {}; asking again", poll.path));
            continue;
        };
        if status != last_status {
            job.log.note(&format!("status: {status}"));
            last_status = status.clone();
        }
        let is = |list: &[String]| list.iter().any(|w| w.eq_ignore_ascii_case(&status));
        if is(&poll.success) {
            let detail = format!("the pipeline reported {status}");
            job.log.note(&detail);
            return Ended::with(RunState::Succeeded, detail);
        }
        if is(&poll.failure) {
            let detail = format!("the pipeline reported {status}");
            job.log.note(&detail);
            return Ended::failed(detail);
        }
    }
}

struct Answer {
    ok: bool,
    status: String,
    body: String,
}

async fn send(
    client: &reqwest::Client,
    job: &WebhookRun<'_>,
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<Answer, String> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = client.request(method.clone(), url).timeout(REQUEST_TIMEOUT);
    for header in &job.spec.headers {
        request = request.header(&header.name, &header.value);
    }
    if let Some((credential, secret)) = &job.credential {
        // Checked when the trigger was saved; checked again here because
        // the status URL is filled in from an answer.
        if credentials::origin_of(url).ok().as_deref() == Some(credential.origin.as_str()) {
            let (name, value) = credentials::header(credential, secret);
            request = request.header(name, value);
        }
    }
    if let Some(body) = body {
        let json = matches!(body.trim_start().chars().next(), Some('{' | '['));
        if json
            && !job
                .spec
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("content-type"))
        {
            request = request.header("Content-Type", "application/json");
        }
        request = request.body(body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("{method} {url} failed: {}", chain(&e)))?;
    let status = response.status();
    let status_text = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("reading the answer of {url} failed: {}", chain(&e)))?;
    let body = String::from_utf8_lossy(&bytes).into_owned();
    job.log.note(&format!("{method} {url} → {status_text}"));
    let shown: Vec<String> = body
        .chars()
        .take(BODY_SHOWN)
        .collect::<String>()
        .lines()
        .map(|line| line.to_string())
        .collect();
    if !shown.is_empty() {
        job.log.lines(super::Stream::Stdout, &shown);
    }
    Ok(Answer {
        ok: status.is_success(),
        status: status_text,
        body,
    })
}

fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls::client_config(&[])?)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!(
            "golive/",
            env!("CARGO_PKG_VERSION"),
            " (deployment trigger)"
        ))
        .build()
        .map_err(|e| chain(&e))
}

fn origin(url: &str) -> String {
    credentials::origin_of(url).unwrap_or_else(|_| url.to_string())
}

fn failed(log: &LogSender, detail: String) -> Ended {
    log.note(&detail);
    Ended::failed(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_escape_for_where_they_go() {
        let vars = Vars {
            pairs: vec![("version", "2.4 \"rc\"".into()), ("run_id", "r/1".into())],
        };
        assert_eq!(
            render(r#"{"v":"{{version}}"}"#, &vars, None, Escape::Json),
            r#"{"v":"2.4 \"rc\""}"#
        );
        assert_eq!(
            render("https://ci/{{run_id}}", &vars, None, Escape::Url),
            "https://ci/r%2F1"
        );
        let response: Json = serde_json::json!({"id": 42});
        assert_eq!(
            render(
                "https://ci/{{response.$.id}}",
                &vars,
                Some(&response),
                Escape::Url
            ),
            "https://ci/42"
        );
    }
}
