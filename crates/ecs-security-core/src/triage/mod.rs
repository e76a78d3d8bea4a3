//! Triage that lasts: suppressions with reasons and expiry, baselines, and diffs between
//! reports. Everything here is a pure function of an analysis and its inputs: the caller
//! reads the files and passes today's date.
//!
//! - [`suppress`]: the `.ecs-security.yaml` file, matching findings, expiry and staleness.
//! - [`baseline`]: an earlier JSON report, and each finding's state against it.
//! - [`diff`]: what changed between two reports.
//! - [`draft`]: a suppression entry for one finding, as YAML text for a person to commit.

pub mod baseline;
pub mod diff;
pub mod draft;
pub mod suppress;

use serde::Serialize;

use crate::rules::Finding;

pub use baseline::{Baseline, BaselineState, PriorFinding, PriorReport};
pub use suppress::{EntrySummary, Suppressions, TagIndex};

/// What triage did to an analysis: the findings suppression entries accepted, the entries
/// that expired or matched nothing, and the baseline states. Empty when no triage ran.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// The suppressions file applied, as the user named it.
    pub suppressions: Option<String>,
    /// Findings an entry accepted: not counted in the score or `--fail-on`, never dropped.
    pub suppressed: Vec<Suppressed>,
    /// Entries past their `expires` date: they no longer apply.
    pub expired: Vec<EntrySummary>,
    /// Entries that matched no finding.
    pub stale: Vec<EntrySummary>,
    pub baseline: Option<Baseline>,
}

impl Triage {
    /// Whether there is anything to report about suppressions.
    pub fn has_suppressions(&self) -> bool {
        self.suppressions.is_some()
    }
}

/// A finding an entry accepted, with the entry.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub finding: Finding,
    pub entry: EntrySummary,
}
