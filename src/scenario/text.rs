//! Text helpers of the scenario reader and validator (and of the AWS readers and flags):
//! durations written as text, and "did you mean" hints.
//!
//! Not here: the YAML reader (`scenario::raw`).

/// Parses a duration into seconds: the one grammar of every duration in scenario files and
/// flags. A plain number is seconds; otherwise one or more NUMBER UNIT terms, spaces
/// optional, case ignored: `ms`/`msec`/`millisecond(s)`, `s`/`sec(s)`/`second(s)`,
/// `m`/`min(s)`/`minute(s)`, `h`/`hr(s)`/`hour(s)`, `d`/`day(s)`: `90s`, `5m`, `1h 30m`,
/// `250ms`, `1.5h`, `20 minutes`, `1 hour 30 minutes`.
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
        let scale = match unit.to_ascii_lowercase().as_str() {
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 0.001,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86_400.0,
            _ => return None,
        };
        total += value * scale;
        rest = tail.trim_start();
    }
    Some(total)
}

/// The "did you mean" rule of every reader and flag (scenarios, AWS files, `--config`,
/// `explain`): the one or two candidates closest to `s` by edit distance, ignoring case, if
/// reasonably close (within a third of the candidate's length): `"A"`, or `"A or B"` when B
/// is nearly as close as A. A candidate named `CodeDeployDefault.X` is also matched by its
/// short name `X`, and `CodeDeployDefault.LambdaX` by `X` too, the form SAM's
/// `DeploymentPreference` uses (`Linear10PercentEvery1Minute`, `AllAtOnce`).
pub fn closest(s: &str, candidates: &[&str]) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let distance = |c: &str| {
        let full = c.to_ascii_lowercase();
        let short = full.strip_prefix("codedeploydefault.").unwrap_or(&full).to_string();
        let sam = short.strip_prefix("lambda").unwrap_or(&short).to_string();
        [full, short, sam]
            .into_iter()
            .map(|form| (edit_distance(&lower, &form), form.len()))
            .filter(|&(d, len)| d <= len / 3)
            .min()
    };
    let mut near: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|c| distance(c).map(|(d, _)| (d, *c)))
        .collect();
    near.sort();
    match near.as_slice() {
        [] => None,
        [(_, a)] => Some(a.to_string()),
        [(d1, a), (d2, b), ..] if *d2 <= 2 * d1 => Some(format!("{a} or {b}")),
        [(_, a), ..] => Some(a.to_string()),
    }
}

/// The one phrasing of a name that is not valid where it is written, in every reader:
/// `unknown field instancs (did you mean instances?)`, by [`closest`]; the valid names are
/// listed only when none is near (`unknown field zzz; the fields here are a, b`). `place`
/// follows the name (` of deploymentGroupInfo`, or empty).
pub fn unknown_name(noun: &str, name: &str, place: &str, valid: &[&str]) -> String {
    match closest(name, valid) {
        Some(near) => format!("unknown {noun} {name}{place} (did you mean {near}?)"),
        None if valid.is_empty() => format!("unknown {noun} {name}{place}"),
        None => format!(
            "unknown {noun} {name}{place}; the {noun}s here are {}",
            valid.join(", ")
        ),
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
        assert_eq!(parse_duration_text("20 minutes"), Some(1200.0));
        assert_eq!(parse_duration_text("1 hour 30 Minutes"), Some(5400.0));
        assert_eq!(parse_duration_text("1 second"), Some(1.0));
        assert_eq!(parse_duration_text("2 days"), Some(172_800.0));
        assert_eq!(parse_duration_text(""), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            closest("CodeDeployDefault.HalfAtOnce", &predefined::NAMES[..3]).as_deref(),
            Some("CodeDeployDefault.AllAtOnce or CodeDeployDefault.HalfAtATime")
        );
        assert_eq!(closest("zzz", &predefined::NAMES), None);
        // SAM's short names, exact or misspelt, find the predefined configuration.
        assert_eq!(
            closest("HalfAtATime", &predefined::NAMES).as_deref(),
            Some("CodeDeployDefault.HalfAtATime")
        );
        assert_eq!(
            closest("Linear10PercentEvery1Minutes", &predefined::NAMES).as_deref(),
            Some(
                "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes or CodeDeployDefault.LambdaLinear10PercentEvery1Minute"
            )
        );
        assert_eq!(
            closest("Canary10Percent5Minutes", &predefined::NAMES).as_deref(),
            Some("CodeDeployDefault.LambdaCanary10Percent5Minutes")
        );
        assert_eq!(
            closest("CodeDeployDefault.OneAtTime", &predefined::NAMES).as_deref(),
            Some("CodeDeployDefault.OneAtATime")
        );
    }
}
