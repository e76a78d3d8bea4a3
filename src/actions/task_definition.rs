//! `analyze_task_definition`: judge a task definition an assistant is about to write, with
//! the place of each finding and, for the common container fixes, the corrected container.

use serde::Serialize;
use serde_json::{Value, json};

use super::{ActionError, ActionOutput, Actions, AnalyzeTaskDefinitionParams};
use crate::files::{self, FileLint, NOT_APPLICABLE_REASON, fix};
use crate::report::budget;
use crate::rules::{Finding, Score};
use crate::text::{md, strip_controls};

/// The default name, which makes the format JSON unless the text is YAML.
const DEFAULT_NAME: &str = "task-definition.json";

/// The largest input, in bytes.
const MAX_INPUT: usize = 1_000_000;

#[derive(Serialize)]
struct FixOut {
    summary: &'static str,
    /// The corrected container, or null with `note` saying why not.
    fragment: Option<fix::Fragment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    id: &'a str,
    rule_id: &'static str,
    severity: &'static str,
    title: &'static str,
    resource: String,
    message: &'a str,
    pointer: &'a str,
    line: usize,
    column: usize,
    fix: FixOut,
}

#[derive(Serialize)]
struct Answer<'a> {
    file: &'a str,
    kind: files::FileKind,
    lines_refer_to: &'static str,
    score: &'a Score,
    total_findings: usize,
    shown: usize,
    findings: &'a [FindingOut<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<String>,
    not_judged: &'a [files::NotJudged],
    not_applicable: Value,
}

const NO_FRAGMENT: &str = "no corrected fragment for this rule: apply the fix summary (the rule's remediation has CLI, Terraform and CloudFormation forms)";

pub(super) fn analyze(a: &Actions, p: AnalyzeTaskDefinitionParams) -> Result<ActionOutput, ActionError> {
    let budget = a.budget(p.max_result_chars)?;
    let (text, lines_refer_to) = match &p.task_definition {
        Value::String(s) => (s.clone(), "the text as given"),
        v @ (Value::Object(_) | Value::Array(_)) => (
            serde_json::to_string_pretty(v).unwrap_or_default(), // ok: a Value always serialises
            "the object pretty-printed as JSON (two-space indent)",
        ),
        _ => {
            return Err(ActionError::InvalidParams(
                "task_definition must be a JSON object or array, or JSON/YAML text".into(),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(ActionError::InvalidParams("task_definition is empty".into()));
    }
    if text.len() > MAX_INPUT {
        return Err(ActionError::InvalidParams(format!(
            "task_definition is {} bytes; at most {MAX_INPUT} are read",
            text.len()
        )));
    }
    let name = p.file_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(DEFAULT_NAME);
    let name = strip_controls(name);
    let lint = files::lint(&name, &text).map_err(|e| {
        ActionError::InvalidParams(format!("the task definition cannot be read: {}", strip_controls(&e.to_string())))
    })?;
    Ok(render(&lint, &name, &text, lines_refer_to, budget))
}

fn render(lint: &FileLint, name: &str, text: &str, lines_refer_to: &'static str, budget: usize) -> ActionOutput {
    let findings = &lint.analysis.findings;
    let secret_names: Vec<String> = findings
        .iter()
        .flat_map(|f| f.evidence.iter().filter(|e| e.key == "variable").map(|e| e.value.clone()))
        .collect();
    let out: Vec<FindingOut> = findings
        .iter()
        .zip(&lint.locations)
        .map(|(f, l)| {
            let fragment = fix::corrected(name, text, f, &l.pointer, &secret_names);
            let note = match (&fragment, fix::FIXABLE.contains(&f.rule.id)) {
                (Some(_), _) => None,
                (None, true) => Some("the container could not be rebuilt from the input: apply the fix summary"),
                (None, false) => Some(NO_FRAGMENT),
            };
            FindingOut {
                id: &f.id,
                rule_id: f.rule.id,
                severity: f.severity.as_str(),
                title: f.rule.title,
                resource: f.resource.to_string(),
                message: &f.message,
                pointer: &l.pointer,
                line: l.line,
                column: l.column,
                fix: FixOut { summary: f.rule.remediation.summary, fragment, note },
            }
        })
        .collect();
    let not_applicable = json!({
        "count": lint.not_applicable.len(),
        "reason": NOT_APPLICABLE_REASON,
        "rules": lint.not_applicable.iter().map(|r| r.id).collect::<Vec<_>>(),
    });
    let build = |n: usize| {
        let omitted = (n < out.len()).then(|| {
            format!(
                "{} more findings left out to fit the answer budget; fix these and call again, or lint the file with `ecs-security-mcp lint`",
                out.len() - n
            )
        });
        let answer = Answer {
            file: name,
            kind: lint.file.kind,
            lines_refer_to,
            score: &lint.analysis.overall,
            total_findings: out.len(),
            shown: n,
            findings: &out[..n],
            omitted,
            not_judged: &lint.not_judged,
            not_applicable: not_applicable.clone(),
        };
        let text = markdown(&answer, findings);
        let data = serde_json::to_value(&answer).unwrap_or(Value::Null); // ok: plain data
        (text, data)
    };
    let n = budget::largest_fitting(out.len(), budget, |n| {
        let (text, data) = build(n);
        budget::answer_size(&text, &data)
    });
    let (text, data) = build(n);
    ActionOutput::new(text, data)
}

/// A fence longer than any run of backticks in `body`.
fn fence(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn markdown(a: &Answer<'_>, _findings: &[Finding]) -> String {
    let mut s = format!(
        "# Task definition check: {}\n\nScore **{}/100**, risk **{}**: {} findings. Lines refer to {}.\n",
        md(a.file),
        a.score.score,
        a.score.risk_level.as_str(),
        a.total_findings,
        a.lines_refer_to
    );
    for f in a.findings {
        s.push_str(&format!(
            "\n## {} `{}` at line {}, column {} (`{}`)\n\n{}: {}\n\n**Fix.** {}\n",
            f.severity,
            f.rule_id,
            f.line,
            f.column,
            md(f.pointer),
            md(&f.resource),
            md(f.message),
            f.fix.summary
        ));
        match &f.fix.fragment {
            Some(frag) => {
                let body = serde_json::to_string_pretty(&frag.value).unwrap_or_default();
                let fence = fence(&body);
                s.push_str(&format!(
                    "\nCorrected container (replaces `{}`): {}\n\n{fence}json\n{body}\n{fence}\n",
                    md(&frag.pointer),
                    frag.note
                ));
            }
            None => s.push_str(&format!("\n{}\n", f.fix.note.unwrap_or(NO_FRAGMENT))),
        }
    }
    if let Some(o) = &a.omitted {
        s.push_str(&format!("\n> {o}\n"));
    }
    for n in a.not_judged {
        s.push_str(&format!(
            "\n- Not judged: `{}`: `{}` (line {}) is {}, known only at deploy time.",
            n.rule.id,
            md(&n.unknown.field),
            n.unknown.line,
            md(&n.unknown.what)
        ));
    }
    s.push_str(&format!(
        "\n\n{} rules are not applicable to a file: they {NOT_APPLICABLE_REASON}.\n",
        a.not_applicable["count"]
    ));
    s
}
