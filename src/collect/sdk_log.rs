//! Keeping AWS response payloads out of the logs.
//!
//! At TRACE level the SDK's orchestrator logs every HTTP response body and the Debug form of
//! every deserialised output (targets `aws_smithy_runtime::client::orchestrator` and
//! `…::orchestrator::http`). Those carry tag values, docker labels, commands, entry points
//! and log-driver options: exactly where secrets hide. SDK calls therefore run under a
//! dispatcher that drops those events and forwards everything else to the subscriber that
//! was current when the collection started, so `--log-level trace` stays useful and never
//! prints a secret. (Inside an SDK call `Span::current()` sees no span, since the forwarder
//! cannot name tracing-core's `Current`; formatted log lines keep their span context.)

use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber, span};

/// Whether an event may carry a response payload.
fn carries_payload(meta: &Metadata<'_>) -> bool {
    *meta.level() == Level::TRACE && meta.target().starts_with("aws_smithy_runtime::client::orchestrator")
}

/// A subscriber that forwards to `inner` all but the payload events of the AWS SDK.
struct WithoutPayloads {
    inner: Dispatch,
}

impl Subscriber for WithoutPayloads {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.is_event() && carries_payload(meta) { Interest::never() } else { self.inner.register_callsite(meta) }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        !(meta.is_event() && carries_payload(meta)) && self.inner.enabled(meta)
    }

    fn new_span(&self, span: &span::Attributes<'_>) -> span::Id {
        self.inner.new_span(span)
    }

    fn record(&self, span: &span::Id, values: &span::Record<'_>) {
        self.inner.record(span, values)
    }

    fn record_follows_from(&self, span: &span::Id, follows: &span::Id) {
        self.inner.record_follows_from(span, follows)
    }

    fn event(&self, event: &Event<'_>) {
        if !carries_payload(event.metadata()) {
            self.inner.event(event)
        }
    }

    fn enter(&self, span: &span::Id) {
        self.inner.enter(span)
    }

    fn exit(&self, span: &span::Id) {
        self.inner.exit(span)
    }

    fn clone_span(&self, id: &span::Id) -> span::Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: span::Id) -> bool {
        self.inner.try_close(id)
    }
}

/// The dispatcher to run SDK calls under: the current one, without payload events.
pub fn without_payloads() -> Dispatch {
    let inner = tracing::dispatcher::get_default(Dispatch::clone);
    Dispatch::new(WithoutPayloads { inner })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::instrument::WithSubscriber;

    use super::*;

    /// Records the target and message of every event.
    #[derive(Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            if let Ok(mut v) = self.0.lock() {
                v.push(event.metadata().target().to_owned());
            }
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }

    #[test]
    fn payload_events_are_dropped_and_others_kept() {
        let recorder = Recorder::default();
        let seen = recorder.0.clone();
        tracing::subscriber::with_default(recorder, || {
            let quiet = without_payloads();
            let fut = async {
                tracing::trace!(target: "aws_smithy_runtime::client::orchestrator", output_or_error = "secret", "out");
                tracing::trace!(target: "aws_smithy_runtime::client::orchestrator::http", response = "secret", "body");
                tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "kept: debug");
                tracing::trace!(target: "aws_smithy_runtime::client::retries", "kept: other target");
            };
            futures::executor::block_on(fut.with_subscriber(quiet));
        });
        let seen = seen.lock().map(|v| v.clone()).unwrap_or_default();
        assert_eq!(seen, ["aws_smithy_runtime::client::orchestrator", "aws_smithy_runtime::client::retries"]);
    }
}
