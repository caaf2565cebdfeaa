//! Plan templates: the TOML files a launch is created from. The standard
//! plan, written from the go-live strategy, is built in; users bring their
//! own. A template is checked whole before anything is written, and every
//! problem is reported with file, line and field.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::rules::{PlanShape, Rule};

/// The standard go-live plan shipped in `assets/templates/standard.toml`.
pub const STANDARD_TEMPLATE: &str = include_str!("../../../assets/templates/standard.toml");
pub const STANDARD_TEMPLATE_FILE: &str = "standard.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub plan: PlanMeta,
    pub roles: Vec<RoleDef>,
    pub phases: Vec<PhaseDef>,
    // Listed field by field rather than `#[serde(flatten)]`: flattening
    // loses the line numbers and field paths of errors.
    #[serde(default)]
    pub alert_rules: Vec<AlertRule>,
    #[serde(default)]
    pub success_targets: Vec<SuccessTarget>,
    #[serde(default)]
    pub escalation_levels: Vec<EscalationLevel>,
    #[serde(default)]
    pub support_tiers: Vec<SupportTier>,
    #[serde(default)]
    pub communication: Communication,
    /// The risk register a launch starts with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<RiskDef>,
}

/// A risk of the register a launch starts with (see `risks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskDef {
    pub title: String,
    /// `technical` or `operational`.
    pub category: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
    #[serde(default)]
    pub proactive: String,
    #[serde(default)]
    pub reactive: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    pub name: Spanned<String>,
    pub version: u32,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDef {
    pub key: Spanned<String>,
    pub name: String,
    /// Whether this role signs the go/no-go decision.
    #[serde(default)]
    pub signoff: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDef {
    pub key: Spanned<String>,
    pub name: String,
    pub first_day: Spanned<i32>,
    pub last_day: Spanned<i32>,
    #[serde(default)]
    pub description: String,
    pub sections: Vec<SectionDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub key: Spanned<String>,
    pub title: Spanned<String>,
    pub items: Vec<ItemDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    pub key: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: String,
    /// A role key.
    pub owner: Spanned<String>,
    /// Days relative to Day 0.
    pub due_day: Spanned<i32>,
    /// Whether the go decision needs this item done.
    #[serde(default)]
    pub gate: bool,
    /// An auto-check rule, e.g. `section_done:pre-infra` (see `rules/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Spanned<String>>,
}

/// The parts of a plan that later capabilities use (alerting, success
/// metrics, escalation, support, status updates). Stored with the launch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanData {
    #[serde(default)]
    pub alert_rules: Vec<AlertRule>,
    #[serde(default)]
    pub success_targets: Vec<SuccessTarget>,
    #[serde(default)]
    pub escalation_levels: Vec<EscalationLevel>,
    #[serde(default)]
    pub support_tiers: Vec<SupportTier>,
    #[serde(default)]
    pub communication: Communication,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    pub key: String,
    pub severity: Severity,
    pub title: String,
    pub metric: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    /// Measured from golive's own health-check history.
    Probes,
    /// Entered by the team.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessTarget {
    pub key: String,
    pub title: String,
    pub metric: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    pub source: TargetSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    pub level: u8,
    pub name: String,
    /// Minutes at this level before the next one is due (none at the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<u32>,
    /// Role keys whose holders answer at this level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Whether the contacts flagged "emergency response team" answer here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emergency_team: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportTier {
    pub tier: u8,
    pub name: String,
    #[serde(default)]
    pub handles: Vec<String>,
    /// Role keys whose holders work this tier.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// Cadence of stakeholder status updates on Day 0.
    pub status_update_minutes: u32,
    /// Cadences of other phases; a phase not listed gets the default: the
    /// phase that starts on Day 0 `status_update_minutes`, later phases
    /// daily, earlier ones none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cadence: Vec<PhaseCadence>,
}

impl Default for Communication {
    fn default() -> Self {
        Communication {
            status_update_minutes: 15,
            cadence: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseCadence {
    pub phase: String,
    /// Minutes between updates; 0 for none in that phase.
    pub every_minutes: u32,
}

/// A template that could not be used, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TemplateError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Path of the offending field, e.g. `phases[0].sections[1].items[2].owner`.
    pub field: Option<String>,
    pub message: String,
}

impl TemplateError {
    fn describe(&self) -> String {
        let mut at = self.file.clone();
        if let Some(line) = self.line {
            at.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                at.push_str(&format!(":{column}"));
            }
        }
        let field = self
            .field
            .as_deref()
            .map(|f| format!(" field `{f}`:"))
            .unwrap_or_default();
        format!(
            "invalid plan template {at}:{field} {}. Fix the template and try again; nothing was written.",
            self.message
        )
    }
}

impl Template {
    /// The built-in standard plan.
    pub fn standard() -> Template {
        // The standard template is tested to parse; failing here is a build defect.
        #[allow(clippy::expect_used)]
        parse(STANDARD_TEMPLATE, STANDARD_TEMPLATE_FILE)
            .expect("the built-in standard template is valid")
    }

    /// The parts stored with a launch for later capabilities.
    pub fn data(&self) -> PlanData {
        PlanData {
            alert_rules: self.alert_rules.clone(),
            success_targets: self.success_targets.clone(),
            escalation_levels: self.escalation_levels.clone(),
            support_tiers: self.support_tiers.clone(),
            communication: self.communication.clone(),
        }
    }

    /// The sections rules are checked against.
    pub fn shape(&self) -> PlanShape {
        PlanShape {
            sections: self
                .phases
                .iter()
                .flat_map(|p| &p.sections)
                .map(|s| (s.key.get_ref().clone(), s.title.get_ref().clone()))
                .collect(),
        }
    }

    /// The template as TOML text, readable by [`parse`].
    pub fn to_toml(&self) -> Result<String, crate::Error> {
        toml::to_string_pretty(self)
            .map_err(|e| crate::Error::Internal(format!("the plan cannot be written as TOML: {e}")))
    }

    pub fn item_count(&self) -> usize {
        self.phases
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| s.items.len())
            .sum()
    }
}

/// Reads and checks a template file.
pub fn load(path: &Path) -> Result<Template, TemplateError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TemplateError {
        file: file.clone(),
        line: None,
        column: None,
        field: None,
        message: format!("the file cannot be read ({e})"),
    })?;
    parse(&text, &file)
}

/// Parses and checks a template; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Template, TemplateError> {
    let deserializer =
        toml::Deserializer::parse(text).map_err(|e| toml_error(text, file, &e, None))?;
    let template: Template = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // `Spanned` fields add a private segment to the path; it is not the user's field.
        let path = e.path().to_string();
        let path = path.split(".$__").next().unwrap_or_default().to_string();
        let field = (path != "." && !path.is_empty()).then_some(path);
        toml_error(text, file, e.inner(), field)
    })?;
    Checker { text, file }.check(&template)?;
    Ok(template)
}

fn toml_error(
    text: &str,
    file: &str,
    error: &toml::de::Error,
    field: Option<String>,
) -> TemplateError {
    let (line, column) = error
        .span()
        .map(|span| line_column(text, span.start))
        .unzip();
    TemplateError {
        file: file.to_string(),
        line,
        column,
        field,
        message: error.message().trim().to_string(),
    }
}

pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Rules that serde cannot express: unique keys, known owners, due days
/// inside their phase.
struct Checker<'a> {
    text: &'a str,
    file: &'a str,
}

impl Checker<'_> {
    fn fail(&self, span: Range<usize>, field: String, message: String) -> TemplateError {
        let (line, column) = line_column(self.text, span.start);
        TemplateError {
            file: self.file.to_string(),
            line: Some(line),
            column: Some(column),
            field: Some(field),
            message,
        }
    }

    fn check(&self, t: &Template) -> Result<(), TemplateError> {
        if t.plan.name.get_ref().trim().is_empty() {
            return Err(self.fail(
                t.plan.name.span(),
                "plan.name".into(),
                "the plan needs a name".into(),
            ));
        }
        if t.roles.is_empty() {
            return Err(self.missing(
                "roles",
                "the plan defines no roles; add at least one [[roles]] table",
            ));
        }
        let mut roles = HashSet::new();
        for (i, role) in t.roles.iter().enumerate() {
            self.unique_key(
                &role.key,
                format!("roles[{i}].key"),
                KeyKind::Role,
                &mut roles,
            )?;
        }
        if t.phases.is_empty() {
            return Err(self.missing(
                "phases",
                "the plan defines no phases; add at least one [[phases]] table",
            ));
        }
        let (mut phases, mut sections, mut items) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        for (p, phase) in t.phases.iter().enumerate() {
            let at = format!("phases[{p}]");
            self.unique_key(&phase.key, format!("{at}.key"), KeyKind::Phase, &mut phases)?;
            let (first, last) = (*phase.first_day.get_ref(), *phase.last_day.get_ref());
            for (day, name) in [
                (&phase.first_day, "first_day"),
                (&phase.last_day, "last_day"),
            ] {
                if !(-365..=365).contains(day.get_ref()) {
                    return Err(self.fail(
                        day.span(),
                        format!("{at}.{name}"),
                        format!("day {} is more than a year from Day 0", day.get_ref()),
                    ));
                }
            }
            if last < first {
                return Err(self.fail(
                    phase.last_day.span(),
                    format!("{at}.last_day"),
                    format!("the phase ends (day {last}) before it starts (day {first})"),
                ));
            }
            for (s, section) in phase.sections.iter().enumerate() {
                let at = format!("{at}.sections[{s}]");
                self.unique_key(
                    &section.key,
                    format!("{at}.key"),
                    KeyKind::Section,
                    &mut sections,
                )?;
                self.check_text(&section.title, format!("{at}.title"))?;
                for (i, item) in section.items.iter().enumerate() {
                    let at = format!("{at}.items[{i}]");
                    self.unique_key(&item.key, format!("{at}.key"), KeyKind::Item, &mut items)?;
                    self.check_text(&item.title, format!("{at}.title"))?;
                    if !roles.contains(item.owner.get_ref().as_str()) {
                        let known: Vec<_> =
                            t.roles.iter().map(|r| r.key.get_ref().as_str()).collect();
                        return Err(self.fail(
                            item.owner.span(),
                            format!("{at}.owner"),
                            format!(
                                "the owner {:?} is not a role of this plan (roles: {})",
                                item.owner.get_ref(),
                                known.join(", ")
                            ),
                        ));
                    }
                    let due = *item.due_day.get_ref();
                    if !(first..=last).contains(&due) {
                        return Err(self.fail(
                            item.due_day.span(),
                            format!("{at}.due_day"),
                            format!(
                                "due day {due} is outside its phase {:?} (day {first} to {last})",
                                phase.key.get_ref()
                            ),
                        ));
                    }
                }
            }
        }
        self.check_escalation(t, &roles)?;
        self.check_cadence(t)?;
        self.check_risks(t)?;
        self.check_rules(t)
    }

    /// Risks: a title, a known category, likelihood and impact 1–5.
    fn check_risks(&self, t: &Template) -> Result<(), TemplateError> {
        for (i, risk) in t.risks.iter().enumerate() {
            let at = format!("risks[{i}]");
            if risk.title.trim().is_empty() {
                return Err(self.missing(&format!("{at}.title"), "a risk needs a title"));
            }
            if !["technical", "operational"].contains(&risk.category.as_str()) {
                return Err(self.missing(
                    &format!("{at}.category"),
                    &format!(
                        "{:?} is not a category; use technical or operational",
                        risk.category
                    ),
                ));
            }
            for (field, value) in [("likelihood", risk.likelihood), ("impact", risk.impact)] {
                if !(1..=5).contains(&value) {
                    return Err(self.missing(
                        &format!("{at}.{field}"),
                        &format!("{field} is 1 to 5, not {value}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Update cadences name phases of the plan, each once, at most weekly.
    fn check_cadence(&self, t: &Template) -> Result<(), TemplateError> {
        let c = &t.communication;
        if !(1..=10_080).contains(&c.status_update_minutes) {
            return Err(self.missing(
                "communication.status_update_minutes",
                "status_update_minutes is minutes between Day 0 updates, 1 to 10080 (a week)",
            ));
        }
        let mut seen = HashSet::new();
        for (i, cadence) in c.cadence.iter().enumerate() {
            let at = format!("communication.cadence[{i}]");
            if !t.phases.iter().any(|p| p.key.get_ref() == &cadence.phase)
                || !seen.insert(&cadence.phase)
            {
                return Err(self.missing(
                    &format!("{at}.phase"),
                    &format!(
                        "{:?} is not a phase of this plan, or comes twice",
                        cadence.phase
                    ),
                ));
            }
            if cadence.every_minutes > 10_080 {
                return Err(self.missing(
                    &format!("{at}.every_minutes"),
                    "every_minutes is at most 10080 (a week); 0 means no updates in the phase",
                ));
            }
        }
        Ok(())
    }

    /// Levels 1–5 and tiers 1–3, each once, naming roles of the plan.
    fn check_escalation(&self, t: &Template, roles: &HashSet<&str>) -> Result<(), TemplateError> {
        let known = || {
            t.roles
                .iter()
                .map(|r| r.key.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut seen = HashSet::new();
        for (i, level) in t.escalation_levels.iter().enumerate() {
            let at = format!("escalation_levels[{i}]");
            if !(1..=5).contains(&level.level) || !seen.insert(level.level) {
                return Err(self.missing(
                    &format!("{at}.level"),
                    &format!("level {} is not one of 1 to 5, or comes twice", level.level),
                ));
            }
            if level.wait_minutes == Some(0) {
                return Err(self.missing(
                    &format!("{at}.wait_minutes"),
                    "wait_minutes must be at least 1 (leave it out at the last level)",
                ));
            }
            if let Some(role) = level.roles.iter().find(|r| !roles.contains(r.as_str())) {
                return Err(self.missing(
                    &format!("{at}.roles"),
                    &format!("{role:?} is not a role of this plan (roles: {})", known()),
                ));
            }
        }
        let mut seen = HashSet::new();
        for (i, tier) in t.support_tiers.iter().enumerate() {
            let at = format!("support_tiers[{i}]");
            if !(1..=3).contains(&tier.tier) || !seen.insert(tier.tier) {
                return Err(self.missing(
                    &format!("{at}.tier"),
                    &format!("tier {} is not one of 1 to 3, or comes twice", tier.tier),
                ));
            }
            if let Some(role) = tier.roles.iter().find(|r| !roles.contains(r.as_str())) {
                return Err(self.missing(
                    &format!("{at}.roles"),
                    &format!("{role:?} is not a role of this plan (roles: {})", known()),
                ));
            }
        }
        Ok(())
    }

    /// Rules are checked once every section is known: a rule may name any.
    fn check_rules(&self, t: &Template) -> Result<(), TemplateError> {
        let shape = t.shape();
        for (p, phase) in t.phases.iter().enumerate() {
            for (s, section) in phase.sections.iter().enumerate() {
                for (i, item) in section.items.iter().enumerate() {
                    if let Some(rule) = &item.rule {
                        Rule::parse(rule.get_ref(), &shape).map_err(|message| {
                            self.fail(
                                rule.span(),
                                format!("phases[{p}].sections[{s}].items[{i}].rule"),
                                message,
                            )
                        })?;
                    }
                }
            }
        }
        Ok(())
    }

    fn check_text(&self, text: &Spanned<String>, field: String) -> Result<(), TemplateError> {
        if text.get_ref().trim().is_empty() {
            return Err(self.fail(text.span(), field, "it must not be empty".into()));
        }
        if text.get_ref().chars().count() > 300 {
            return Err(self.fail(
                text.span(),
                field,
                "it is longer than 300 characters".into(),
            ));
        }
        Ok(())
    }

    /// A whole table is missing: there is no line to point at.
    fn missing(&self, field: &str, message: &str) -> TemplateError {
        TemplateError {
            file: self.file.to_string(),
            line: None,
            column: None,
            field: Some(field.to_string()),
            message: message.to_string(),
        }
    }

    /// A well-formed key not seen before among keys of its kind.
    fn unique_key<'t>(
        &self,
        key: &'t Spanned<String>,
        field: String,
        kind: KeyKind,
        seen: &mut HashSet<&'t str>,
    ) -> Result<(), TemplateError> {
        self.check_key(key, field.clone(), kind)?;
        if !seen.insert(key.get_ref().as_str()) {
            return Err(self.fail(
                key.span(),
                field,
                format!("the {} key {:?} is used twice", kind.name(), key.get_ref()),
            ));
        }
        Ok(())
    }

    fn check_key(
        &self,
        key: &Spanned<String>,
        field: String,
        kind: KeyKind,
    ) -> Result<(), TemplateError> {
        let k = key.get_ref();
        if !valid_key(k) {
            return Err(self.fail(
                key.span(),
                field,
                format!(
                    "the {} key {k:?} must be 1 to 32 letters, digits, '-' or '_'",
                    kind.name()
                ),
            ));
        }
        Ok(())
    }
}

/// Keys of roles, phases, sections and items: 1 to 32 letters, digits, '-' or '_'.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 32
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(Clone, Copy)]
enum KeyKind {
    Role,
    Phase,
    Section,
    Item,
}

impl KeyKind {
    fn name(self) -> &'static str {
        match self {
            KeyKind::Role => "role",
            KeyKind::Phase => "phase",
            KeyKind::Section => "section",
            KeyKind::Item => "item",
        }
    }
}
