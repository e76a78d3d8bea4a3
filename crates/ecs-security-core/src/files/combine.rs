//! Many linted files as one analysis: the findings of every file, one result per rule, and
//! the place of each finding keyed by its id (for SARIF, GitHub annotations and listings).
//! Each finding's resource also names its place (`Container: app | Task Definition: web:0
//! (deploy/web.json:12:7)`), so every report format shows file:line:col.

use std::collections::{BTreeMap, HashMap};

use super::lint::{FileLint, NotJudged, is_file_applicable};
use super::locate::Located;
use crate::rules::{self, Analysis, Evaluation, Exposure, Filter, Finding, GapNote, RuleResult, Score};

/// Every file's findings in one analysis, and where each finding is.
#[derive(Debug, Clone)]
pub struct Combined {
    /// Findings of every file, most severe first; one result per registered rule (rules
    /// that cannot judge files are [`Evaluation::NotApplicable`]).
    pub analysis: Analysis,
    /// Finding id → its place (`finding` is the index in `analysis.findings`).
    pub locations: BTreeMap<String, Located>,
    /// Rules some file could not fully judge, with the file's path.
    pub not_judged: Vec<(String, NotJudged)>,
}

impl Combined {
    /// The place of a finding.
    pub fn location(&self, finding: &Finding) -> Option<&Located> {
        self.locations.get(&finding.id)
    }
}

/// Combines linted files; `collected_at` is when they were read (the caller's clock).
pub fn combine(lints: &[FileLint], collected_at: &str) -> Combined {
    let mut placed: Vec<(Finding, Located)> =
        lints.iter().flat_map(|l| l.analysis.findings.iter().cloned().zip(l.locations.iter().cloned())).collect();
    placed.sort_by(|(a, la), (b, lb)| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.id.cmp(b.rule.id))
            .then_with(|| la.path.cmp(&lb.path))
            .then_with(|| la.line.cmp(&lb.line))
            .then_with(|| la.column.cmp(&lb.column))
            .then_with(|| a.message.cmp(&b.message))
    });
    // Ids are unique within a file; two files may hold the same resource under one name.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut findings = Vec::with_capacity(placed.len());
    let mut locations = BTreeMap::new();
    for (i, (mut f, mut at)) in placed.into_iter().enumerate() {
        let n = seen.entry(f.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.id = format!("{}~{n}", f.id);
        }
        at.finding = i;
        // Every format shows the resource: with the place in it, each shows file:line:col.
        let place = format!("{}:{}:{}", at.path, at.line, at.column);
        f.resource.qualifier = Some(match f.resource.qualifier.take() {
            Some(q) => format!("{q}; {place}"),
            None => place,
        });
        locations.insert(f.id.clone(), at);
        findings.push(f);
    }

    let results: Vec<RuleResult> = rules::all()
        .iter()
        .enumerate()
        .map(|(i, &rule)| {
            let count = findings.iter().filter(|f| f.rule.id == rule.id).count();
            if !is_file_applicable(rule) {
                return RuleResult { rule, evaluation: Evaluation::NotApplicable, findings: count };
            }
            let mut gaps: Vec<GapNote> = Vec::new();
            let (mut ran, mut not_evaluated) = (false, false);
            for l in lints {
                let Some(r) = l.analysis.results.get(i).filter(|r| r.rule.id == rule.id) else { continue };
                match &r.evaluation {
                    Evaluation::Complete => ran = true,
                    Evaluation::NotApplicable => {}
                    Evaluation::Partial { gaps: g } | Evaluation::NotEvaluated { gaps: g } => {
                        ran |= matches!(r.evaluation, Evaluation::Partial { .. });
                        not_evaluated |= matches!(r.evaluation, Evaluation::NotEvaluated { .. });
                        gaps.extend(
                            g.iter().map(|g| GapNote { reason: format!("{}: {}", l.file.path, g.reason), ..g.clone() }),
                        );
                    }
                }
            }
            let evaluation = match (ran, gaps.is_empty()) {
                (true, true) => Evaluation::Complete,
                (true, false) => Evaluation::Partial { gaps },
                (false, false) if not_evaluated => Evaluation::NotEvaluated { gaps },
                (false, false) => Evaluation::Partial { gaps },
                (false, true) => Evaluation::NotApplicable,
            };
            RuleResult { rule, evaluation, findings: count }
        })
        .collect();

    let mut exposure = Exposure::default();
    for l in lints {
        exposure.internet_facing.extend(l.analysis.exposure.internet_facing.iter().cloned());
        exposure.public_ip.extend(l.analysis.exposure.public_ip.iter().cloned());
    }
    let overall = Score::of(&findings, &results);
    let files = lints.len();
    let analysis = Analysis {
        cluster_name: format!("{files} task-definition file{}", if files == 1 { "" } else { "s" }),
        cluster_arn: String::new(),
        region: "files".into(),
        account_id: None,
        collected_at: collected_at.to_owned(),
        findings,
        results,
        gaps: lints.iter().flat_map(|l| l.analysis.gaps.iter().cloned()).collect(),
        stats: Default::default(),
        filter: Filter::default(),
        overall,
        exposure,
        triage: Default::default(),
    };
    let not_judged = lints.iter().flat_map(|l| l.not_judged.iter().map(|n| (l.file.path.clone(), n.clone()))).collect();
    Combined { analysis, locations, not_judged }
}
