//! The suppressions file (`.ecs-security.yaml`): accepted findings, each with a reason.
//!
//! ```yaml
//! suppressions:
//!   - rule: container-privileged
//!     resource: "arn:aws:ecs:*:*:task-definition/datadog-agent:*"
//!     container: datadog-agent
//!     reason: The agent reads host metrics; approved in SEC-1234
//!     owner: platform-team
//!     expires: 2027-03-31
//! ```
//!
//! An entry matches a finding when every criterion it names matches (rule id, resource,
//! account, region, cluster, container, tag); it must name at least one. `reason` is
//! required, `owner` and `expires` (a date, inclusive) are optional. Parsing is strict: a
//! syntax error, an unknown or repeated key, a missing reason, a bad date, a bad glob or an
//! unknown rule id is an error with its line, never ignored. Matching is pure: the caller
//! passes today's date and the resource tags.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use glob::{MatchOptions, Pattern};
use serde::Serialize;

use crate::files::tree::{Kind, Node, Pos};
use crate::model::{Snapshot, Tag};
use crate::rules::{Analysis, Finding, Score};

use super::{Suppressed, Triage};

/// The file the CLI reads from the current directory when no other is named.
pub const DEFAULT_FILE: &str = ".ecs-security.yaml";

/// The keys an entry may have.
const ENTRY_KEYS: [&str; 10] =
    ["rule", "resource", "account", "region", "cluster", "container", "tag", "reason", "owner", "expires"];

/// A malformed suppressions file: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {message}", pos.line, pos.column)]
pub struct FileError {
    pub pos: Pos,
    pub message: String,
}

fn err(pos: Pos, message: impl Into<String>) -> FileError {
    FileError { pos, message: message.into() }
}

/// A parsed suppressions file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suppressions {
    pub entries: Vec<Entry>,
}

/// One suppression entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1-based position in the file's list.
    pub index: usize,
    /// The line the entry starts on.
    pub line: usize,
    pub rule: Option<Glob>,
    pub resource: Option<Glob>,
    pub account: Option<String>,
    pub region: Option<Glob>,
    pub cluster: Option<Glob>,
    pub container: Option<Glob>,
    /// `key=value` on the resource (or on the service it runs in).
    pub tag: Option<(String, String)>,
    pub reason: String,
    pub owner: Option<String>,
    /// The last day the entry applies (inclusive).
    pub expires: Option<NaiveDate>,
}

/// A glob as written, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Glob {
    pub text: String,
    pattern: Pattern,
}

impl Glob {
    fn new(text: &str, pos: Pos, key: &str) -> Result<Glob, FileError> {
        let pattern = Pattern::new(text).map_err(|e| err(pos, format!("`{key}` is not a valid glob: {}", e.msg)))?;
        Ok(Glob { text: text.to_owned(), pattern })
    }

    /// Whether `s` matches; `*` matches across `/` and `:` (ARNs are not paths).
    pub fn matches(&self, s: &str) -> bool {
        let opts =
            MatchOptions { case_sensitive: true, require_literal_separator: false, require_literal_leading_dot: false };
        self.pattern.matches_with(s, opts)
    }
}

/// An entry as reports show it: where it is, what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntrySummary {
    /// 1-based position in the file's list.
    pub entry: usize,
    pub line: usize,
    /// The criteria, e.g. `rule=container-privileged container=datadog-agent`.
    pub matches: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Entry {
    pub fn summary(&self) -> EntrySummary {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        };
        add("rule", self.rule.as_ref().map(|g| g.text.as_str()));
        add("resource", self.resource.as_ref().map(|g| g.text.as_str()));
        add("account", self.account.as_deref());
        add("region", self.region.as_ref().map(|g| g.text.as_str()));
        add("cluster", self.cluster.as_ref().map(|g| g.text.as_str()));
        add("container", self.container.as_ref().map(|g| g.text.as_str()));
        let tag = self.tag.as_ref().map(|(k, v)| format!("{k}={v}"));
        add("tag", tag.as_deref());
        EntrySummary {
            entry: self.index,
            line: self.line,
            matches: parts.join(" "),
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.map(|d| d.to_string()),
        }
    }

    /// Whether the entry has expired on `today` (it applies through its `expires` day).
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|e| today > e)
    }

    /// Whether the entry matches `f`, a finding of `analysis` whose resource carries `tags`.
    pub fn matches(&self, f: &Finding, analysis: &Analysis, tags: &[Tag]) -> bool {
        let r = &f.resource;
        let any = |g: &Option<Glob>, values: &[Option<&str>]| {
            g.as_ref().is_none_or(|g| values.iter().flatten().any(|v| g.matches(v)))
        };
        let display = r.to_string();
        any(&self.rule, &[Some(f.rule.id)])
            && any(&self.resource, &[r.arn.as_deref(), Some(&r.name), Some(&display)])
            && self.account.as_deref().is_none_or(|a| analysis.account_id.as_deref() == Some(a))
            && any(&self.region, &[Some(&analysis.region)])
            && any(
                &self.cluster,
                &[r.path.cluster.as_deref(), Some(&analysis.cluster_name), Some(&analysis.cluster_arn)],
            )
            && self.container.as_ref().is_none_or(|g| r.path.container.as_deref().is_some_and(|c| g.matches(c)))
            && self.tag.as_ref().is_none_or(|(k, v)| tags.iter().any(|t| &t.key == k && &t.value == v))
    }
}

/// Parses a suppressions file. An empty file, or one with an empty list, has no entries.
pub fn parse(text: &str) -> Result<Suppressions, FileError> {
    if text.trim().is_empty() {
        return Ok(Suppressions::default());
    }
    let root = crate::files::yaml::parse(text).map_err(|e| err(e.pos, e.message))?;
    let Kind::Map(top) = &root.kind else {
        return Err(err(root.pos, "expected a mapping with a `suppressions` list"));
    };
    check_keys(&root, &["version", "suppressions"])?;
    if let Some(v) = root.entries().iter().find(|e| e.key == "version")
        && !matches!(&v.value.kind, Kind::Number(n) if n == "1")
    {
        return Err(err(v.value.pos, "`version` must be 1"));
    }
    let Some(list) = top.iter().find(|e| e.key == "suppressions") else {
        return Err(err(root.pos, "missing the `suppressions` list"));
    };
    let items = match &list.value.kind {
        Kind::Seq(items) => items.as_slice(),
        Kind::Null => &[],
        _ => return Err(err(list.value.pos, "`suppressions` must be a list of entries")),
    };
    let entries = items.iter().enumerate().map(|(i, n)| entry(i + 1, n)).collect::<Result<Vec<_>, _>>()?;
    Ok(Suppressions { entries })
}

fn check_keys(node: &Node, allowed: &[&str]) -> Result<(), FileError> {
    let mut seen = BTreeSet::new();
    for e in node.entries() {
        if !allowed.contains(&e.key.as_str()) {
            return Err(err(
                e.key_pos,
                format!("unknown key `{}`; valid keys: {}", crate::text::plain(&e.key), allowed.join(", ")),
            ));
        }
        if !seen.insert(e.key.as_str()) {
            return Err(err(e.key_pos, format!("`{}` is given twice", e.key)));
        }
    }
    Ok(())
}

/// A scalar as text (YAML reads `2027-01-01` and `123456789012` as plain scalars).
fn text(node: &Node, key: &str) -> Result<String, FileError> {
    match &node.kind {
        Kind::Str(s) | Kind::Number(s) => Ok(s.clone()),
        Kind::Bool(b) => Ok(b.to_string()),
        _ => Err(err(node.pos, format!("`{key}` must be a single value (text)"))),
    }
}

fn entry(index: usize, node: &Node) -> Result<Entry, FileError> {
    if !matches!(node.kind, Kind::Map(_)) {
        return Err(err(node.pos, format!("entry {index} must be a mapping (rule, resource, …, reason)")));
    }
    check_keys(node, &ENTRY_KEYS)?;
    let mut values = BTreeMap::new();
    for e in node.entries() {
        let value = text(&e.value, &e.key)?;
        if value.trim().is_empty() {
            return Err(err(e.value.pos, format!("`{}` is empty", e.key)));
        }
        values.insert(e.key.as_str(), (value, e.value.pos));
    }
    let glob = |key: &str| values.get(key).map(|(v, pos)| Glob::new(v, *pos, key)).transpose();
    let rule = glob("rule")?;
    if let (Some(g), Some((_, pos))) = (&rule, values.get("rule"))
        && !crate::rules::all().iter().any(|r| g.matches(r.id))
    {
        return Err(err(*pos, format!("`rule` {} names no rule; `ecs-security-mcp checks` lists them", g.text)));
    }
    let tag = match values.get("tag") {
        None => None,
        Some((v, pos)) => match v.split_once('=') {
            Some((k, val)) if !k.trim().is_empty() => Some((k.trim().to_owned(), val.trim().to_owned())),
            _ => return Err(err(*pos, "`tag` must be key=value")),
        },
    };
    let expires = match values.get("expires") {
        None => None,
        Some((v, pos)) => Some(NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
            err(*pos, format!("`expires` must be a date as YYYY-MM-DD, not {:?}", crate::text::plain(v)))
        })?),
    };
    let Some((reason, _)) = values.get("reason") else {
        return Err(err(node.pos, format!("entry {index} has no `reason`: say why the finding is accepted")));
    };
    let entry = Entry {
        index,
        line: node.pos.line,
        rule,
        resource: glob("resource")?,
        account: values.get("account").map(|(v, _)| v.trim().to_owned()),
        region: glob("region")?,
        cluster: glob("cluster")?,
        container: glob("container")?,
        tag,
        reason: reason.clone(),
        owner: values.get("owner").map(|(v, _)| v.clone()),
        expires,
    };
    if entry.summary().matches.is_empty() {
        return Err(err(
            node.pos,
            format!(
                "entry {index} names nothing to match (rule, resource, account, region, cluster, container or tag)"
            ),
        ));
    }
    Ok(entry)
}

/// Resource tags by ARN (or EC2 id), and service tags by service name, from a snapshot.
#[derive(Debug, Clone, Default)]
pub struct TagIndex {
    by_arn: BTreeMap<String, Vec<Tag>>,
    by_service: BTreeMap<String, Vec<Tag>>,
}

impl TagIndex {
    pub fn of(s: &Snapshot) -> TagIndex {
        let mut by_arn: BTreeMap<String, Vec<Tag>> = BTreeMap::new();
        let mut add = |arn: &str, tags: &[Tag]| {
            if !tags.is_empty() {
                by_arn.entry(arn.to_owned()).or_default().extend(tags.iter().cloned());
            }
        };
        add(&s.cluster.cluster_arn, &s.cluster.tags);
        for c in &s.capacity_providers {
            add(&c.capacity_provider_arn, &c.tags);
        }
        for x in &s.services {
            add(&x.service_arn, &x.tags);
        }
        for t in &s.task_definitions {
            add(&t.task_definition_arn, &t.tags);
        }
        for t in &s.tasks {
            add(&t.task_arn, &t.tags);
        }
        for i in &s.container_instances {
            add(&i.container_instance_arn, &i.tags);
        }
        for r in &s.ecr.repositories {
            add(&r.repository_arn, &r.tags);
        }
        for v in &s.network.vpcs {
            add(&v.vpc_id, &v.tags);
        }
        for x in &s.network.subnets {
            add(&x.subnet_id, &x.tags);
        }
        for x in &s.network.route_tables {
            add(&x.route_table_id, &x.tags);
        }
        for x in &s.network.security_groups {
            add(&x.group_id, &x.tags);
        }
        let by_service = s.services.iter().map(|x| (x.service_name.clone(), x.tags.clone())).collect();
        TagIndex { by_arn, by_service }
    }

    /// Adds the tags of another snapshot (several linted files judged together).
    pub fn extend(&mut self, other: TagIndex) {
        for (k, v) in other.by_arn {
            self.by_arn.entry(k).or_default().extend(v);
        }
        for (k, v) in other.by_service {
            self.by_service.entry(k).or_default().extend(v);
        }
    }

    /// The tags of a finding's resource, and of the service it runs in.
    pub fn of_finding(&self, f: &Finding) -> Vec<Tag> {
        let own = f.resource.arn.as_deref().and_then(|a| self.by_arn.get(a)).into_iter().flatten();
        let service = f.resource.path.service.as_deref().and_then(|s| self.by_service.get(s)).into_iter().flatten();
        own.chain(service).cloned().collect()
    }
}

/// Moves the findings an entry matches to `analysis.triage.suppressed` and rescores the rest.
/// Expired entries do not apply and are listed as expired; entries that match nothing are
/// listed as stale. Rule results keep their counts: a suppressed finding is accepted, not
/// fixed, so compliance still sees it.
pub fn apply(analysis: &mut Analysis, file: &Suppressions, tags: &TagIndex, today: NaiveDate, source: &str) {
    let mut used = vec![false; file.entries.len()];
    let mut kept = Vec::with_capacity(analysis.findings.len());
    let mut suppressed = Vec::new();
    for f in std::mem::take(&mut analysis.findings) {
        let resource_tags = tags.of_finding(&f);
        let hit = file.entries.iter().position(|e| !e.expired(today) && e.matches(&f, analysis, &resource_tags));
        match hit {
            Some(i) => {
                used[i] = true;
                suppressed.push(Suppressed { finding: f, entry: file.entries[i].summary() });
            }
            None => kept.push(f),
        }
    }
    let expired = file.entries.iter().filter(|e| e.expired(today)).map(Entry::summary).collect();
    let stale = file
        .entries
        .iter()
        .zip(&used)
        .filter(|(e, used)| !e.expired(today) && !**used)
        .map(|(e, _)| e.summary())
        .collect();
    analysis.overall = Score::of(&kept, &analysis.results);
    analysis.findings = kept;
    analysis.triage = Triage {
        suppressions: Some(source.to_owned()),
        suppressed,
        expired,
        stale,
        baseline: analysis.triage.baseline.take(),
    };
}

impl fmt::Display for EntrySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} (line {}: {})", self.entry, self.line, self.matches)
    }
}
