//! Dated knowledge the rules consult: facts that change over time (advisories, supported
//! versions, policy classes, token formats). Each entry records where it came from and the
//! date it was known to be true, so a reader can tell when to refresh it.

pub mod agent;
pub mod capabilities;
pub mod dns;
pub mod envoy;
pub mod fargate;
pub mod hosts;
pub mod images;
pub mod instances;
pub mod platform;
pub mod ports;
pub mod secrets;
pub mod tls;

use serde::Serialize;

/// Where a piece of knowledge comes from and when it was true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// A URL or document name.
    pub source: &'static str,
    /// The date (YYYY-MM-DD) the entry was checked against its source.
    pub as_of: &'static str,
}
