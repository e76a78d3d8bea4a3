//! The scan's progress bar on stderr: only when stderr is a terminal and --quiet is off.

use std::io::IsTerminal;
use std::time::Duration;

use crate::collect::{ProgressEvent, ProgressTx};

/// A bar fed by the scheduler's progress events.
pub struct Bar {
    bar: indicatif::ProgressBar,
    tx: ProgressTx,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Bar {
    pub fn start(wanted: bool) -> Bar {
        let bar = indicatif::ProgressBar::hidden();
        if !wanted || !std::io::stderr().is_terminal() {
            return Bar { bar, tx: None, task: None };
        }
        let style = indicatif::ProgressStyle::with_template("{spinner} scanning [{pos}/{len} clusters] {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressEvent>();
        let shown = bar.clone();
        let task = tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                if let Some(total) = ev.total {
                    shown.set_length(u64::from(total));
                }
                shown.set_position(u64::from(ev.progress));
                // Cluster names come from AWS: no control characters reach the terminal.
                shown.set_message(crate::text::plain(&ev.message));
            }
        });
        Bar { bar, tx: Some(tx), task: Some(task) }
    }

    pub fn tx(&self) -> ProgressTx {
        self.tx.clone()
    }

    pub fn finish(self) {
        if let Some(task) = self.task {
            task.abort();
        }
        self.bar.finish_and_clear();
    }
}
