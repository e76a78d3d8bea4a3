//! Parsing snapshot JSON, with errors that name the file, the place and the problem.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{SCHEMA_VERSION, Snapshot};

/// Why a snapshot file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("snapshot {path} is not valid: at {place} (line {line}, column {column}): {problem}")]
    Invalid {
        path: PathBuf,
        /// The JSON path of the offending value, e.g. `services[2].deployments[0].status`.
        place: String,
        line: usize,
        column: usize,
        problem: String,
    },
    #[error(
        "snapshot {path} has schema_version {found}, but this build reads version {supported}: write it again with `ecs-security-mcp snapshot` from this version"
    )]
    UnsupportedVersion { path: PathBuf, found: String, supported: u32 },
}

#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<serde_json::Value>,
}

impl Snapshot {
    /// Parses snapshot JSON; `origin` names the source in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Snapshot, SnapshotError> {
        let invalid = |place: String, err: &serde_json::Error| SnapshotError::Invalid {
            path: origin.to_owned(),
            place,
            line: err.line(),
            column: err.column(),
            problem: strip_position(&err.to_string()),
        };
        // Check the version before the shape, so an old or future file gets the right advice.
        let probe: VersionProbe = serde_json::from_str(text).map_err(|e| invalid("(document)".into(), &e))?;
        match probe.schema_version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
            Some(other) => {
                return Err(SnapshotError::UnsupportedVersion {
                    path: origin.to_owned(),
                    found: other.to_string(),
                    supported: SCHEMA_VERSION,
                });
            }
            None => {
                return Err(SnapshotError::Invalid {
                    path: origin.to_owned(),
                    place: "schema_version".into(),
                    line: 1,
                    column: 1,
                    problem: format!("missing field `schema_version` (expected {SCHEMA_VERSION})"),
                });
            }
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let place = e.path().to_string();
            invalid(place, e.inner())
        })
    }
}

/// serde_json appends " at line L column C" to messages; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_place_of_a_type_error() {
        let text = r#"{"schema_version": 1, "region": "us-east-1",
            "services": [{"serviceArn": "a", "serviceName": "web", "desiredCount": "two"}]}"#;
        let err = Snapshot::parse(text, Path::new("x.json")).unwrap_err().to_string();
        assert!(err.contains("x.json"), "{err}");
        assert!(err.contains("services[0].desiredCount"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn rejects_unknown_fields_and_versions() {
        let err =
            Snapshot::parse(r#"{"schema_version": 1, "clster": {}}"#, Path::new("y.json")).unwrap_err().to_string();
        assert!(err.contains("unknown field `clster`"), "{err}");
        let err = Snapshot::parse(r#"{"schema_version": 7}"#, Path::new("z.json")).unwrap_err().to_string();
        assert!(err.contains("schema_version 7"), "{err}");
        let err = Snapshot::parse(r#"{"region": "x"}"#, Path::new("z.json")).unwrap_err().to_string();
        assert!(err.contains("missing field `schema_version`"), "{err}");
        let err = Snapshot::parse("{not json", Path::new("w.json")).unwrap_err().to_string();
        assert!(err.contains("w.json") && err.contains("line 1"), "{err}");
    }
}
