//! What `lint` adds to the report formats: GitHub workflow-command annotations, and the
//! place of each finding, the rules not applicable to files and the files that could not be
//! read, as a Markdown or plain-text section after the report.

use std::collections::BTreeMap;

use super::sarif::SourceLocation;
use crate::files::{Combined, FileError, NOT_APPLICABLE_REASON};
use crate::rules::{Analysis, Filter, Severity};
use crate::text::{md, plain};

/// Escapes a command's message as GitHub's toolkit `escapeData` does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value as GitHub's toolkit `escapeProperty` does.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `error` for High and Critical, `warning` for Medium and Low.
pub fn github_command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
    }
}

/// One workflow command per finding the filter shows (`::error file=…,line=…,col=…,title=…::…`),
/// then one `::error` per file that could not be read. `locations` maps finding ids to
/// repository-relative places; `errors` pairs each error with its file's relative path.
pub fn github(
    full: &Analysis,
    filter: &Filter,
    locations: &BTreeMap<String, SourceLocation>,
    errors: &[(String, FileError)],
) -> String {
    let mut out = String::new();
    for f in full.findings.iter().filter(|f| filter.allows(f)) {
        let message = escape_data(&format!("{}: {} [{}]", f.resource, f.message, f.severity));
        let mut props = Vec::new();
        if let Some(at) = locations.get(&f.id) {
            props.push(format!("file={}", escape_property(&at.uri)));
            props.push(format!("line={}", at.line));
            props.push(format!("col={}", at.column));
        }
        props.push(format!("title={}", escape_property(f.rule.id)));
        out.push_str(&format!("::{} {}::{message}\n", github_command(f.severity), props.join(",")));
    }
    for (uri, e) in errors {
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            escape_property(uri),
            e.pos.line,
            e.pos.column,
            escape_property("not a readable task definition"),
            escape_data(&e.message)
        ));
    }
    out
}

/// The rules not applicable to files, as one sentence.
fn not_applicable_line(full: &Analysis, code: impl Fn(&str) -> String) -> Option<String> {
    let ids: Vec<String> =
        full.results.iter().filter(|r| !crate::files::is_file_applicable(r.rule)).map(|r| code(r.rule.id)).collect();
    (!ids.is_empty()).then(|| {
        format!("Not applicable to files ({} rules, each {NOT_APPLICABLE_REASON}): {}", ids.len(), ids.join(", "))
    })
}

/// The lint section in Markdown: where each shown finding is, what was not judged, the rules
/// not applicable to files, and the files that could not be read.
pub fn markdown(combined: &Combined, filter: &Filter, errors: &[FileError]) -> String {
    let full = &combined.analysis;
    let mut s = String::from("\n## Locations\n\n");
    let shown: Vec<_> = full.findings.iter().filter(|f| filter.allows(f)).collect();
    if shown.is_empty() {
        s.push_str("No findings to place.\n");
    } else {
        s.push_str("| File | Line | Column | Severity | Rule | Resource |\n|---|---:|---:|---|---|---|\n");
        for f in shown {
            let (path, line, column) =
                combined.location(f).map_or((String::new(), 0, 0), |l| (md(&l.path), l.line, l.column));
            s.push_str(&format!(
                "| {path} | {line} | {column} | {} | `{}` | {} |\n",
                f.severity,
                f.rule.id,
                md(&f.resource.to_string())
            ));
        }
    }
    for (path, n) in &combined.not_judged {
        s.push_str(&format!(
            "\n- Not judged: `{}` in {}:{}: `{}` is {}, known only at deploy time.",
            n.rule.id,
            md(path),
            n.unknown.line,
            md(&n.unknown.field),
            md(&n.unknown.what)
        ));
    }
    if !combined.not_judged.is_empty() {
        s.push('\n');
    }
    if let Some(line) = not_applicable_line(full, |id| format!("`{id}`")) {
        s.push_str(&format!("\n{line}.\n"));
    }
    if !errors.is_empty() {
        s.push_str("\n## Files that could not be read\n\n");
        for e in errors {
            s.push_str(&format!("- {}\n", md(&e.to_string())));
        }
    }
    s
}

/// The lint section as plain text for the terminal.
pub fn plain_text(combined: &Combined, filter: &Filter, errors: &[FileError]) -> String {
    let full = &combined.analysis;
    let mut s = String::from("\nLOCATIONS\n");
    for f in full.findings.iter().filter(|f| filter.allows(f)) {
        let place =
            combined.location(f).map_or_else(String::new, |l| format!("{}:{}:{}", plain(&l.path), l.line, l.column));
        s.push_str(&format!(
            "  {place}  {:<8}  {}  {}\n",
            f.severity.as_str(),
            f.rule.id,
            plain(&f.resource.to_string())
        ));
    }
    for (path, n) in &combined.not_judged {
        s.push_str(&format!(
            "  not judged: {} in {}:{}: {} is {}, known only at deploy time\n",
            n.rule.id,
            plain(path),
            n.unknown.line,
            plain(&n.unknown.field),
            plain(&n.unknown.what)
        ));
    }
    if let Some(line) = not_applicable_line(full, str::to_owned) {
        s.push_str(&format!("\n{line}.\n"));
    }
    for e in errors {
        s.push_str(&format!("error: {}\n", crate::text::strip_controls(&e.to_string())));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping of GitHub's toolkit (`@actions/core` `escapeData`/`escapeProperty`):
    /// `%` first, so an escape is never escaped twice.
    #[test]
    fn workflow_command_escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(escape_property("dir/a,b:c%\r\n.json"), "dir/a%2Cb%3Ac%25%0D%0A.json");
        assert_eq!(escape_property("%3A"), "%253A");
    }
}
