//! What CloudFormation and SAM templates share: the resources of a template, and the name a
//! Lambda function resource is deployed under.
//!
//! Not here: reading CodeDeploy's resources (`cloudformation`) or SAM's
//! `DeploymentPreference` (`sam`).

use super::document::Node;
use super::intrinsics::{Context, RESOURCE_REF};
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
/// template gives it as text (a `!Sub` keeps what is known only once deployed as written:
/// `${AWS::StackName}-pre`), else its logical id.
pub fn function_name(root: &Node, ctx: &Context, logical_id: &str, f: &mut Findings) -> String {
    let r = resources(root).into_iter().find(|(id, _, _)| *id == logical_id);
    r.and_then(|(_, _, res)| res.get("Properties"))
        .and_then(|p| p.get("FunctionName"))
        .and_then(|n| ctx.eval(n, f))
        .filter(|n| n.tag.as_deref() != Some(RESOURCE_REF))
        .and_then(|n| n.scalar_text())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| logical_id.to_string())
}

/// The function a hook names, evaluated: a `Ref` to a function resource, or text that is
/// a Lambda function resource's logical id, is that function's deployed name
/// ([`function_name`]); other text is the name as written. `None` when it is no text.
pub fn hook_function(root: &Node, ctx: &Context, hook: &Node, f: &mut Findings) -> Option<String> {
    let text = hook.scalar_text()?;
    let is_function = resources(root)
        .iter()
        .any(|(id, kind, _)| *id == text && matches!(*kind, "AWS::Serverless::Function" | "AWS::Lambda::Function"));
    if hook.tag.as_deref() == Some(RESOURCE_REF) || (hook.tag.is_none() && is_function) {
        Some(function_name(root, ctx, &text, f))
    } else {
        Some(text)
    }
}
