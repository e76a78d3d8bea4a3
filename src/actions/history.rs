//! The analyses this server has seen of each cluster, so an answer can say what changed
//! since the previous one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::rules::Analysis;

/// The latest analysis of a cluster and the one before it.
type Pair = (Arc<Analysis>, Option<Arc<Analysis>>);

/// Per cluster (region and ARN): the latest analysis and the one before it.
#[derive(Debug, Default)]
pub struct History {
    seen: Mutex<HashMap<(String, String), Pair>>,
}

impl History {
    /// Records `current` and returns the analysis of the same cluster that came before it
    /// (an earlier collection), if this server has seen one.
    pub fn previous(&self, current: &Arc<Analysis>) -> Option<Arc<Analysis>> {
        let key = (current.region.clone(), current.cluster_arn.clone());
        let Ok(mut seen) = self.seen.lock() else {
            return None;
        };
        match seen.get_mut(&key) {
            Some((latest, before)) => {
                // A new collection: the latest becomes the previous one.
                if latest.collected_at != current.collected_at {
                    *before = Some(std::mem::replace(latest, current.clone()));
                }
                before.clone()
            }
            None => {
                seen.insert(key, (current.clone(), None));
                None
            }
        }
    }
}
