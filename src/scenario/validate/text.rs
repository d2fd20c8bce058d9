//! Text helpers of the validator: durations written as text, and "did you mean" hints.
//!
//! Not here: the YAML reader (`scenario::raw`).

/// Parses `90s`, `5m`, `1h 30m`, `250ms`, `1.5h` into seconds.
pub fn parse_duration_text(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(s) = t.parse::<f64>() {
        return Some(s);
    }
    let mut total = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (num, tail) = rest.split_at(num_end);
        let value: f64 = num.parse().ok()?;
        let tail = tail.trim_start();
        let unit_end = tail.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let scale = match unit {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hrs" => 3600.0,
            "d" => 86_400.0,
            _ => return None,
        };
        total += value * scale;
        rest = tail.trim_start();
    }
    Some(total)
}

/// The "did you mean" rule of every reader (scenarios and AWS files alike): the one or two
/// candidates closest to `s` by edit distance, ignoring case, if reasonably close (within a
/// third of the candidate's length): `"A"`, or `"A or B"` when B is nearly as close as A.
pub(crate) fn closest(s: &str, candidates: &[&str]) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let mut near: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|&(d, c)| d <= c.len() / 3)
        .collect();
    near.sort();
    match near.as_slice() {
        [] => None,
        [(_, a)] => Some(a.to_string()),
        [(d1, a), (d2, b), ..] if *d2 <= 2 * d1 => Some(format!("{a} or {b}")),
        [(_, a), ..] => Some(a.to_string()),
    }
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::predefined;

    #[test]
    fn duration_text() {
        assert_eq!(parse_duration_text("90s"), Some(90.0));
        assert_eq!(parse_duration_text("1h 30m"), Some(5400.0));
        assert_eq!(parse_duration_text("250ms"), Some(0.25));
        assert_eq!(parse_duration_text("12"), Some(12.0));
        assert_eq!(parse_duration_text("5 parsecs"), None);
        assert_eq!(parse_duration_text(""), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("CodeDeployDefault.HalfAtOnce", &predefined::NAMES[..3]).as_deref(),
            Some("CodeDeployDefault.AllAtOnce or CodeDeployDefault.HalfAtATime")
        );
        assert_eq!(closest("zzz", &predefined::NAMES), None);
        assert_eq!(
            closest("CodeDeployDefault.OneAtTime", &predefined::NAMES).as_deref(),
            Some("CodeDeployDefault.OneAtATime")
        );
    }
}
