//! Keeping secret values out of every output: snapshots are written with detected values
//! replaced by `[REDACTED:<detector>:<length>]` markers (which the detectors recognise
//! again, so a saved snapshot yields the same findings), and a [`Scrubber`] removes a
//! snapshot's secret values from any text as a last line of defence.

use aho_corasick::AhoCorasick;

use crate::knowledge::secrets::{Detection, MARKER, classify, format_detections, scan_args};
use crate::model::{ContainerDefinition, Snapshot, Tag};

impl Snapshot {
    /// Serialises the snapshot as pretty JSON, with secret-looking values replaced by
    /// markers that the secret rules still recognise.
    pub fn to_json_redacted(&self) -> String {
        let mut copy = self.clone();
        redact_snapshot(&mut copy);
        // Serialising plain data types cannot fail.
        serde_json::to_string_pretty(&copy).unwrap_or_default() // ok: infallible for these types
    }

    /// A copy with secret-looking values replaced by markers, as [`Snapshot::to_json_redacted`]
    /// writes it (fleet scans keep and share only redacted snapshots).
    pub fn redacted(&self) -> Snapshot {
        let mut copy = self.clone();
        redact_snapshot(&mut copy);
        copy
    }
}

/// The places in a snapshot where a secret can hide, visited with a mutable value.
fn for_each_sensitive(snapshot: &mut Snapshot, f: &mut dyn FnMut(Field<'_>)) {
    fn tags(tags: &mut [Tag], f: &mut dyn FnMut(Field<'_>)) {
        for t in tags {
            f(Field::Named(&t.key, &mut t.value));
            f(Field::Text(&mut t.key));
        }
    }
    fn container(c: &mut ContainerDefinition, f: &mut dyn FnMut(Field<'_>)) {
        for kv in &mut c.environment {
            f(Field::Named(&kv.name, &mut kv.value));
        }
        for (k, v) in &mut c.docker_labels {
            f(Field::Named(k, v));
        }
        f(Field::Args(&mut c.command));
        f(Field::Args(&mut c.entry_point));
        if let Some(h) = &mut c.health_check {
            f(Field::Args(&mut h.command));
        }
        if let Some(l) = &mut c.log_configuration {
            for (k, v) in &mut l.options {
                f(Field::Named(k, v));
            }
        }
        if let Some(fl) = &mut c.firelens_configuration {
            for (k, v) in &mut fl.options {
                f(Field::Named(k, v));
            }
        }
    }
    tags(&mut snapshot.cluster.tags, f);
    for cp in &mut snapshot.capacity_providers {
        tags(&mut cp.tags, f);
    }
    for s in &mut snapshot.services {
        tags(&mut s.tags, f);
    }
    for td in &mut snapshot.task_definitions {
        tags(&mut td.tags, f);
        for c in &mut td.container_definitions {
            container(c, f);
        }
    }
    for t in &mut snapshot.tasks {
        tags(&mut t.tags, f);
    }
    for ci in &mut snapshot.container_instances {
        tags(&mut ci.tags, f);
    }
    for r in &mut snapshot.ecr.repositories {
        tags(&mut r.tags, f);
    }
    let n = &mut snapshot.network;
    for v in &mut n.vpcs {
        tags(&mut v.tags, f);
    }
    for s in &mut n.subnets {
        tags(&mut s.tags, f);
    }
    for r in &mut n.route_tables {
        tags(&mut r.tags, f);
    }
    for g in &mut n.security_groups {
        tags(&mut g.tags, f);
    }
}

enum Field<'a> {
    /// A value with a name (environment variable, tag, label, option).
    Named(&'a str, &'a mut String),
    /// Free text.
    Text(&'a mut String),
    /// An argument vector.
    Args(&'a mut Vec<String>),
}

fn detections_in(field: &Field<'_>) -> Vec<Detection> {
    match field {
        Field::Named(name, value) => classify(name, value).into_iter().collect(),
        Field::Text(text) => format_detections(text),
        Field::Args(args) => scan_args(args),
    }
}

fn replace_all(text: &mut String, detections: &[Detection]) {
    for d in detections {
        if !d.secret.is_empty() && text.contains(&d.secret) {
            *text = text.replace(&d.secret, &d.marker());
        }
    }
}

/// Replaces every detected secret in the snapshot by its redaction marker.
pub fn redact_snapshot(snapshot: &mut Snapshot) {
    for_each_sensitive(snapshot, &mut |mut field| {
        let found = detections_in(&field);
        if found.is_empty() {
            return;
        }
        match &mut field {
            Field::Named(_, value) => replace_all(value, &found),
            Field::Text(text) => replace_all(text, &found),
            Field::Args(args) => args.iter_mut().for_each(|a| replace_all(a, &found)),
        }
    });
}

/// Removes a snapshot's secret values from any text, as a last line of defence for outputs.
#[derive(Debug, Clone)]
pub struct Scrubber {
    matcher: Option<AhoCorasick>,
}

impl Scrubber {
    /// Collects every secret value in the snapshot.
    pub fn for_snapshot(snapshot: &Snapshot) -> Scrubber {
        let mut copy = snapshot.clone();
        let mut secrets: Vec<String> = Vec::new();
        for_each_sensitive(&mut copy, &mut |field| {
            secrets.extend(detections_in(&field).into_iter().filter(|d| !MARKER.is_match(&d.secret)).map(|d| d.secret));
        });
        secrets.retain(|s| s.trim().len() >= 4);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let matcher = if secrets.is_empty() {
            None
        } else {
            // A contiguous NFA, not the DFA the builder picks for few patterns: a DFA's build
            // time grows with the square of a pattern's length, and secrets can be long (a
            // PEM key in an environment variable took seconds per analysis).
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&secrets)
                .ok()
        };
        Scrubber { matcher }
    }

    /// `text` with every known secret replaced by `[REDACTED]`.
    pub fn scrub(&self, text: &str) -> String {
        match &self.matcher {
            Some(m) if m.is_match(text) => {
                let replacements = vec!["[REDACTED]"; m.patterns_len()];
                m.replace_all(text, &replacements)
            }
            _ => text.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyValue, TaskDefinition};

    #[test]
    fn redaction_and_scrubbing_hide_values() {
        let mut s = Snapshot::default();
        s.task_definitions.push(TaskDefinition {
            container_definitions: vec![ContainerDefinition {
                environment: vec![KeyValue { name: "DB_PASSWORD".into(), value: "hunter2-planted".into() }],
                command: vec!["sh".into(), "-c".into(), "API_TOKEN=tok-planted-99 ./run".into()],
                ..Default::default()
            }],
            ..Default::default()
        });
        s.cluster.tags.push(Tag { key: "github".into(), value: "ghp_0123456789abcdefghijABCDEFGHIJ012345".into() });
        let scrubber = Scrubber::for_snapshot(&s);
        let leaked = "x hunter2-planted y tok-planted-99 z ghp_0123456789abcdefghijABCDEFGHIJ012345";
        assert_eq!(scrubber.scrub(leaked), "x [REDACTED] y [REDACTED] z [REDACTED]");
        redact_snapshot(&mut s);
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            !json.contains("hunter2-planted") && !json.contains("tok-planted-99") && !json.contains("ghp_"),
            "{json}"
        );
        assert!(json.contains("[REDACTED:sensitive-name:15]"), "{json}");
    }
}
