//! What CloudFormation and SAM templates share: the resources of a template, and the name a
//! Lambda function resource is deployed under.
//!
//! Not here: reading CodeDeploy's resources (`cloudformation`) or SAM's
//! `DeploymentPreference` (`sam`).

use super::document::Node;
use super::intrinsics::Context;
use super::model::Findings;

/// The resources of a template: (logical id, type, the resource).
pub fn resources(root: &Node) -> Vec<(&str, &str, &Node)> {
    root.get("Resources")
        .map(|r| {
            r.entries()
                .iter()
                .map(|(k, v)| (k.name.as_str(), v.get("Type").and_then(|t| t.as_str()).unwrap_or(""), v))
                .collect()
        })
        .unwrap_or_default()
}

/// The name a Lambda function resource is deployed under: its `FunctionName` when the
/// template gives it, else its logical id.
pub fn function_name(root: &Node, ctx: &Context, logical_id: &str, f: &mut Findings) -> String {
    let r = resources(root).into_iter().find(|(id, _, _)| *id == logical_id);
    r.and_then(|(_, _, res)| res.get("Properties"))
        .and_then(|p| p.get("FunctionName"))
        .and_then(|n| ctx.eval(n, f))
        .filter(|n| n.tag.is_none())
        .and_then(|n| n.scalar_text())
        .unwrap_or_else(|| logical_id.to_string())
}
