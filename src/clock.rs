//! The one place the shell reads the clock for timestamps it writes.

/// The current time in RFC 3339 (UTC, whole seconds): `2026-12-04T15:40:45Z`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's date (UTC): when suppression entries expire.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
