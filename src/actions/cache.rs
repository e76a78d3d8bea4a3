//! Collected snapshots kept for a short time, so the usual sequence of tool calls (select,
//! analyze, recommendations, report, compliance) collects once. One collection per key runs
//! at a time; concurrent callers wait for it and share the result.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::Prepared;
use crate::collect::Depth;

/// What a snapshot is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub account: String,
    pub region: String,
    pub cluster: String,
}

/// One key's cached snapshot.
#[derive(Debug, Default)]
pub struct Entry {
    stored: Option<(Instant, Depth, Prepared)>,
}

impl Entry {
    /// The cached snapshot if it is younger than `ttl` and deep enough for `depth`.
    pub fn fresh(&self, depth: Depth, ttl: Duration) -> Option<Prepared> {
        let (at, have, prepared) = self.stored.as_ref()?;
        let deep_enough = *have == Depth::Full || depth == Depth::Quick;
        (at.elapsed() < ttl && deep_enough).then(|| prepared.clone())
    }

    pub fn store(&mut self, depth: Depth, prepared: Prepared) {
        self.stored = Some((Instant::now(), depth, prepared));
    }
}

#[derive(Debug)]
pub struct SnapshotCache {
    ttl: Duration,
    slots: Mutex<HashMap<Key, Arc<Mutex<Entry>>>>,
}

impl SnapshotCache {
    pub fn new(ttl: Duration) -> SnapshotCache {
        SnapshotCache { ttl, slots: Mutex::new(HashMap::new()) }
    }

    /// How long a collected snapshot is reused.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The clusters with a fresh snapshot, as (cluster, region), sorted. Never waits: a
    /// cluster being collected right now is left out until its snapshot lands.
    pub fn known(&self) -> Vec<(String, String)> {
        let Ok(slots) = self.slots.try_lock() else { return Vec::new() };
        let ttl = self.ttl;
        let mut out: Vec<(String, String)> = slots
            .iter()
            .filter(|(_, v)| v.try_lock().is_ok_and(|e| e.stored.as_ref().is_some_and(|(at, _, _)| at.elapsed() < ttl)))
            .map(|(k, _)| (k.cluster.clone(), k.region.clone()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The slot for a key; expired entries of other keys are dropped on the way.
    pub async fn slot(&self, key: &Key) -> Arc<Mutex<Entry>> {
        let mut slots = self.slots.lock().await;
        let ttl = self.ttl;
        slots.retain(|k, v| {
            k == key
                || v.try_lock().map(|e| e.stored.as_ref().is_some_and(|(at, _, _)| at.elapsed() < ttl)).unwrap_or(true)
        });
        slots.entry(key.clone()).or_default().clone()
    }
}
