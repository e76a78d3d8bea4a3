//! A suppression entry for one finding, as YAML text for a person to review and commit.
//! Nothing is written: the caller shows the text.
//!
//! The entry names the rule, the cluster, the resource and (for a container) the container.
//! A task-definition ARN's revision becomes `*`, so the entry keeps matching the next
//! revision with the same problem. Every value is a double-quoted YAML string with control
//! characters escaped, so a hostile reason cannot add keys or break the file.

use chrono::NaiveDate;
use glob::Pattern;

use crate::rules::{Analysis, Finding};

/// What the person supplies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftInput {
    /// Why the finding is accepted (required).
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<NaiveDate>,
}

/// A double-quoted YAML scalar: `"`, `\` and every control character escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The resource pattern of a finding: its ARN (revision as `*`), else its name, escaped.
fn resource_pattern(f: &Finding) -> String {
    match f.resource.arn.as_deref() {
        Some(arn) => match arn.rsplit_once(':') {
            Some((head, rev))
                if arn.contains(":task-definition/") && !rev.is_empty() && rev.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{}:*", Pattern::escape(head))
            }
            _ => Pattern::escape(arn),
        },
        None => Pattern::escape(&f.resource.name),
    }
}

/// The entry, as a YAML list item (indented for a `suppressions:` list).
pub fn entry(analysis: &Analysis, f: &Finding, input: &DraftInput) -> String {
    let mut lines = vec![
        format!("  # {} on {}", f.rule.id, crate::text::plain(&f.resource.to_string()).replace('\n', " ")),
        format!("  - rule: {}", quote(f.rule.id)),
    ];
    if let Some(a) = &analysis.account_id {
        lines.push(format!("    account: {}", quote(a)));
    }
    lines.push(format!("    region: {}", quote(&Pattern::escape(&analysis.region))));
    lines.push(format!("    cluster: {}", quote(&Pattern::escape(&analysis.cluster_name))));
    lines.push(format!("    resource: {}", quote(&resource_pattern(f))));
    if let Some(c) = &f.resource.path.container {
        lines.push(format!("    container: {}", quote(&Pattern::escape(c))));
    }
    lines.push(format!("    reason: {}", quote(&input.reason)));
    if let Some(o) = &input.owner {
        lines.push(format!("    owner: {}", quote(o)));
    }
    if let Some(d) = input.expires {
        lines.push(format!("    expires: {d}"));
    }
    lines.join("\n") + "\n"
}

/// A whole file holding only this entry.
pub fn file(analysis: &Analysis, f: &Finding, input: &DraftInput) -> String {
    format!("suppressions:\n{}", entry(analysis, f, input))
}

/// The answer of the drafting tool: the entry for one finding, to paste into the file.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct SuppressionDraft {
    pub finding_id: String,
    pub rule_id: &'static str,
    /// The finding's resource (display name).
    pub resource: String,
    /// The file to add the entry to: the configured one, else `.ecs-security.yaml`.
    pub file: String,
    /// The entry as a YAML list item, for the file's `suppressions:` list.
    pub entry_yaml: String,
    /// A whole file holding only this entry, for a repository that has none yet.
    pub file_yaml: String,
    /// The entry that already suppresses this finding, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_suppressed_by: Option<String>,
    /// What to do with it: nothing has been written.
    pub note: String,
}

/// A Markdown code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

impl SuppressionDraft {
    /// The draft for `f` (active or suppressed) of `analysis`.
    pub fn new(analysis: &Analysis, f: &Finding, input: &DraftInput, file: &str) -> SuppressionDraft {
        let already = analysis
            .triage
            .suppressed
            .iter()
            .find(|s| s.finding.id == f.id)
            .map(|s| format!("{}: {}", s.entry, crate::text::plain(&s.entry.reason)));
        SuppressionDraft {
            finding_id: f.id.clone(),
            rule_id: f.rule.id,
            resource: crate::text::plain(&f.resource.to_string()),
            file: crate::text::plain(file),
            entry_yaml: entry(analysis, f, input),
            file_yaml: self::file(analysis, f, input),
            already_suppressed_by: already,
            note: format!(
                "Nothing was written. Review the entry, add it under `suppressions:` in {} and commit it; the next analysis moves the finding to the suppressed list.",
                crate::text::plain(file)
            ),
        }
    }

    /// The answer's Markdown.
    pub fn markdown(&self) -> String {
        use crate::text::md;
        let mut s = format!("# Suppression draft for `{}`\n\n", md(&self.finding_id));
        s.push_str(&format!("{} on {}.\n\n", md(self.rule_id), md(&self.resource)));
        if let Some(a) = &self.already_suppressed_by {
            s.push_str(&format!("> Already suppressed by {}.\n\n", md(a)));
        }
        s.push_str(&format!("Add this entry under `suppressions:` in {}:\n\n", md(&self.file)));
        let f = fence(&self.entry_yaml);
        s.push_str(&format!("{f}yaml\n{}{f}\n\n", self.entry_yaml));
        s.push_str(&md(&self.note));
        s.push('\n');
        s
    }
}
