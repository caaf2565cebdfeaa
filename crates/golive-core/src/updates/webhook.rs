//! Posting an update to a chat webhook. Slack takes `{"text": …}`; Teams
//! takes a MessageCard. The URL is the secret: it is checked and used, never
//! put in an error (reqwest's errors carry the URL, so it is stripped).

use std::time::Duration;

use super::ChannelKind;
use crate::health::{credentials, tls};
use crate::{Error, Result};

/// Checks a webhook URL and returns its origin: https, or http to a
/// loopback address (a local stand-in); no user:password in it.
pub fn check_url(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::InvalidInput(
            "the webhook URL is not a URL; paste the whole incoming-webhook URL your chat gave you"
                .into(),
        )
    })?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::InvalidInput(
                "the webhook URL is plain http; the URL is a secret and goes only over https (http only to this machine)".into(),
            ));
        }
        other => {
            return Err(Error::InvalidInput(format!(
                "the webhook URL starts with {other}:, not https:"
            )));
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::InvalidInput(
            "the webhook URL holds a user name or password; chat webhooks do not need one".into(),
        ));
    }
    credentials::origin_of(url)
}

/// The request body for the kind of chat.
pub fn payload(kind: ChannelKind, body: &str) -> serde_json::Value {
    match kind {
        ChannelKind::Slack => serde_json::json!({ "text": body }),
        ChannelKind::Teams => {
            let summary = body.lines().next().unwrap_or("golive status update");
            serde_json::json!({
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "summary": summary,
                // Teams renders Markdown; a single newline would be lost.
                "text": body.replace('\n', "\n\n"),
            })
        }
    }
}

/// POSTs the update; Ok when the webhook answers 2xx.
pub async fn post(kind: ChannelKind, url: &str, body: &str) -> std::result::Result<(), String> {
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls::client_config(&[])?)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(20))
        .user_agent(concat!(
            "golive/",
            env!("CARGO_PKG_VERSION"),
            " (stakeholder update)"
        ))
        .build()
        .map_err(|e| e.without_url().to_string())?;
    let answer = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(payload(kind, body).to_string())
        .send()
        .await
        .map_err(|e| describe(e.without_url()))?;
    let status = answer.status();
    if status.is_success() {
        return Ok(());
    }
    let text = answer.text().await.unwrap_or_default();
    let text: String = text.trim().chars().take(200).collect();
    Err(match status.as_u16() {
        404 | 410 => format!(
            "the webhook answered {status}: it no longer exists; add the channel again with a new URL"
        ),
        401 | 403 => format!("the webhook answered {status}: it refused the post ({text})"),
        _ if text.is_empty() => format!("the webhook answered {status}"),
        _ => format!("the webhook answered {status}: {text}"),
    })
}

fn describe(error: reqwest::Error) -> String {
    let text = crate::health::probe::chain(&error);
    if error.is_timeout() {
        format!("no answer within 20 s ({text})")
    } else if error.is_connect() {
        format!("cannot connect ({text})")
    } else {
        text
    }
}
