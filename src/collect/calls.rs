//! Every AWS call goes through [`Ctx::call`]: bounded concurrency, a count per operation,
//! and failures recorded as gaps instead of aborting the collection.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;

use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tracing::Dispatch;
use tracing::instrument::WithSubscriber;

use super::clients::Clients;
use super::{Depth, ProgressEvent, ProgressTx};
use crate::model::Gap;

/// The number of collection stages reported as progress.
pub const STAGES: u32 = 7;

/// Why a call failed, in AWS terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub code: String,
    pub message: String,
}

impl CallError {
    pub fn is_access_denied(&self) -> bool {
        let c = self.code.to_ascii_lowercase();
        c.contains("accessdenied") || c.contains("unauthorized") || c.contains("forbidden")
    }

    pub fn is_not_found(&self) -> bool {
        let c = self.code.to_ascii_lowercase();
        c.contains("notfound") || c.contains("not_found")
    }
}

/// Classifies an SDK error: the service's error code, or our own code for transport failures.
pub fn classify<E, R>(err: &SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = DisplayErrorContext(err).to_string();
    let code = match err {
        SdkError::ServiceError(_) => err.code().unwrap_or("ServiceError").to_owned(),
        SdkError::TimeoutError(_) => "Timeout".to_owned(),
        SdkError::DispatchFailure(d) => {
            if detail.to_ascii_lowercase().contains("credential") {
                "NoCredentials".to_owned()
            } else if d.is_timeout() {
                "Timeout".to_owned()
            } else if d.is_io() {
                "ConnectionError".to_owned()
            } else {
                "DispatchFailure".to_owned()
            }
        }
        SdkError::ResponseError(_) => "MalformedResponse".to_owned(),
        SdkError::ConstructionFailure(_) => "InvalidRequest".to_owned(),
        _ => "Unknown".to_owned(),
    };
    let message = match err.message() {
        Some(m) if matches!(err, SdkError::ServiceError(_)) => m.to_owned(),
        // The SDK's detail ends in its Debug representation: say it plainly.
        _ if code == "Timeout" => {
            "AWS did not answer within the call timeout (--call-timeout), retries included".into()
        }
        _ => detail,
    };
    CallError { code, message }
}

/// The state of one collection.
pub struct Ctx {
    pub region: String,
    pub clients: Clients,
    pub depth: Depth,
    limit: Semaphore,
    /// Limits shared with other collections (a fleet scan's account-region and global caps),
    /// acquired in this order after `limit`.
    gates: Vec<Arc<Semaphore>>,
    calls: Mutex<BTreeMap<String, u64>>,
    gaps: Mutex<Vec<Gap>>,
    progress: ProgressTx,
    /// Stages reported so far (stages finish in any order; the count only goes up).
    stages_done: std::sync::atomic::AtomicU32,
    /// The logging of SDK calls: the current subscriber, without response payloads.
    log: Dispatch,
}

impl Ctx {
    pub fn new(
        region: String,
        clients: Clients,
        depth: Depth,
        concurrency: usize,
        gates: Vec<Arc<Semaphore>>,
        progress: ProgressTx,
    ) -> Ctx {
        Ctx {
            region,
            clients,
            depth,
            limit: Semaphore::new(concurrency.max(1)),
            gates,
            calls: Mutex::new(BTreeMap::new()),
            gaps: Mutex::new(Vec::new()),
            progress,
            stages_done: std::sync::atomic::AtomicU32::new(0),
            log: super::sdk_log::without_payloads(),
        }
    }

    /// Runs one AWS call under the concurrency limit and counts it. A failure is returned
    /// to the caller, which decides whether it is a gap.
    pub async fn try_call<T, E, R, F>(&self, service: &str, operation: &str, fut: F) -> Result<T, CallError>
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let _permit = self.limit.acquire().await;
        let mut _shared = Vec::with_capacity(self.gates.len());
        for gate in &self.gates {
            _shared.push(gate.acquire().await);
        }
        self.count(service, operation);
        tracing::debug!(service, operation, "AWS call");
        fut.with_subscriber(self.log.clone()).await.map_err(|e| {
            let err = classify(&e);
            tracing::debug!(service, operation, code = %err.code, "AWS call failed");
            err
        })
    }

    /// Like [`Ctx::try_call`], recording a failure as a gap and returning `None`.
    pub async fn call<T, E, R, F>(&self, service: &str, operation: &str, resource: Option<&str>, fut: F) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        match self.try_call(service, operation, fut).await {
            Ok(v) => Some(v),
            Err(e) => {
                self.gap(service, operation, resource, e);
                None
            }
        }
    }

    fn count(&self, service: &str, operation: &str) {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(format!("{service}:{operation}")).or_default() += 1;
        }
    }

    /// Records missing data.
    pub fn gap(&self, service: &str, operation: &str, resource: Option<&str>, err: CallError) {
        tracing::info!(service, operation, code = %err.code, "collection gap");
        if let Ok(mut gaps) = self.gaps.lock() {
            gaps.push(Gap {
                service: service.to_owned(),
                operation: operation.to_owned(),
                error_code: err.code,
                message: crate::text::plain(&err.message),
                resource: resource.map(str::to_owned),
            });
        }
    }

    /// The gaps recorded so far by these `(service, operation)` calls.
    pub fn gaps_of(&self, operations: &[(&str, &str)]) -> Vec<Gap> {
        let gaps = self.gaps.lock().map(|g| g.clone()).unwrap_or_default();
        gaps.into_iter().filter(|g| operations.iter().any(|(s, o)| g.service == *s && g.operation == *o)).collect()
    }

    /// Records a gap that another collection met reading data this one shares with it (the
    /// account-region's settings in a fleet scan).
    pub fn record(&self, gap: Gap) {
        if let Ok(mut gaps) = self.gaps.lock() {
            gaps.push(gap);
        }
    }

    /// Records that a call was skipped on purpose (quick collections).
    pub fn skipped(&self, service: &str, operation: &str) {
        self.gap(
            service,
            operation,
            None,
            CallError {
                code: "SkippedInQuickMode".into(),
                message: "a quick analysis does not collect this; run a comprehensive analysis".into(),
            },
        );
    }

    pub fn quick(&self) -> bool {
        self.depth == Depth::Quick
    }

    /// Reports a stage as reached: progress is the count of stages reached so far, out of
    /// [`STAGES`], whatever order concurrent stages finish in.
    pub fn progress(&self, stage: &str, message: String) {
        let step = self.stages_done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(tx) = &self.progress {
            let _ = tx.send(ProgressEvent { stage: stage.to_owned(), progress: step, total: Some(STAGES), message });
        }
    }

    /// The call counts and gaps so far.
    pub fn snapshot_parts(&self) -> (BTreeMap<String, u64>, Vec<Gap>) {
        let calls = self.calls.lock().map(|c| c.clone()).unwrap_or_default();
        let mut gaps = self.gaps.lock().map(|g| g.clone()).unwrap_or_default();
        gaps.sort_by(|a, b| (&a.service, &a.operation, &a.resource).cmp(&(&b.service, &b.operation, &b.resource)));
        (calls, gaps)
    }
}
