//! Conditions a response must meet, in the spirit of Gatus, one per line:
//!
//! ```text
//! status in 200..299            status == 200        status in 200, 204
//! response_time < 2s            response_time < 1000ms else warn
//! $.status == UP                $.components.db.status != "DOWN"
//! $.queue.depth <= 100          body contains "ok"   body matches "^v[0-9]+"
//! cert_days > 7                 cert_days > 30 else warn
//! ```
//!
//! A condition that does not hold fails the probe, or only warns when it
//! ends in `else warn`. Its message says what was seen and what was
//! expected: "$.status is DOWN, expected UP".

use regex::Regex;
use serde_json::Value as Json;

use super::Verdict;

#[derive(Debug, Clone)]
pub struct Condition {
    /// As written, trimmed.
    pub text: String,
    /// What a miss costs: `Fail`, or `Warn` with `else warn`.
    pub severity: Verdict,
    subject: Subject,
    op: Op,
    value: Expected,
}

#[derive(Debug, Clone, PartialEq)]
enum Subject {
    Status,
    ResponseTime,
    Body,
    CertDays,
    Json { path: String, steps: Vec<Step> },
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    NotContains,
    Matches,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
            Op::Contains => "contains",
            Op::NotContains => "!contains",
            Op::Matches => "matches",
        }
    }

    fn is_order(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

#[derive(Debug, Clone)]
enum Expected {
    Number(f64),
    Range(f64, f64),
    Set(Vec<f64>),
    Text(String),
    Literal(Json),
    Pattern(Regex),
}

/// What a probe saw, as conditions read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Observed<'a> {
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub body: Option<&'a str>,
    pub json: Option<&'a Json>,
    pub cert_days_left: Option<i64>,
}

const OPERATORS: &[(&str, Op)] = &[
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("!contains", Op::NotContains),
    ("contains", Op::Contains),
    ("matches", Op::Matches),
    ("in", Op::In),
];

impl Condition {
    /// Parses one condition; the error says what is wrong and shows the forms that work.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        let fail = |why: String| {
            Err(format!(
                "condition {text:?}: {why}. Conditions look like `status in 200..299`, `response_time < 2s else warn`, `$.status == UP`, `body contains \"ok\"` or `cert_days > 7`."
            ))
        };
        if text.is_empty() {
            return fail("it is empty".into());
        }
        let (body, severity) = match strip_suffix_ignore_case(text, "else warn") {
            Some(rest) => (rest.trim_end(), Verdict::Warn),
            None => (text, Verdict::Fail),
        };
        let (subject_text, rest) = split_subject(body);
        let subject = match parse_subject(subject_text) {
            Ok(subject) => subject,
            Err(why) => return fail(why),
        };
        let rest = rest.trim_start();
        let Some((op, value_text)) = OPERATORS.iter().find_map(|(symbol, op)| {
            let after = rest.strip_prefix(symbol)?;
            // Word operators need a space after them (`in 200..299`).
            let word = symbol.chars().last().is_some_and(|c| c.is_alphabetic());
            (!word || after.starts_with(char::is_whitespace)).then_some((*op, after.trim()))
        }) else {
            return fail(format!(
                "after `{subject_text}` comes an operator: ==, !=, <, <=, >, >=, in, contains, !contains or matches"
            ));
        };
        if value_text.is_empty() {
            return fail(format!("nothing follows `{}`", op.symbol()));
        }
        let value = match expected(&subject, op, value_text) {
            Ok(value) => value,
            Err(why) => return fail(why),
        };
        Ok(Condition {
            text: text.to_string(),
            severity,
            subject,
            op,
            value,
        })
    }

    /// Whether it is about the certificate (which needs an https URL).
    pub fn needs_tls(&self) -> bool {
        self.subject == Subject::CertDays
    }

    /// Whether it checks the status code (then the default "2xx" check is off).
    pub fn checks_status(&self) -> bool {
        self.subject == Subject::Status
    }

    /// `None` when it holds, else what was seen and what was expected.
    pub fn evaluate(&self, seen: &Observed<'_>) -> Option<String> {
        match &self.subject {
            Subject::Status => {
                let Some(status) = seen.status else {
                    return Some("no response, so no status".into());
                };
                let holds = self.compare_number(f64::from(status));
                (!holds).then(|| format!("status is {status}, expected {}", self.expectation()))
            }
            Subject::ResponseTime => {
                let holds = self.compare_number(seen.latency_ms as f64);
                (!holds).then(|| {
                    format!(
                        "response time is {} ms, expected {}",
                        seen.latency_ms,
                        self.expectation()
                    )
                })
            }
            Subject::CertDays => {
                let Some(days) = seen.cert_days_left else {
                    return Some("there is no certificate to check (not an https response)".into());
                };
                let holds = self.compare_number(days as f64);
                (!holds).then(|| {
                    format!(
                        "certificate expires in {days} days, expected {}",
                        self.expectation()
                    )
                })
            }
            Subject::Body => {
                let body = seen.body.unwrap_or("");
                let holds = self.compare_text(body);
                (!holds).then(|| match self.op {
                    Op::Contains => format!("the body does not contain {}", self.expectation()),
                    Op::NotContains => format!("the body contains {}", self.expectation()),
                    Op::Matches => format!("the body does not match {}", self.expectation()),
                    _ => format!("the body is not {}", self.expectation()),
                })
            }
            Subject::Json { path, steps } => {
                let Some(json) = seen.json else {
                    return Some(format!("the body is not JSON, so {path} cannot be read"));
                };
                let Some(found) = walk(json, steps) else {
                    return Some(format!("{path} is missing from the body"));
                };
                let holds = self.compare_json(found);
                (!holds).then(|| {
                    format!(
                        "{path} is {}, expected {}",
                        shown(found),
                        self.expectation()
                    )
                })
            }
        }
    }

    fn compare_number(&self, actual: f64) -> bool {
        match (&self.value, self.op) {
            (Expected::Number(n), op) => order(actual, op, *n),
            (Expected::Range(low, high), _) => actual >= *low && actual <= *high,
            (Expected::Set(set), _) => set.contains(&actual),
            _ => false,
        }
    }

    fn compare_text(&self, actual: &str) -> bool {
        match (&self.value, self.op) {
            (Expected::Text(text), Op::Contains) => actual.contains(text.as_str()),
            (Expected::Text(text), Op::NotContains) => !actual.contains(text.as_str()),
            (Expected::Text(text), Op::Eq) => actual == text,
            (Expected::Text(text), Op::Ne) => actual != text,
            (Expected::Pattern(pattern), _) => pattern.is_match(actual),
            _ => false,
        }
    }

    fn compare_json(&self, actual: &Json) -> bool {
        match (&self.value, self.op) {
            (Expected::Literal(expected), Op::Eq) => loosely_equal(actual, expected),
            (Expected::Literal(expected), Op::Ne) => !loosely_equal(actual, expected),
            (Expected::Number(n), op) => number_of(actual).is_some_and(|a| order(a, op, *n)),
            (Expected::Range(..) | Expected::Set(_), _) => {
                number_of(actual).is_some_and(|a| self.compare_number(a))
            }
            (Expected::Text(_) | Expected::Pattern(_), _) => match actual {
                Json::String(text) => self.compare_text(text),
                other => self.compare_text(&other.to_string()),
            },
            _ => false,
        }
    }

    /// The expected side in words, e.g. "< 1000 ms", "200..299", "UP".
    fn expectation(&self) -> String {
        let unit = match self.subject {
            Subject::ResponseTime => " ms",
            _ => "",
        };
        match &self.value {
            Expected::Number(n) if self.op == Op::Eq => format!("{}{unit}", number_text(*n)),
            Expected::Number(n) => format!("{} {}{unit}", self.op.symbol(), number_text(*n)),
            Expected::Range(low, high) => format!("{}..{}", number_text(*low), number_text(*high)),
            Expected::Set(set) => set
                .iter()
                .map(|n| number_text(*n))
                .collect::<Vec<_>>()
                .join(" or "),
            Expected::Text(text) => format!("{text:?}"),
            Expected::Pattern(pattern) => format!("/{}/", pattern.as_str()),
            Expected::Literal(Json::String(text)) if self.op == Op::Eq => text.clone(),
            Expected::Literal(Json::String(text)) => format!("not {text}"),
            Expected::Literal(other) if self.op == Op::Eq => other.to_string(),
            Expected::Literal(other) => format!("not {other}"),
        }
    }
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let (rest, tail) = (text.get(..cut)?, text.get(cut..)?);
    (tail.eq_ignore_ascii_case(suffix) && rest.ends_with(char::is_whitespace)).then_some(rest)
}

/// The subject runs to the first space or operator character; a JSON path
/// may hold quoted keys with spaces in brackets.
fn split_subject(text: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() || matches!(c, '=' | '!' | '<' | '>') => {
                return (&text[..at], &text[at..]);
            }
            None => {}
        }
    }
    (text, "")
}

fn parse_subject(text: &str) -> Result<Subject, String> {
    match text.to_ascii_lowercase().as_str() {
        "status" => return Ok(Subject::Status),
        "response_time" => return Ok(Subject::ResponseTime),
        "body" => return Ok(Subject::Body),
        "cert_days" => return Ok(Subject::CertDays),
        _ => {}
    }
    if text.starts_with('$') {
        return Ok(Subject::Json {
            path: text.to_string(),
            steps: parse_path(text)?,
        });
    }
    Err(format!(
        "`{text}` is not something a condition can check; use status, response_time, body, cert_days or a JSON path such as $.status"
    ))
}

/// `$`, then `.key`, `[3]`, `['key']` or `["key"]` steps.
fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| Err(format!("the JSON path `{path}` {why}"));
    let mut steps = Vec::new();
    let mut rest = &path[1..];
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return bad("has an empty key after a dot");
            }
            steps.push(Step::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some(close) = after.find(']') else {
                return bad("has a `[` without its `]`");
            };
            let inside = after[..close].trim();
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            match (quoted, inside.parse::<usize>()) {
                (Some(key), _) => steps.push(Step::Key(key.to_string())),
                (None, Ok(index)) => steps.push(Step::Index(index)),
                (None, Err(_)) => {
                    return bad(
                        "has a bracket that is neither an index like [0] nor a quoted key like ['name']",
                    );
                }
            }
            rest = &after[close + 1..];
        } else {
            return bad("continues with something other than .key or [index]");
        }
    }
    Ok(steps)
}

/// Checks a JSON path (`$.a.b[0]['c d']`); the error says what is wrong.
pub fn json_path_steps(path: &str) -> Result<(), String> {
    if !path.starts_with('$') {
        return Err(format!("the JSON path `{path}` must start with $"));
    }
    parse_path(path).map(|_| ())
}

/// The value at a JSON path, `None` when the path leads nowhere.
pub fn json_path_value<'a>(json: &'a Json, path: &str) -> Result<Option<&'a Json>, String> {
    json_path_steps(path)?;
    Ok(walk(json, &parse_path(path)?))
}

fn walk<'a>(json: &'a Json, steps: &[Step]) -> Option<&'a Json> {
    steps.iter().try_fold(json, |at, step| match step {
        Step::Key(key) => at.get(key.as_str()),
        Step::Index(index) => at.get(*index),
    })
}

fn expected(subject: &Subject, op: Op, text: &str) -> Result<Expected, String> {
    let numeric = matches!(
        subject,
        Subject::Status | Subject::ResponseTime | Subject::CertDays
    );
    match op {
        Op::In => {
            if matches!(subject, Subject::Body) {
                return Err("`in` takes numbers; for the body use contains or matches".into());
            }
            if let Some((low, high)) = text.split_once("..") {
                let low = number(subject, low.trim())?;
                let high = number(subject, high.trim())?;
                if low > high {
                    return Err(format!(
                        "the range {text} is empty (its start is above its end)"
                    ));
                }
                return Ok(Expected::Range(low, high));
            }
            let set = text
                .split(',')
                .map(|n| number(subject, n.trim()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Expected::Set(set))
        }
        Op::Contains | Op::NotContains => {
            if numeric {
                return Err(format!(
                    "`{}` works on the body or a JSON value",
                    op.symbol()
                ));
            }
            Ok(Expected::Text(unquote(text).to_string()))
        }
        Op::Matches => {
            if numeric {
                return Err("`matches` works on the body or a JSON value".into());
            }
            let pattern = unquote(text);
            Regex::new(pattern).map(Expected::Pattern).map_err(|e| {
                format!("the pattern {pattern:?} is not a valid regular expression: {e}")
            })
        }
        _ if numeric => number(subject, text).map(Expected::Number),
        _ if op.is_order() => {
            if matches!(subject, Subject::Body) {
                return Err(format!("`{}` compares numbers, not the body", op.symbol()));
            }
            text.parse::<f64>().map(Expected::Number).map_err(|_| {
                format!(
                    "`{}` compares numbers, and {text:?} is not one",
                    op.symbol()
                )
            })
        }
        _ if matches!(subject, Subject::Body) => Ok(Expected::Text(unquote(text).to_string())),
        _ => Ok(Expected::Literal(literal(text))),
    }
}

/// A number for a subject, with the units it accepts: `2s` / `500ms` for
/// response times, `7d` for certificate days.
fn number(subject: &Subject, text: &str) -> Result<f64, String> {
    let lower = text.to_ascii_lowercase();
    let (digits, scale) = match subject {
        Subject::ResponseTime => {
            if let Some(ms) = lower.strip_suffix("ms") {
                (ms.trim().to_string(), 1.0)
            } else if let Some(s) = lower.strip_suffix('s') {
                (s.trim().to_string(), 1000.0)
            } else {
                (lower.clone(), 1.0)
            }
        }
        Subject::CertDays => (
            lower
                .strip_suffix("days")
                .or_else(|| lower.strip_suffix('d'))
                .unwrap_or(&lower)
                .trim()
                .to_string(),
            1.0,
        ),
        _ => (lower.clone(), 1.0),
    };
    digits
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| n * scale)
        .ok_or_else(|| match subject {
            Subject::ResponseTime => format!("{text:?} is not a duration such as 500ms or 2s"),
            Subject::CertDays => format!("{text:?} is not a number of days"),
            Subject::Status => format!("{text:?} is not a status code"),
            _ => format!("{text:?} is not a number"),
        })
}

fn unquote(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
        .unwrap_or(text)
}

/// A JSON literal; a bare word is a string, so `$.status == UP` reads naturally.
fn literal(text: &str) -> Json {
    let quoted = text.starts_with('"') || text.starts_with('\'');
    if quoted {
        return Json::String(unquote(text).to_string());
    }
    match serde_json::from_str::<Json>(text) {
        Ok(value @ (Json::Number(_) | Json::Bool(_) | Json::Null)) => value,
        _ => Json::String(text.to_string()),
    }
}

fn loosely_equal(actual: &Json, expected: &Json) -> bool {
    match (actual, expected) {
        (Json::Number(_), Json::Number(_)) => number_of(actual) == number_of(expected),
        // A number or boolean written bare matches its text form too ("1" == 1).
        (Json::String(a), Json::Number(_) | Json::Bool(_)) => {
            a.trim() == expected.to_string().as_str()
        }
        _ => actual == expected,
    }
}

fn number_of(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn order(actual: f64, op: Op, expected: f64) -> bool {
    match op {
        Op::Eq => actual == expected,
        Op::Ne => actual != expected,
        Op::Lt => actual < expected,
        Op::Le => actual <= expected,
        Op::Gt => actual > expected,
        Op::Ge => actual >= expected,
        _ => false,
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn shown(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        other => {
            let text = other.to_string();
            if text.chars().count() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, seen: Observed<'_>) -> Option<String> {
        Condition::parse(text).unwrap().evaluate(&seen)
    }

    #[test]
    fn json_paths_compare_and_explain() {
        let json: Json =
            serde_json::json!({"status": "DOWN", "checks": [{"ms": 12}], "a b": {"n": "5"}});
        let seen = Observed {
            json: Some(&json),
            ..Observed::default()
        };
        assert_eq!(
            check("$.status == UP", seen).as_deref(),
            Some("$.status is DOWN, expected UP")
        );
        assert_eq!(check("$.status != \"UP\"", seen), None);
        assert_eq!(check("$.checks[0].ms < 20", seen), None);
        assert_eq!(check("$['a b'].n >= 5", seen), None);
        assert_eq!(
            check("$.missing == 1", seen).as_deref(),
            Some("$.missing is missing from the body")
        );
    }

    #[test]
    fn units_ranges_sets_and_warnings() {
        let seen = Observed {
            status: Some(204),
            latency_ms: 1500,
            cert_days_left: Some(20),
            ..Observed::default()
        };
        assert_eq!(check("status in 200..299", seen), None);
        assert_eq!(check("status in 200, 204", seen), None);
        assert_eq!(
            check("status == 200", seen).as_deref(),
            Some("status is 204, expected 200")
        );
        assert_eq!(
            check("response_time < 1s", seen).as_deref(),
            Some("response time is 1500 ms, expected < 1000 ms")
        );
        let warn = Condition::parse("cert_days > 30 else warn").unwrap();
        assert_eq!(warn.severity, Verdict::Warn);
        assert_eq!(
            warn.evaluate(&seen).as_deref(),
            Some("certificate expires in 20 days, expected > 30")
        );
    }

    #[test]
    fn mistakes_are_explained() {
        for (text, says) in [
            ("", "it is empty"),
            ("latency < 5", "not something a condition can check"),
            ("status 200", "comes an operator"),
            ("response_time < fast", "not a duration"),
            ("body matches \"(\"", "not a valid regular expression"),
            ("status in 300..200", "is empty"),
            ("$.a[x] == 1", "neither an index"),
            ("status ==", "nothing follows"),
        ] {
            let error = Condition::parse(text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }
}
