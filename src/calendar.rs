//! Calendar time: timestamps of recorded CloudWatch data, as milliseconds since the Unix epoch: ISO 8601
//! with an offset (`2026-03-03T10:00:00Z`, `…+00:00`, as the AWS CLI prints them), ISO 8601
//! without one (read as UTC \[I\]), or a number of seconds since the epoch (milliseconds
//! when it is 10¹¹ or more, which as seconds would be after the year 5000 \[I\]).
//!
//! Vocabulary shared by the readers of recorded data and the reports of replays; the one
//! home of `jiff`. Not here: what a timestamp belongs to (the readers).

use std::str::FromStr;

/// Numbers at or above this are milliseconds since the epoch.
const MILLIS_FROM: f64 = 1e11;

/// A timestamp written as text.
pub fn parse_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<f64>() {
        return from_number(n);
    }
    if let Ok(t) = jiff::Timestamp::from_str(text) {
        return Some(t.as_millisecond());
    }
    let civil = jiff::civil::DateTime::from_str(text).ok()?;
    jiff::tz::TimeZone::UTC
        .to_timestamp(civil)
        .ok()
        .map(|t| t.as_millisecond())
}

/// A timestamp written as a number: seconds, or milliseconds from 10¹¹.
pub fn from_number(n: f64) -> Option<i64> {
    if !(0.0..1e15).contains(&n) {
        return None;
    }
    let ms = if n >= MILLIS_FROM { n } else { n * 1000.0 };
    Some(ms.round() as i64)
}

/// `2026-03-03T10:00:00Z`, for reports.
pub fn format(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(|_| format!("{ms} ms"), |t| t.to_string())
}
