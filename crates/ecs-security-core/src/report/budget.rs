//! Answers sized for a model's context: a character budget, the largest page that fits it,
//! and cursors that continue a listing where a page stopped.
//!
//! A tool answer is a Markdown text plus the same content as JSON; its size is the text as
//! a JSON string plus the JSON, both as serialised. Sizes grow with the number of items
//! shown, so the largest page under the budget is found by bisection over that number.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The default budget of one answer, in characters (bytes, which is never fewer).
pub const DEFAULT_MAX_CHARS: usize = 40_000;
/// The smallest budget a caller may ask for: room for the header of any answer.
pub const MIN_MAX_CHARS: usize = 2_000;

/// The size of an answer: `text` as a JSON string plus `data` serialised.
pub fn answer_size<T: Serialize>(text: &str, data: &T) -> usize {
    let text = serde_json::to_string(text).map(|s| s.len()).unwrap_or(text.len() * 2);
    let data = serde_json::to_string(data).map(|s| s.len()).unwrap_or(usize::MAX / 2);
    text.saturating_add(data)
}

/// The largest `n` in `0..=max` with `size(n) <= budget`, for a `size` that grows with `n`;
/// 0 when even `size(0)` is over (the caller then shows only its header).
pub fn largest_fitting(max: usize, budget: usize, size: impl Fn(usize) -> usize) -> usize {
    if size(max) <= budget {
        return max;
    }
    let (mut lo, mut hi) = (0, max); // size(lo) fits or lo == 0; size(hi) does not
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if size(mid) <= budget { lo = mid } else { hi = mid }
    }
    lo
}

/// A cursor: where the next page starts, bound to the listing it continues (the analysis,
/// its filter and the kind of listing), so a cursor from another listing is refused.
pub fn cursor(offset: usize, listing: &str) -> String {
    format!("{offset}.{}", check(listing))
}

/// The offset a cursor points at, if it belongs to `listing`.
pub fn parse_cursor(cursor: &str, listing: &str) -> Result<usize, String> {
    let (offset, sum) = cursor.trim().split_once('.').ok_or_else(|| malformed(cursor))?;
    let offset: usize = offset.parse().map_err(|_| malformed(cursor))?;
    if sum != check(listing) {
        return Err(
            "this cursor belongs to another listing (a different cluster, collection, filter or tool); call again without a cursor to start over"
                .into(),
        );
    }
    Ok(offset)
}

fn malformed(cursor: &str) -> String {
    format!(
        "malformed cursor {:?}; pass the `next_cursor` of the previous answer unchanged",
        crate::text::plain(cursor)
    )
}

fn check(listing: &str) -> String {
    Sha256::digest(listing.as_bytes()).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_the_largest_page() {
        let size = |n: usize| 100 + n * 10;
        assert_eq!(largest_fitting(50, 1000, size), 50);
        assert_eq!(largest_fitting(500, 1000, size), 90);
        assert_eq!(largest_fitting(500, 105, size), 0);
        assert_eq!(largest_fitting(0, 50, size), 0);
    }

    #[test]
    fn cursors_round_trip_and_refuse_other_listings() {
        let c = cursor(24, "analyze|arn|2026|filter");
        assert_eq!(parse_cursor(&c, "analyze|arn|2026|filter"), Ok(24));
        assert!(parse_cursor(&c, "analyze|arn|2027|filter").unwrap_err().contains("another listing"));
        assert!(parse_cursor("x", "l").unwrap_err().contains("malformed"));
        assert!(parse_cursor("\u{1b}[31m.1", "l").unwrap_err().contains("malformed"));
    }

    #[test]
    fn size_counts_the_escaped_text() {
        assert_eq!(answer_size("a\nb", &serde_json::json!({"k": 1})), "\"a\\nb\"".len() + "{\"k\":1}".len());
    }
}
