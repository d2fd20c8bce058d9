//! `nextToken` pagination of the List* operations: a list longer than a page is answered a
//! page at a time, with a `nextToken` naming where the next page starts. AWS does not
//! document its page sizes; cdsim answers [`PAGE_SIZE`] items per page.
//!
//! A token is `<operation>:<offset>`: deterministic (so a recorded session replays byte for
//! byte) and bound to the operation that made it. A token that is not one of these, or
//! points past the end of the list, answers `InvalidNextTokenException`. As with offsets in
//! general, an item added between two pages may shift the list by one.
//!
//! Not here: what is listed, or in which order (the operations decide).

use serde_json::{Value, json};

use super::error::ApiError;

/// The number of items in a page.
pub const PAGE_SIZE: usize = 100;

/// The page of `items` that `token` names (the first page without one), under `key`, with
/// the next page's `nextToken` when more follow.
pub fn page<T: serde::Serialize>(op: &str, key: &str, items: &[T], token: Option<&str>) -> Result<Value, ApiError> {
    let start = match token {
        None => 0,
        Some(t) => offset(op, t).filter(|&o| o < items.len()).ok_or_else(|| {
            ApiError::new(
                "InvalidNextTokenException",
                format!("The next token {t:?} is not valid"),
            )
        })?,
    };
    let end = (start + PAGE_SIZE).min(items.len());
    let mut out = json!({ key: &items[start..end] });
    if end < items.len() {
        out["nextToken"] = json!(format!("{op}:{end}"));
    }
    Ok(out)
}

/// The offset a token of `op` names.
fn offset(op: &str, token: &str) -> Option<usize> {
    let digits = token.strip_prefix(op)?.strip_prefix(':')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
