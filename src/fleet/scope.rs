//! What a scan covers: which clusters of a region (name globs, tags) and which regions (a
//! list, or every region enabled for the account, from ec2:DescribeRegions).

use aws_config::SdkConfig;

use crate::collect::classify;
use crate::model::Cluster;

/// The regions to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    List(Vec<String>),
    /// Every region enabled for the calling account (ec2:DescribeRegions).
    All,
}

impl Regions {
    /// `all`, or a comma-separated list (each checked for shape).
    pub fn parse(values: &[String]) -> Result<Regions, String> {
        let items: Vec<String> =
            values.iter().flat_map(|v| v.split(',')).map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
        if items.iter().any(|r| r.eq_ignore_ascii_case("all")) {
            return Ok(Regions::All);
        }
        for r in &items {
            crate::actions::validate_region(r)?;
        }
        let mut items = items;
        items.sort();
        items.dedup();
        Ok(Regions::List(items))
    }
}

/// Resolves `all` with ec2:DescribeRegions (AllRegions=true): opt-in regions that are not
/// enabled are skipped with a note. Returns the regions and the notes.
pub async fn resolve_regions(
    spec: &Regions,
    base: &SdkConfig,
    home: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    if let Regions::List(list) = spec {
        let list = if list.is_empty() { vec![home.to_owned()] } else { list.clone() };
        return Ok((list, Vec::new()));
    }
    let config = base.to_builder().region(aws_config::Region::new(home.to_owned())).build();
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let out = ec2.describe_regions().all_regions(true).send().await.map_err(|e| {
        let e = classify(&e);
        format!(
            "--regions all needs ec2:DescribeRegions, which failed ({}: {}). Grant it, or list the regions with --regions",
            e.code,
            crate::text::plain(&e.message)
        )
    })?;
    let mut regions = Vec::new();
    let mut skipped = Vec::new();
    for r in out.regions() {
        let Some(name) = r.region_name() else { continue };
        if r.opt_in_status() == Some("not-opted-in") {
            skipped.push(name.to_owned());
        } else {
            regions.push(name.to_owned());
        }
    }
    regions.sort();
    skipped.sort();
    let notes = if skipped.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{} opt-in region(s) not enabled for the calling account were skipped: {}",
            skipped.len(),
            skipped.join(", ")
        )]
    };
    Ok((regions, notes))
}

/// Which clusters of a region to scan: names matching any glob (all when none) and every
/// tag given (`key` or `key=value`).
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    names: Vec<glob::Pattern>,
    tags: Vec<(String, Option<String>)>,
}

impl ClusterFilter {
    pub fn parse(names: &[String], tags: &[String]) -> Result<ClusterFilter, String> {
        let names = names
            .iter()
            .flat_map(|n| n.split(','))
            .filter(|n| !n.trim().is_empty())
            .map(|n| glob::Pattern::new(n.trim()).map_err(|e| format!("--clusters {n:?} is not a valid glob: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let tags = tags
            .iter()
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (k.trim().to_owned(), Some(v.trim().to_owned())),
                None => (t.trim().to_owned(), None),
            })
            .filter(|(k, _)| !k.is_empty())
            .collect();
        Ok(ClusterFilter { names, tags })
    }

    pub fn matches(&self, c: &Cluster) -> bool {
        let name_ok = self.names.is_empty() || self.names.iter().any(|p| p.matches(&c.cluster_name));
        let tags_ok = self
            .tags
            .iter()
            .all(|(k, v)| c.tags.iter().any(|t| &t.key == k && v.as_ref().is_none_or(|v| &t.value == v)));
        name_ok && tags_ok
    }
}
