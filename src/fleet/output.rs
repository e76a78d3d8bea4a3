//! Shard files: a scan writes its [`FleetScan`] (with the redacted snapshots) and each
//! snapshot on its own (readable by `analyze --snapshot`) into `--out DIR`; `merge` reads
//! them back from files or directories.

use std::path::{Path, PathBuf};

use crate::model::fleet::FleetScan;

/// The scan file's name in `--out DIR`: `shard-I-of-N.json`, or `scan.json` for a whole scan.
pub fn scan_file_name(scan: &FleetScan) -> String {
    match scan.shard.as_deref().and_then(|s| s.split_once('/')) {
        Some((i, n)) => format!("shard-{i}-of-{n}.json"),
        None => "scan.json".into(),
    }
}

/// A file-name-safe form of an AWS name.
fn safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// Writes the scan file and `snapshots/<account>/<region>/<cluster>.json`; returns the scan file.
pub fn write(dir: &Path, scan: &FleetScan) -> anyhow::Result<PathBuf> {
    let err = |p: &Path, e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", p.display());
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    for t in &scan.targets {
        for c in &t.clusters {
            let Some(snapshot) = &c.snapshot else { continue };
            let sub = dir.join("snapshots").join(safe(&t.account_id)).join(safe(&t.region));
            std::fs::create_dir_all(&sub).map_err(|e| err(&sub, e))?;
            let file = sub.join(format!("{}.json", safe(&c.name)));
            // Already redacted; written through the redacting serialiser all the same.
            std::fs::write(&file, snapshot.to_json_redacted()).map_err(|e| err(&file, e))?;
        }
    }
    let file = dir.join(scan_file_name(scan));
    let text = serde_json::to_string_pretty(scan)?;
    std::fs::write(&file, text).map_err(|e| err(&file, e))?;
    Ok(file)
}

/// Reads scan files: each path a file, or a directory whose `shard-*.json` / `scan.json` are read.
pub fn read(paths: &[PathBuf]) -> anyhow::Result<Vec<FleetScan>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("cannot read the directory {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| (n.starts_with("shard-") && n.ends_with(".json")) || n == "scan.json")
                })
                .collect();
            if found.is_empty() {
                anyhow::bail!("{} holds no shard-*.json or scan.json written by `scan --out`", p.display());
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
            serde_json::from_str::<FleetScan>(&text)
                .map_err(|e| anyhow::anyhow!("{} is not a scan file written by `scan --out` ({e})", f.display()))
        })
        .collect()
}
