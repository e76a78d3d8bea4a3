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
