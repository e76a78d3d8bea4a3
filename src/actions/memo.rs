//! Recently rendered answers, reused when the same call renders the same analysis again.
//!
//! Rendering a report costs more than the rest of a cached call (0.65 ms of about 1.4 ms of
//! server CPU for `analyze_cluster_security` on the demo snapshot), and clients often repeat a
//! call: several assistants on one cluster, an IDE polling. An entry points at the analysis it
//! rendered (weakly: it does not keep the analysis alive, but its allocation, so the address
//! cannot be reused), so it matches only while that very analysis is current (a refresh or a
//! new collection makes a new one), and its key holds every input of the rendering, including the
//! `generated_at` second of reports, so a reused answer is byte-for-byte the one a fresh
//! rendering would give.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use super::ActionOutput;
use crate::rules::Analysis;

/// How many rendered answers are kept (the oldest goes first).
const CAPACITY: usize = 64;

/// A small, bounded store of rendered answers.
#[derive(Debug, Default)]
pub(super) struct Rendered {
    entries: Mutex<VecDeque<Entry>>,
}

#[derive(Debug)]
struct Entry {
    analysis: Weak<Analysis>,
    key: String,
    output: ActionOutput,
}

impl Entry {
    fn matches(&self, analysis: &Arc<Analysis>, key: &str) -> bool {
        std::ptr::eq(self.analysis.as_ptr(), Arc::as_ptr(analysis)) && self.key == key
    }
}

impl Rendered {
    /// The answer rendered for `analysis` under `key`, rendering it if none is kept.
    /// `key` must name the action and every parameter that changes its output.
    pub(super) fn get_or_render(
        &self,
        analysis: &Arc<Analysis>,
        key: String,
        render: impl FnOnce() -> ActionOutput,
    ) -> ActionOutput {
        if let Some(hit) = self.find(analysis, &key) {
            return hit;
        }
        // Rendered outside the lock: two concurrent misses both render, and neither waits.
        let output = render();
        let mut entries = self.lock();
        if !entries.iter().any(|e| e.matches(analysis, &key)) {
            // Answers for analyses nobody holds any more are never hit again.
            entries.retain(|e| e.analysis.strong_count() > 0);
            if entries.len() >= CAPACITY {
                entries.pop_front();
            }
            entries.push_back(Entry { analysis: Arc::downgrade(analysis), key, output: output.clone() });
        }
        output
    }

    fn find(&self, analysis: &Arc<Analysis>, key: &str) -> Option<ActionOutput> {
        let entries = self.lock();
        entries.iter().find(|e| e.matches(analysis, key)).map(|e| e.output.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        // A panic while holding the lock leaves whole entries behind: the data stays valid.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn analysis() -> Arc<Analysis> {
        let text = include_str!("../../fixtures/hardened-cluster.json");
        let snapshot = serde_json::from_str(text).unwrap_or_else(|e| panic!("fixture: {e}"));
        Arc::new(crate::rules::analyze(&snapshot))
    }

    fn output(n: u64) -> ActionOutput {
        ActionOutput::new(format!("render {n}"), json!({ "n": n }))
    }

    #[test]
    fn reuses_an_answer_only_for_the_same_analysis_and_key() {
        let store = Rendered::default();
        let (a, b) = (analysis(), analysis());
        assert_eq!(store.get_or_render(&a, "k".into(), || output(1)).text, "render 1");
        assert_eq!(store.get_or_render(&a, "k".into(), || output(2)).text, "render 1");
        assert_eq!(store.get_or_render(&a, "other".into(), || output(3)).text, "render 3");
        // An equal analysis that is not the same one (a refresh) renders again.
        assert_eq!(store.get_or_render(&b, "k".into(), || output(4)).text, "render 4");
    }

    #[test]
    fn stays_bounded_and_drops_answers_for_analyses_no_longer_held() {
        let store = Rendered::default();
        let a = analysis();
        for n in 0..(CAPACITY as u64 + 10) {
            store.get_or_render(&a, format!("k{n}"), || output(n));
        }
        assert_eq!(store.len(), CAPACITY);
        // The oldest keys went first.
        assert_eq!(store.get_or_render(&a, "k0".into(), || output(999)).text, "render 999");
        let newest = format!("k{}", CAPACITY as u64 + 9);
        assert_eq!(store.get_or_render(&a, newest, || output(999)).text, format!("render {}", CAPACITY + 9));

        drop(a);
        let b = analysis();
        store.get_or_render(&b, "k".into(), || output(0));
        assert_eq!(store.len(), 1, "entries of a dropped analysis are let go");
    }
}
