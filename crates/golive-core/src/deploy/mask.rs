//! Masking secrets out of a run's output before anything is stored, logged
//! or sent to the webview.
//!
//! A secret is looked for in every form a script is likely to print it in:
//! as is, base64 (standard and URL-safe) at each of the three alignments it
//! can have inside a longer encoded text, URL-encoded (`%20` and `+` for a
//! space) and JSON-escaped. Output is masked a whole line at a time, so a
//! secret written in several pieces is found once the line is complete.

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

use crate::{Error, Result};

/// What a secret becomes in the output.
pub const MASK: &str = "***";

/// Shorter secrets are refused: masking three characters would blank out
/// ordinary words, and not masking them would leak them.
pub const MIN_SECRET_CHARS: usize = 4;

/// Refuses a secret too short to be masked safely.
pub fn check_secret_length(what: &str, secret: &str) -> Result<()> {
    if secret.chars().count() < MIN_SECRET_CHARS {
        return Err(Error::InvalidInput(format!(
            "the secret of {what} has {} character(s); deployment output can only be masked safely for secrets of {MIN_SECRET_CHARS} characters or more. Set a longer secret (`golive secret set`).",
            secret.chars().count()
        )));
    }
    Ok(())
}

#[derive(Clone)]
pub struct Masker {
    finder: Option<AhoCorasick>,
    longest: usize,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker")
            .field("longest", &self.longest)
            .finish_non_exhaustive()
    }
}

impl Masker {
    /// A masker that changes nothing (a trigger without secrets).
    pub fn none() -> Masker {
        Masker {
            finder: None,
            longest: 0,
        }
    }

    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Masker {
        let mut needles: Vec<Vec<u8>> = Vec::new();
        for secret in secrets {
            for form in forms_of(secret) {
                if form.len() >= MIN_SECRET_CHARS && !needles.contains(&form) {
                    needles.push(form);
                }
            }
        }
        if needles.is_empty() {
            return Masker::none();
        }
        let longest = needles.iter().map(Vec::len).max().unwrap_or(0);
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&needles)
            .ok();
        Masker { finder, longest }
    }

    /// The longest form looked for, in bytes: a piece of output cut shorter
    /// than this cannot be checked on its own.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// `text` with every secret form replaced by [`MASK`].
    pub fn mask(&self, text: &[u8]) -> Vec<u8> {
        self.mask_bytes(text).into_owned()
    }

    /// The same, borrowing `text` when there is nothing to mask in it.
    pub fn mask_bytes<'a>(&self, text: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        match &self.finder {
            Some(finder) if finder.is_match(text) => {
                let mut out = Vec::with_capacity(text.len());
                finder.replace_all_with_bytes(text, &mut out, |_, _, dst| {
                    dst.extend_from_slice(MASK.as_bytes());
                    true
                });
                std::borrow::Cow::Owned(out)
            }
            _ => std::borrow::Cow::Borrowed(text),
        }
    }

    pub fn mask_str(&self, text: &str) -> String {
        match &self.finder {
            None => text.to_string(),
            Some(_) => String::from_utf8_lossy(&self.mask(text.as_bytes())).into_owned(),
        }
    }

    /// Where the secret forms are in `text`, as byte ranges.
    pub fn matches(&self, text: &[u8]) -> Vec<std::ops::Range<usize>> {
        match &self.finder {
            None => Vec::new(),
            Some(finder) => finder.find_iter(text).map(|m| m.range()).collect(),
        }
    }
}

/// Every form of `secret` to look for.
fn forms_of(secret: &str) -> Vec<Vec<u8>> {
    let bytes = secret.as_bytes();
    let mut forms = vec![bytes.to_vec()];
    // Inside a longer base64 text the secret starts at one of three offsets
    // within a 3-byte group. Only the groups made entirely of its own bytes
    // encode the same whatever surrounds it: skip 0, 1 or 2 leading bytes and
    // keep whole groups.
    for skip in 0..3 {
        if bytes.len() <= skip {
            break;
        }
        let rest = &bytes[skip..];
        let whole = rest.len() / 3 * 3;
        if whole == 0 {
            continue;
        }
        let full = &rest[..whole];
        forms.push(STANDARD_NO_PAD.encode(full).into_bytes());
        forms.push(URL_SAFE_NO_PAD.encode(full).into_bytes());
        // The secret at the very start of the encoded text, with its tail
        // (the last partial group) encoded too.
        if skip == 0 {
            forms.push(STANDARD_NO_PAD.encode(bytes).into_bytes());
            forms.push(URL_SAFE_NO_PAD.encode(bytes).into_bytes());
        }
    }
    let url = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    forms.push(url.clone().into_bytes());
    forms.push(url.replace("%20", "+").into_bytes());
    // Only unreserved characters left alone, as most URL encoders do.
    const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let query = percent_encoding::utf8_percent_encode(secret, QUERY).to_string();
    forms.push(query.clone().into_bytes());
    forms.push(query.replace("%20", "+").into_bytes());
    if let Ok(json) = serde_json::to_string(secret) {
        forms.push(json.trim_matches('"').as_bytes().to_vec());
    }
    // Some encoders escape '/' in JSON strings too.
    if secret.contains('/')
        && let Ok(json) = serde_json::to_string(secret)
    {
        forms.push(json.trim_matches('"').replace('/', "\\/").into_bytes());
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t/t0ken+with \"quotes\" & ünïcode";

    fn leaks(masker: &Masker, text: &str) -> bool {
        String::from_utf8_lossy(&masker.mask(text.as_bytes())).contains(SECRET)
    }

    #[test]
    fn every_form_is_masked() {
        let masker = Masker::new([SECRET]);
        let json = serde_json::to_string(SECRET).unwrap();
        let url = percent_encoding::utf8_percent_encode(SECRET, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        for text in [
            format!("token={SECRET}!"),
            format!("{{\"token\":{json}}}"),
            format!("GET /?t={url} HTTP/1.1"),
            format!("GET /?t={} HTTP/1.1", url.replace("%20", "+")),
        ] {
            let masked = String::from_utf8(masker.mask(text.as_bytes())).unwrap();
            assert!(masked.contains(MASK), "{text:?} was not masked: {masked:?}");
            assert!(!masked.contains(SECRET), "{masked:?}");
            assert!(!masked.contains(&json[1..json.len() - 1]), "{masked:?}");
            assert!(!masked.contains(&url), "{masked:?}");
        }
        assert!(!leaks(&masker, &format!("a{SECRET}b")));
    }

    #[test]
    fn base64_is_masked_at_every_alignment() {
        let masker = Masker::new([SECRET]);
        for prefix in ["", "a", "ab", "abc", "user:"] {
            for suffix in ["", "x", "xy"] {
                let plain = format!("{prefix}{SECRET}{suffix}");
                for encoded in [
                    STANDARD_NO_PAD.encode(&plain),
                    base64::engine::general_purpose::STANDARD.encode(&plain),
                    URL_SAFE_NO_PAD.encode(&plain),
                ] {
                    let masked = String::from_utf8(masker.mask(encoded.as_bytes())).unwrap();
                    assert!(
                        masked.contains(MASK),
                        "base64 of {plain:?} ({encoded}) was not masked"
                    );
                    // What is left cannot be decoded back into the secret.
                    let kept: String = masked.replace(MASK, "");
                    assert!(
                        kept.len() + 8 < encoded.len(),
                        "too little masked: {masked}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_masker_without_secrets_changes_nothing() {
        let masker = Masker::new(std::iter::empty());
        assert_eq!(masker.mask(b"anything at all"), b"anything at all");
        assert_eq!(Masker::none().mask_str("x"), "x");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(check_secret_length("deploy-token", "abc").is_err());
        assert!(check_secret_length("deploy-token", "abcd").is_ok());
        // Characters, not bytes.
        assert!(check_secret_length("deploy-token", "äöü").is_err());
    }
}
