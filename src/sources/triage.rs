//! The triage files on disk: the suppressions file and baseline reports. Reading and
//! naming them is here; parsing, matching and classifying are the core's (`triage`).

use std::path::{Path, PathBuf};

use crate::triage::suppress::{self, Suppressions};
use crate::triage::{PriorReport, diff::Diff};

/// The environment variable naming the server's suppressions file.
pub const SUPPRESSIONS_ENV: &str = "ECS_SECURITY_SUPPRESSIONS";

/// A suppressions file that was read, with the name reports show for it.
#[derive(Debug, Clone)]
pub struct SuppressionsFile {
    pub name: String,
    pub suppressions: Suppressions,
}

/// Why a triage file could not be used. The message names the file (and line).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TriageFileError(pub String);

fn read(path: &Path, what: &str) -> Result<String, TriageFileError> {
    std::fs::read_to_string(path).map_err(|e| {
        TriageFileError(format!("cannot read the {what} {}: {e}", crate::text::plain(&path.display().to_string())))
    })
}

/// Reads and parses a suppressions file; errors read `FILE:LINE:COLUMN: message`.
pub fn load_suppressions(path: &Path) -> Result<SuppressionsFile, TriageFileError> {
    let text = read(path, "suppressions file")?;
    let name = path.display().to_string();
    let suppressions = suppress::parse(&text).map_err(|e| {
        TriageFileError(format!(
            "{}:{}:{}: {}",
            crate::text::plain(&name),
            e.pos.line,
            e.pos.column,
            crate::text::plain(&e.message)
        ))
    })?;
    Ok(SuppressionsFile { name, suppressions })
}

/// The suppressions file to use: the one named (which must exist), else `ECS_SECURITY_SUPPRESSIONS`
/// when `from_env`, else `.ecs-security.yaml` in `cwd` if there is one.
pub fn find_suppressions(
    named: Option<&Path>,
    from_env: bool,
    cwd: &Path,
) -> Result<Option<SuppressionsFile>, TriageFileError> {
    let env = from_env.then(|| std::env::var_os(SUPPRESSIONS_ENV)).flatten().filter(|v| !v.is_empty());
    let path: Option<PathBuf> = match (named, env) {
        (Some(p), _) => Some(p.to_owned()),
        (None, Some(e)) => Some(PathBuf::from(e)),
        (None, None) => Some(cwd.join(suppress::DEFAULT_FILE)).filter(|p| p.is_file()),
    };
    path.map(|p| {
        // The default file is shown by its own name, not the absolute path of the directory.
        let shown =
            if named.is_none() && p.parent() == Some(cwd) { PathBuf::from(suppress::DEFAULT_FILE) } else { p.clone() };
        load_suppressions(&p).map(|f| SuppressionsFile { name: shown.display().to_string(), ..f })
    })
    .transpose()
}

/// Reads a JSON report of ours as a baseline.
pub fn load_report(path: &Path) -> Result<PriorReport, TriageFileError> {
    let text = read(path, "report")?;
    PriorReport::parse(&text)
        .map_err(|e| TriageFileError(format!("{}: {e}", crate::text::plain(&path.display().to_string()))))
}

/// Reads one side of a diff: a JSON report, or a snapshot (analysed here, with `suppressions`
/// applied as of `today`).
pub fn load_side(
    path: &Path,
    suppressions: Option<&SuppressionsFile>,
    today: chrono::NaiveDate,
) -> Result<PriorReport, TriageFileError> {
    let text = read(path, "report or snapshot")?;
    let shown = crate::text::plain(&path.display().to_string());
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| TriageFileError(format!("{shown}: not JSON: {e}")))?;
    // A JSON report has a `summary` and `findings`; anything else is read as a snapshot.
    if value.get("findings").is_some() && value.get("summary").is_some() {
        return PriorReport::parse(&text).map_err(|e| TriageFileError(format!("{shown}: {e}")));
    }
    let snapshot = crate::model::Snapshot::parse(&text, path).map_err(|e| TriageFileError(e.to_string()))?;
    let mut analysis = crate::rules::analyze(&snapshot);
    if let Some(s) = suppressions {
        let tags = suppress::TagIndex::of(&snapshot);
        suppress::apply(&mut analysis, &s.suppressions, &tags, today, &s.name);
    }
    Ok(PriorReport::of(&analysis))
}

/// `diff OLD NEW`.
pub fn diff(
    old: &Path,
    new: &Path,
    suppressions: Option<&SuppressionsFile>,
    today: chrono::NaiveDate,
) -> Result<Diff, TriageFileError> {
    Ok(Diff::between(&load_side(old, suppressions, today)?, &load_side(new, suppressions, today)?))
}
