//! Applies the configured suppressions file (and, for the CLI, a baseline report) to every
//! analysis the actions hand out. The result is kept per analysis and day, so repeated
//! calls share one triaged analysis (the rendered-answer memo and the history key on it),
//! and an entry stops applying the day after it expires even in a long-running server.

use std::sync::{Arc, Mutex, Weak};

use chrono::NaiveDate;

use super::Prepared;
use crate::rules::Analysis;
use crate::sources::triage::SuppressionsFile;
use crate::triage::{PriorReport, TagIndex, baseline, suppress};

/// What to apply to each analysis.
#[derive(Debug, Clone, Default)]
pub struct TriageConfig {
    pub suppressions: Option<SuppressionsFile>,
    pub baseline: Option<PriorReport>,
}

impl TriageConfig {
    pub fn is_empty(&self) -> bool {
        self.suppressions.is_none() && self.baseline.is_none()
    }
}

/// How many triaged analyses are kept.
const CAPACITY: usize = 32;

type Entry = (Weak<Analysis>, NaiveDate, Arc<Analysis>);

#[derive(Debug, Default)]
pub(super) struct Triager {
    pub(super) config: TriageConfig,
    done: Mutex<Vec<Entry>>,
}

impl Triager {
    pub(super) fn new(config: TriageConfig) -> Triager {
        Triager { config, done: Mutex::new(Vec::new()) }
    }

    /// `p` with its analysis triaged as of today.
    pub(super) fn apply(&self, p: Prepared) -> Prepared {
        self.apply_on(p, crate::clock::today())
    }

    pub(super) fn apply_on(&self, p: Prepared, today: NaiveDate) -> Prepared {
        if self.config.is_empty() {
            return p;
        }
        let same = |e: &Entry| std::ptr::eq(e.0.as_ptr(), Arc::as_ptr(&p.analysis)) && e.1 == today;
        if let Ok(done) = self.done.lock()
            && let Some(e) = done.iter().find(|e| same(e))
        {
            return Prepared { snapshot: p.snapshot, analysis: e.2.clone() };
        }
        let mut a = (*p.analysis).clone();
        if let Some(s) = &self.config.suppressions {
            suppress::apply(&mut a, &s.suppressions, &TagIndex::of(&p.snapshot), today, &s.name);
        }
        if let Some(b) = &self.config.baseline {
            baseline::apply(&mut a, b);
        }
        let triaged = Arc::new(a);
        if let Ok(mut done) = self.done.lock() {
            done.retain(|e| e.0.strong_count() > 0);
            if done.len() >= CAPACITY {
                done.remove(0);
            }
            done.push((Arc::downgrade(&p.analysis), today, triaged.clone()));
        }
        Prepared { snapshot: p.snapshot, analysis: triaged }
    }
}

/// Whether `--fail-on threshold` fails: a finding at or above it (suppressed ones do not
/// count); with `new_only`, only findings new against the baseline.
pub fn fails_on(analysis: &Analysis, threshold: crate::rules::Severity, new_only: bool) -> bool {
    let baseline = analysis.triage.baseline.as_ref();
    analysis.findings.iter().any(|f| {
        f.severity >= threshold
            && (!new_only || baseline.is_none_or(|b| b.state(&f.id) == Some(crate::triage::BaselineState::New)))
    })
}

/// Lines for stderr about the suppressions file: expired and stale entries.
pub fn warnings(analysis: &Analysis) -> Vec<String> {
    let t = &analysis.triage;
    let file = crate::text::plain(t.suppressions.as_deref().unwrap_or(""));
    let expired = t.expired.iter().map(|e| {
        format!(
            "warning: {file}: {} expired on {} and no longer applies",
            crate::text::plain(&e.to_string()),
            e.expires.as_deref().unwrap_or("?")
        )
    });
    let stale = t.stale.iter().map(|e| {
        format!(
            "warning: {file}: {} matched no finding (stale: remove it or fix its criteria)",
            crate::text::plain(&e.to_string())
        )
    });
    expired.chain(stale).collect()
}

/// Applies `config` to an analysis made outside the actions (linted files), with the tags
/// of `tags`.
pub fn apply_to(analysis: &mut Analysis, config: &TriageConfig, tags: &TagIndex) {
    if let Some(s) = &config.suppressions {
        suppress::apply(analysis, &s.suppressions, tags, crate::clock::today(), &s.name);
    }
    if let Some(b) = &config.baseline {
        baseline::apply(analysis, b);
    }
}
