//! The scenario as the user wrote it, for `report.html`: its description and the sections
//! of its YAML that set the deployment configuration, the alarms, the rollback and a
//! history's requests, cut
//! from the text by their top-level keys so the page shows them exactly as written
//! (comments, spelling and order kept).
//!
//! Not here: reading the YAML (`scenario::raw`): a section is the lines from its key at
//! the start of a line to the next line that starts a top-level key, which is how every
//! block-style scenario is laid out. A file written in flow style (`{name: …, …}`) has
//! no such lines, and then no section is shown rather than a wrong one.

/// The scenario a report was simulated from, as written.
pub struct Written<'a> {
    /// The scenario's `description`, if it has one.
    pub description: Option<&'a str>,
    /// The scenario's YAML text: the file the user wrote, or the YAML `cdsim import`
    /// wrote from AWS files.
    pub text: &'a str,
}

/// The top-level keys whose sections the page shows, in the page's order: the
/// deployment configuration, then the alarms and what ends or rolls back the deployment,
/// then a history's requests.
pub const KEYS: &[&str] = &[
    "computePlatform",
    "deploymentConfigName",
    "deploymentConfig",
    "blueGreenDeploymentConfiguration",
    "alarmConfiguration",
    "autoRollbackConfiguration",
    "stopDeployment",
    "history",
];

impl<'a> Written<'a> {
    /// `scenario` as written in `text`.
    pub fn of(scenario: &'a crate::scenario::Scenario, text: &'a str) -> Written<'a> {
        Written {
            description: scenario.description.as_deref(),
            text,
        }
    }

    /// The sections of [`KEYS`] the text has, each as its lines as written (trailing
    /// blank and comment lines dropped), in the order of [`KEYS`].
    pub fn sections(&self) -> Vec<&str> {
        KEYS.iter().filter_map(|k| section(self.text, k)).collect()
    }
}

/// The block of top-level `key` in `text`: from its line to the line before the next
/// top-level key (or a document marker), trailing blank and comment lines dropped.
fn section<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let mut start = None;
    let mut end = text.len();
    let mut last_content_end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_end = offset + line.len();
        let trimmed = line.trim_end();
        if let Some(s) = start {
            if starts_top_level(trimmed) {
                end = last_content_end.max(s);
                break;
            }
            if !trimmed.trim_start().is_empty() && !trimmed.trim_start().starts_with('#') {
                last_content_end = offset + trimmed.len();
            }
        } else if key_of(trimmed) == Some(key) {
            start = Some(offset);
            last_content_end = offset + trimmed.len();
        }
        offset = line_end;
    }
    let s = start?;
    if end == text.len() {
        end = last_content_end;
    }
    Some(&text[s..end])
}

/// Whether a line ends the section before it: a top-level key or a document marker.
fn starts_top_level(line: &str) -> bool {
    key_of(line).is_some() || line.starts_with("---") || line.starts_with("...")
}

/// The top-level key a line starts, if it starts one.
fn key_of(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '"' || first == '\'') {
        return None;
    }
    let colon = line.find(':')?;
    let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
    let rest = &line[colon + 1..];
    (rest.is_empty() || rest.starts_with(' ')).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# A scenario\nname: x\ndeploymentConfigName: CodeDeployDefault.HalfAtATime\n\
fleet:\n  instances: 4\nalarmConfiguration:\n  alarms:\n    # the one alarm\n    - name: a\n\n# next\n\
autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}\nhistory:\n  - revision: v1\n  # a redeploy\n  - revision: v2\n    at: 5m\n";

    #[test]
    fn sections_are_cut_at_the_next_top_level_key() {
        let w = Written {
            description: None,
            text: TEXT,
        };
        assert_eq!(
            w.sections(),
            [
                "deploymentConfigName: CodeDeployDefault.HalfAtATime",
                "alarmConfiguration:\n  alarms:\n    # the one alarm\n    - name: a",
                "autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE]}",
                "history:\n  - revision: v1\n  # a redeploy\n  - revision: v2\n    at: 5m",
            ]
        );
    }

    #[test]
    fn a_key_inside_a_block_or_a_flow_document_is_no_section() {
        assert_eq!(section("fleet:\n  deploymentConfig: x\n", "deploymentConfig"), None);
        assert_eq!(
            section("{name: x, deploymentConfigName: y}\n", "deploymentConfigName"),
            None
        );
        assert_eq!(section("deploymentConfigNames: x\n", "deploymentConfigName"), None);
        assert_eq!(section("deploymentConfig:x\n", "deploymentConfig"), None);
    }
}
