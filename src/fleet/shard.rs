//! Splitting a scan across machines: `--shard I/N` (I from 0) takes every N-th
//! account-region pair of the sorted list, starting at the I-th, so N shards cover every
//! pair exactly once whatever order they run in.
//!
//! Without `--shard`, I and N come from the environment of the job engine:
//! `ECS_SECURITY_MCP_SHARD_INDEX`, `AWS_BATCH_JOB_ARRAY_INDEX` (AWS Batch array jobs) or
//! `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs) for I, and `ECS_SECURITY_MCP_SHARD_COUNT`,
//! `AWS_BATCH_JOB_ARRAY_SIZE` or `JOB_COMPLETIONS` for N. AWS Batch and Kubernetes set the
//! index themselves; the count is set in the job's environment (docs/scale.md).

use std::fmt;
use std::str::FromStr;

/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

const INDEX_VARS: [&str; 3] = ["ECS_SECURITY_MCP_SHARD_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX", "JOB_COMPLETION_INDEX"];
const COUNT_VARS: [&str; 3] = ["ECS_SECURITY_MCP_SHARD_COUNT", "AWS_BATCH_JOB_ARRAY_SIZE", "JOB_COMPLETIONS"];

impl Shard {
    /// The shard from a job engine's environment (`lookup` reads a variable), if an index is set.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Shard>, String> {
        let first = |vars: &[&'static str]| -> Option<(&'static str, String)> {
            vars.iter().find_map(|v| lookup(v).map(|x| (*v, x)))
        };
        let Some((ivar, index)) = first(&INDEX_VARS) else { return Ok(None) };
        let Some((_, count)) = first(&COUNT_VARS) else {
            return Err(format!(
                "{ivar} is set but the shard count is not: set ECS_SECURITY_MCP_SHARD_COUNT (or AWS_BATCH_JOB_ARRAY_SIZE / JOB_COMPLETIONS) to the number of shards, or pass --shard I/N"
            ));
        };
        format!("{}/{}", index.trim(), count.trim()).parse().map(Some).map_err(|e: String| format!("{e} (from {ivar})"))
    }

    /// Whether the `position`-th pair of the sorted list is this shard's.
    pub fn owns(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_pair_once() {
        let shards: Vec<Shard> = (0..3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        for p in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.owns(p)).count(), 1);
        }
        assert!("3/3".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
    }

    #[test]
    fn environment_of_job_engines() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        let batch = Shard::from_env(env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "2"), ("AWS_BATCH_JOB_ARRAY_SIZE", "5")]));
        assert_eq!(batch, Ok(Some(Shard { index: 2, count: 5 })));
        let k8s = Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "2")]));
        assert_eq!(k8s, Ok(Some(Shard { index: 0, count: 2 })));
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "0")])).is_err());
        assert_eq!(Shard::from_env(env(&[])), Ok(None));
    }
}
