//! Judging a file: the rules that can judge a task definition alone, the place of each
//! finding, and what the file could not tell.

use serde::Serialize;

use super::locate::{self, Located, within};
use super::{FileError, FileSnapshot, Unknown};
use crate::model::DataSource;
use crate::rules::{self, Analysis, Evaluation, GapNote, Rule, RuleResult, Score};

/// Why a rule is not applicable to files.
pub const NOT_APPLICABLE_REASON: &str =
    "needs data only a live cluster has (cluster settings, instances, network, load balancers or ECR)";

/// Why a rule refined by the account's settings is only partly judged on a file.
const ACCOUNT_DEFAULT_REASON: &str = "a file does not hold the account settings (such as `defaultLogDriverMode`) that apply where the task definition sets nothing, so those cases are not judged";

/// What a file can hold: task definitions, and the services of a template (the snapshot's
/// tasks are synthetic, one per task definition no service runs).
const FILE_SOURCES: &[DataSource] =
    &[DataSource::Services, DataSource::TaskSets, DataSource::TaskDefinitions, DataSource::Tasks];

/// Rules that read cluster data only to refine a verdict a file can reach: the image tag
/// rule reads an ECR repository's tag mutability, which only ever clears a finding (so a
/// file may report a tag that an IMMUTABLE repository would make safe); the tag-secrets
/// rule reads every tagged resource, and a file's are its task definitions and services; the
/// log-mode rule reads the account's default mode only for containers that set none, and a
/// file still shows the mode a container sets.
const REFINED_BY_CLUSTER_DATA: &[&str] =
    &["container-image-not-pinned", "resource-tags-contain-secrets", "container-logging-blocking-mode"];

/// Whether a rule can judge a file.
pub fn is_file_applicable(rule: &Rule) -> bool {
    REFINED_BY_CLUSTER_DATA.contains(&rule.id) || rule.requires.iter().all(|s| FILE_SOURCES.contains(s))
}

/// A rule the file could not fully judge because values are known only at deploy time.
#[derive(Debug, Clone, Serialize)]
pub struct NotJudged {
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    pub unknown: Unknown,
}

fn rule_id<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id)
}

/// One file, judged.
#[derive(Debug, Clone)]
pub struct FileLint {
    pub file: FileSnapshot,
    /// The analysis of the file's snapshot: rules that cannot judge files are
    /// [`Evaluation::NotApplicable`] in `results`.
    pub analysis: Analysis,
    /// The place of each finding, in the order of `analysis.findings`.
    pub locations: Vec<Located>,
    /// Rules not applicable to files (see [`NOT_APPLICABLE_REASON`]), in registry order.
    pub not_applicable: Vec<&'static Rule>,
    /// Rules whose field is an unknown value on some resource: they are not evaluated
    /// (unless they found something elsewhere), never passed.
    pub not_judged: Vec<NotJudged>,
}

/// Reads and judges one file.
pub fn lint(path: &str, text: &str) -> Result<FileLint, FileError> {
    let file = super::read(path, text)?;
    Ok(judge(file))
}

fn judge(file: FileSnapshot) -> FileLint {
    let all = rules::all();
    let (applicable, not_applicable): (Vec<&'static Rule>, Vec<&'static Rule>) =
        all.iter().copied().partition(|r| is_file_applicable(r));
    let mut analysis = rules::analyze_with_rules(&file.snapshot, &applicable);

    // Findings on a value known only at deploy time are not verdicts: drop them, and mark
    // every rule about such a field as not judged.
    let mut not_judged = Vec::new();
    for u in &file.unknown {
        for &rule in &applicable {
            let about = locate::fields(rule.id).iter().any(|f| {
                let first = f.split(['/', '[']).next().unwrap_or("");
                super::tree::same_key(first, &u.field)
            });
            if about {
                not_judged.push(NotJudged { rule, unknown: u.clone() });
            }
        }
    }
    let mut kept = Vec::new();
    let mut locations = Vec::new();
    for f in std::mem::take(&mut analysis.findings) {
        let place = locate::locate(&f, &file.units, &file.services);
        if let Some((pointer, _)) = &place
            && let Some(u) = file.unknown.iter().find(|u| within(pointer, &u.pointer))
        {
            not_judged.push(NotJudged { rule: f.rule, unknown: u.clone() });
            continue;
        }
        let (pointer, pos) = place.unwrap_or_default();
        locations.push(Located {
            finding: kept.len(),
            path: file.path.clone(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            pointer,
        });
        kept.push(f);
    }
    analysis.findings = kept;

    let mut results: Vec<RuleResult> = Vec::with_capacity(all.len());
    for &rule in all {
        let mut result = match analysis.results.iter().find(|r| r.rule.id == rule.id) {
            Some(r) => r.clone(),
            None => RuleResult { rule, evaluation: Evaluation::NotApplicable, findings: 0 },
        };
        result.findings = analysis.findings.iter().filter(|f| f.rule.id == rule.id).count();
        // No permission brings account settings into a file: say what a file cannot tell.
        if let Evaluation::Partial { gaps } | Evaluation::NotEvaluated { gaps } = &mut result.evaluation {
            for g in gaps.iter_mut().filter(|g| g.source == DataSource::AccountSettings) {
                g.reason = ACCOUNT_DEFAULT_REASON.to_owned();
                g.permissions.clear();
            }
        }
        let unknowns: Vec<&NotJudged> = not_judged.iter().filter(|n| n.rule.id == rule.id).collect();
        if !unknowns.is_empty() {
            let reason = unknowns
                .iter()
                .map(|n| {
                    format!(
                        "`{}` (line {}) is {}, known only at deploy time",
                        n.unknown.field, n.unknown.line, n.unknown.what
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let gaps = vec![GapNote { source: DataSource::TaskDefinitions, reason, permissions: Vec::new() }];
            result.evaluation = Evaluation::Partial { gaps };
        }
        results.push(result);
    }
    analysis.results = results;
    analysis.overall = Score::of(&analysis.findings, &analysis.results);
    FileLint { file, analysis, locations, not_applicable, not_judged }
}

impl FileLint {
    /// The location of the finding at `index` in `analysis.findings`.
    pub fn location(&self, index: usize) -> Option<&Located> {
        self.locations.get(index)
    }
}
