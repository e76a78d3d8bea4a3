//! Task-definition files on disk for `lint`: expanding paths, directories and globs into
//! the files to read, and finding the repository root their SARIF locations are relative to.

use std::path::{Path, PathBuf};

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line (or matched by a glob): a file that is not a task
    /// definition is an error. Found in a directory: one that clearly is not is skipped.
    pub explicit: bool,
}

/// A path argument that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{arg}: {message}")]
pub struct PathError {
    pub arg: String,
    pub message: String,
}

/// The extensions a directory walk reads (Terraform plans are `.json`; `templatefile()`
/// inputs are `.json.tpl` or `.tftpl`).
pub const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template", "tpl", "tftpl"];

/// Directories a walk never enters: version control, dependencies and build output.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "vendor", "__pycache__"];

/// Whether a file found in a directory has a name a task definition may have.
pub fn has_candidate_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Whether the text of a file found in a directory may hold a task definition: it mentions
/// container definitions, a CloudFormation or Terraform task definition, or looks like a
/// container definition (an `image` key and a name). Others (package.json, workflow files,
/// SARIF logs…) are skipped without a word.
pub fn may_hold_task_definition(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["containerdefinitions", "container_definitions", "aws::ecs::taskdefinition", "aws_ecs_task_definition"]
        .iter()
        .any(|k| lower.contains(k))
        || ((lower.contains("\"image\"") || lower.contains("image:")) && lower.contains("name"))
}

fn has_glob_syntax(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Expands the arguments: files as given, directories recursively (hidden and dependency
/// directories skipped; files with [`EXTENSIONS`]), globs (for quoted patterns the shell
/// left alone). Sorted and deduplicated; an argument that names nothing is an error.
pub fn expand(args: &[String]) -> (Vec<Candidate>, Vec<PathError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let path = Path::new(arg);
        if path.is_dir() {
            walk(path, &mut out);
        } else if path.exists() {
            out.push(Candidate { path: path.to_owned(), explicit: true });
        } else if has_glob_syntax(arg) {
            match glob::glob(arg) {
                Err(e) => errors.push(PathError { arg: arg.clone(), message: format!("not a valid glob: {e}") }),
                Ok(paths) => {
                    let before = out.len();
                    for p in paths.flatten() {
                        if p.is_dir() {
                            walk(&p, &mut out);
                        } else {
                            out.push(Candidate { path: p, explicit: true });
                        }
                    }
                    if out.len() == before {
                        errors.push(PathError { arg: arg.clone(), message: "the glob matches no file".into() });
                    }
                }
            }
        } else {
            errors.push(PathError { arg: arg.clone(), message: "no such file or directory".into() });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    out.dedup_by(|later, first| later.path == first.path);
    (out, errors)
}

fn walk(dir: &Path, out: &mut Vec<Candidate>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out);
            }
        } else if (kind.is_file() || kind.is_symlink()) && path.is_file() && has_candidate_name(&path) {
            out.push(Candidate { path, explicit: false });
        }
    }
}

/// The repository root: the nearest ancestor of `start` with a `.git` (directory, or file
/// for worktrees and submodules), else `start` itself.
pub fn repository_root(start: &Path) -> PathBuf {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_owned());
    start.ancestors().find(|d| d.join(".git").exists()).map_or_else(|| start.clone(), Path::to_path_buf)
}

/// `path` relative to `root`, `/`-separated, for SARIF and annotations; the path as given
/// (with `/`) when it is outside the root.
pub fn relative_uri(path: &Path, root: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let rel = absolute.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_owned());
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_files_are_screened_by_name_and_content() {
        assert!(has_candidate_name(Path::new("a/td.JSON")));
        assert!(has_candidate_name(Path::new("stack.template")));
        assert!(!has_candidate_name(Path::new("main.tf")));
        assert!(may_hold_task_definition(r#"{"family": "x", "containerDefinitions": []}"#));
        assert!(may_hold_task_definition("Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n"));
        assert!(may_hold_task_definition(r#"[{"name": "web", "image": "nginx"}]"#));
        assert!(!may_hold_task_definition(r#"{"name": "pkg", "version": "1.0.0"}"#));
    }
}
