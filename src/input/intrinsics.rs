//! A small evaluator for the CloudFormation intrinsic functions that real templates use
//! around CodeDeploy settings: `Ref`, `Fn::If` with the template's `Conditions`
//! (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), `Fn::Sub`,
//! `Fn::FindInMap`, `Fn::Join`, `Fn::Select`, in long form (`{"Fn::If": …}`) or short form
//! (`!If …`). Parameters take their `--parameter` value, else their `Default`.
//!
//! What cannot be known before deployment stays opaque: `Fn::GetAtt`, `Fn::ImportValue`,
//! `Fn::GetAZs`, pseudo parameters (`AWS::Region`). A `Ref` to a resource becomes the
//! resource's logical id, tagged [`RESOURCE_REF`], so a reader can look the resource up. A
//! parameter with neither a value nor a default is [`UNRESOLVED`]: a condition that
//! compares it is false (with a warning), and a name made from it is the parameter's name.
//!
//! Not here: what the values mean (`cloudformation`, `sam`).

use std::collections::{BTreeMap, BTreeSet};

use super::document::{Key, Node, Value};
use super::model::Findings;

/// Tag of a `Ref` to a template resource; the value is its logical id.
pub const RESOURCE_REF: &str = "!cdsim:resource";
/// Tag of a value known only once deployed (`Fn::GetAtt`, `Fn::ImportValue`, …).
pub const OPAQUE: &str = "!cdsim:opaque";
/// Tag of a value made from a parameter that has no value.
pub const UNRESOLVED: &str = "!cdsim:unresolved";

const MAX_DEPTH: usize = 64;

/// A template's parameters, conditions, mappings and resource names.
pub struct Context<'a> {
    params: BTreeMap<String, String>,
    unset: BTreeSet<String>,
    conditions: Option<&'a Node>,
    mappings: Option<&'a Node>,
    resources: BTreeSet<String>,
}

impl<'a> Context<'a> {
    /// `overrides` are `--parameter` values; an override for a parameter the template does
    /// not declare is a warning.
    pub fn new(root: &'a Node, overrides: &[(String, String)], f: &mut Findings) -> Context<'a> {
        let mut params = BTreeMap::new();
        let mut unset = BTreeSet::new();
        if let Some(p) = root.get("Parameters") {
            for (key, decl) in p.entries() {
                match decl.get("Default").and_then(|d| d.scalar_text()) {
                    Some(v) => {
                        params.insert(key.name.clone(), v);
                    }
                    None => {
                        unset.insert(key.name.clone());
                    }
                }
            }
        }
        for (k, v) in overrides {
            if !params.contains_key(k) && !unset.contains(k) {
                f.warn(
                    1,
                    1,
                    format!("--parameter {k}: the template declares no parameter \"{k}\""),
                );
            }
            unset.remove(k);
            params.insert(k.clone(), v.clone());
        }
        let resources = root
            .get("Resources")
            .map(|r| r.entries().iter().map(|(k, _)| k.name.clone()).collect())
            .unwrap_or_default();
        Context {
            params,
            unset,
            conditions: root.get("Conditions"),
            mappings: root.get("Mappings"),
            resources,
        }
    }

    /// The template parameter `node` refers to, when it is a `Ref` to one (before
    /// evaluation), with the value it takes.
    pub fn parameter_ref(&self, node: &Node) -> Option<(String, Option<&str>)> {
        let (name, arg) = intrinsic(node)?;
        let target = arg.scalar_text().filter(|_| name == "Ref")?;
        let value = self.params.get(&target).map(String::as_str);
        (value.is_some() || self.unset.contains(&target)).then_some((target, value))
    }

    /// `node` with every intrinsic function evaluated; `None` for `AWS::NoValue`.
    pub fn eval(&self, node: &Node, f: &mut Findings) -> Option<Node> {
        self.eval_at(node, f, 0)
    }

    fn eval_at(&self, node: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            f.error(
                node.line,
                node.column,
                "intrinsic functions nested too deeply (or a condition refers to itself)",
            );
            return Some(with(node, Value::Null, Some(OPAQUE)));
        }
        if let Some((name, arg)) = intrinsic(node) {
            return self.function(node, &name, &arg, f, depth + 1);
        }
        let value = match &node.value {
            Value::Seq(items) => Value::Seq(items.iter().filter_map(|i| self.eval_at(i, f, depth + 1)).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .filter_map(|(k, v)| self.eval_at(v, f, depth + 1).map(|v| (k.clone(), v)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Some(Node {
            value,
            line: node.line,
            column: node.column,
            tag: node.tag.clone().filter(|t| t.starts_with("!cdsim:")),
        })
    }

    fn function(&self, at: &Node, name: &str, arg: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        match name {
            "Ref" => {
                let target = arg.scalar_text().unwrap_or_default();
                Some(self.reference(at, &target))
            }
            "Fn::If" => self.fn_if(at, arg, f, depth),
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                Some(with(at, Value::Bool(self.condition_expr(at, f, depth)), None))
            }
            "Fn::Sub" => Some(self.sub(at, arg, f, depth)),
            "Fn::FindInMap" => self.find_in_map(at, name, arg, f, depth),
            "Fn::Join" => self.join(at, name, arg, f, depth),
            "Fn::Select" => self.select(at, name, arg, f, depth),
            "Fn::GetAtt" => Some(get_att(at, arg)),
            _ => Some(with(at, Value::Str(format!("({name})")), Some(OPAQUE))),
        }
    }

    /// `arg` evaluated, when it is a list of `n` values (function `name`'s arguments).
    fn args(&self, name: &str, arg: &Node, n: usize, f: &mut Findings, depth: usize) -> Option<Vec<Node>> {
        let items = self.eval_at(arg, f, depth)?.items().to_vec();
        if items.len() == n {
            Some(items)
        } else {
            f.error(
                arg.line,
                arg.column,
                format!("{name} takes a list of {n} values, found {}", arg.describe()),
            );
            None
        }
    }

    /// `Fn::If`: the value its condition chooses.
    fn fn_if(&self, at: &Node, arg: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        let items = arg.items();
        if items.len() != 3 {
            f.error(
                arg.line,
                arg.column,
                format!(
                    "Fn::If takes [condition, value if true, value if false], found {}",
                    arg.describe()
                ),
            );
            return Some(with(at, Value::Null, Some(OPAQUE)));
        }
        let cond = items[0].scalar_text().unwrap_or_default();
        let chosen = if self.condition(&items[0], &cond, f, depth) {
            &items[1]
        } else {
            &items[2]
        };
        self.eval_at(chosen, f, depth)
    }

    /// `Fn::FindInMap`: the value under three keys of `Mappings`.
    fn find_in_map(&self, at: &Node, name: &str, arg: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        let items = self.args(name, arg, 3, f, depth)?;
        let keys: Vec<String> = items.iter().map(|k| k.scalar_text().unwrap_or_default()).collect();
        let found = self
            .mappings
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match found {
            Some(v) => self.eval_at(v, f, depth),
            None => {
                if items.iter().any(|k| k.tag.as_deref() == Some(UNRESOLVED)) {
                    return Some(with(at, Value::Str(keys.join(".")), Some(UNRESOLVED)));
                }
                f.error(
                    at.line,
                    at.column,
                    format!("Fn::FindInMap: Mappings has no {}", keys.join(" → ")),
                );
                Some(with(at, Value::Null, Some(OPAQUE)))
            }
        }
    }

    /// `Fn::Join`: the parts' text joined by the separator.
    fn join(&self, at: &Node, name: &str, arg: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        let items = self.args(name, arg, 2, f, depth)?;
        let sep = items[0].scalar_text().unwrap_or_default();
        let parts: Vec<String> = items[1]
            .items()
            .iter()
            .map(|p| p.scalar_text().unwrap_or_default())
            .collect();
        let tag = items[1]
            .items()
            .iter()
            .find_map(|p| p.tag.clone().filter(|t| t != RESOURCE_REF));
        Some(with(at, Value::Str(parts.join(&sep)), tag.as_deref()))
    }

    /// `Fn::Select`: the list's item at the index, or an opaque value.
    fn select(&self, at: &Node, name: &str, arg: &Node, f: &mut Findings, depth: usize) -> Option<Node> {
        let items = self.args(name, arg, 2, f, depth)?;
        let i = items[0].scalar_text().and_then(|s| s.parse::<usize>().ok());
        match i.and_then(|i| items[1].items().get(i)) {
            Some(v) => Some(v.clone()),
            None => Some(with(at, Value::Str(at.describe()), Some(OPAQUE))),
        }
    }

    fn reference(&self, at: &Node, target: &str) -> Node {
        if target == "AWS::NoValue" {
            return with(at, Value::Null, Some(OPAQUE));
        }
        if let Some(v) = self.params.get(target) {
            return with(at, Value::Str(v.clone()), None);
        }
        if self.unset.contains(target) {
            return with(at, Value::Str(target.to_string()), Some(UNRESOLVED));
        }
        if self.resources.contains(target) {
            return with(at, Value::Str(target.to_string()), Some(RESOURCE_REF));
        }
        with(at, Value::Str(target.to_string()), Some(OPAQUE))
    }

    fn sub(&self, at: &Node, arg: &Node, f: &mut Findings, depth: usize) -> Node {
        let (template, vars) = match &arg.value {
            Value::Seq(items) if items.len() == 2 => (items[0].scalar_text().unwrap_or_default(), Some(&items[1])),
            _ => (arg.scalar_text().unwrap_or_default(), None),
        };
        let mut out = String::new();
        let mut tag: Option<&str> = None;
        let mut rest = template.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..j];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
            } else {
                let value = vars
                    .and_then(|v| v.get(name))
                    .and_then(|v| self.eval_at(v, f, depth))
                    .unwrap_or_else(|| self.reference(at, name.split('.').next().unwrap_or(name)));
                match value.tag.as_deref() {
                    Some(UNRESOLVED) => {
                        tag = Some(UNRESOLVED);
                        out.push_str(&format!("${{{name}}}"));
                    }
                    Some(OPAQUE) | Some(RESOURCE_REF) => {
                        tag = tag.or(Some(OPAQUE));
                        out.push_str(&format!("${{{name}}}"));
                    }
                    _ => out.push_str(&value.scalar_text().unwrap_or_default()),
                }
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        with(at, Value::Str(out), tag)
    }

    /// The named condition's value.
    fn condition(&self, at: &Node, name: &str, f: &mut Findings, depth: usize) -> bool {
        match self.conditions.and_then(|c| c.get(name)) {
            Some(c) => self.condition_expr(c, f, depth + 1),
            None => {
                f.error(
                    at.line,
                    at.column,
                    format!("no condition \"{name}\" in the template's Conditions"),
                );
                false
            }
        }
    }

    fn condition_expr(&self, node: &Node, f: &mut Findings, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            f.error(
                node.line,
                node.column,
                "conditions nested too deeply (or a condition refers to itself)",
            );
            return false;
        }
        let Some((name, arg)) = intrinsic(node).or_else(|| {
            node.get("Condition")
                .filter(|_| node.entries().len() == 1)
                .map(|c| ("Condition".to_string(), c.clone()))
        }) else {
            return match &node.value {
                Value::Bool(b) => *b,
                Value::Str(s) => s.eq_ignore_ascii_case("true"),
                _ => false,
            };
        };
        match name.as_str() {
            "Fn::Equals" => {
                let items = arg.items();
                if items.len() != 2 {
                    f.error(arg.line, arg.column, "Fn::Equals takes a list of two values");
                    return false;
                }
                let a = self.eval_at(&items[0], f, depth + 1);
                let b = self.eval_at(&items[1], f, depth + 1);
                let (Some(a), Some(b)) = (a, b) else { return false };
                for v in [&a, &b] {
                    if v.tag.as_deref() == Some(UNRESOLVED) {
                        f.warn(
                            v.line,
                            v.column,
                            format!(
                                "parameter {} has no Default and no --parameter value: Fn::Equals is taken as false",
                                v.scalar_text().unwrap_or_default()
                            ),
                        );
                        return false;
                    }
                }
                a.scalar_text() == b.scalar_text() && a.scalar_text().is_some()
            }
            "Fn::Not" => !arg
                .items()
                .first()
                .is_some_and(|c| self.condition_expr(c, f, depth + 1)),
            "Fn::And" => arg.items().iter().all(|c| self.condition_expr(c, f, depth + 1)),
            "Fn::Or" => arg.items().iter().any(|c| self.condition_expr(c, f, depth + 1)),
            "Condition" => {
                let n = arg.scalar_text().unwrap_or_default();
                self.condition(&arg, &n, f, depth + 1)
            }
            _ => {
                let v = self.eval_at(node, f, depth + 1);
                v.is_some_and(|v| {
                    v.value == Value::Bool(true) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
                })
            }
        }
    }
}

/// `(function name, argument)` if `node` is an intrinsic function, long or short form.
fn intrinsic(node: &Node) -> Option<(String, Node)> {
    if let Some(tag) = node.tag.as_deref().filter(|t| !t.starts_with("!cdsim:"))
        && let Some(short) = tag.strip_prefix('!')
    {
        let name = match short {
            "Ref" => "Ref".to_string(),
            "Condition" => "Condition".to_string(),
            other => format!("Fn::{other}"),
        };
        let mut arg = node.clone();
        arg.tag = None;
        return Some((name, arg));
    }
    match node.entries() {
        [(Key { name, .. }, arg)] if name == "Ref" || name.starts_with("Fn::") => Some((name.clone(), arg.clone())),
        _ => None,
    }
}

fn with(at: &Node, value: Value, tag: Option<&str>) -> Node {
    Node {
        value,
        line: at.line,
        column: at.column,
        tag: tag.map(str::to_string),
    }
}

/// `Fn::GetAtt`: an opaque value naming the resource and attribute.
fn get_att(at: &Node, arg: &Node) -> Node {
    let text = match &arg.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.scalar_text())
            .collect::<Vec<_>>()
            .join("."),
        _ => arg.scalar_text().unwrap_or_default(),
    };
    with(at, Value::Str(text), Some(OPAQUE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::document::read_yaml;

    fn eval(template: &str, expr: &str, params: &[(&str, &str)]) -> Node {
        let root = read_yaml(template).unwrap().root;
        let mut f = Findings::default();
        let overrides: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let ctx = Context::new(&root, &overrides, &mut f);
        let e = read_yaml(&format!("x: {expr}")).unwrap().root;
        ctx.eval(e.get("x").unwrap(), &mut f).unwrap()
    }

    const T: &str = "Parameters:\n  Stage: {Type: String, Default: beta}\n  Env: {Type: String}\nMappings:\n  M:\n    beta: {Type: Canary10Percent5Minutes}\nConditions:\n  IsProd: !Equals [!Ref Stage, prod]\n  EnvSet: !Not [!Equals [!Ref Env, x]]\nResources:\n  Cfg: {Type: AWS::CodeDeploy::DeploymentConfig}\n";

    #[test]
    fn refs_ifs_subs_and_maps() {
        assert_eq!(eval(T, "!Ref Stage", &[]).as_str(), Some("beta"));
        assert_eq!(eval(T, "!Ref Stage", &[("Stage", "prod")]).as_str(), Some("prod"));
        assert_eq!(eval(T, "!If [IsProd, A, B]", &[]).as_str(), Some("B"));
        assert_eq!(eval(T, "!If [IsProd, A, B]", &[("Stage", "prod")]).as_str(), Some("A"));
        assert_eq!(
            eval(T, "!Sub 'x-${Stage}-${!Lit}'", &[]).as_str(),
            Some("x-beta-${Lit}")
        );
        assert_eq!(eval(T, "{'Fn::Sub': ['a${N}', {N: b}]}", &[]).as_str(), Some("ab"));
        assert_eq!(
            eval(T, "!FindInMap [M, !Ref Stage, Type]", &[]).as_str(),
            Some("Canary10Percent5Minutes")
        );
        let r = eval(T, "{Ref: Cfg}", &[]);
        assert_eq!((r.as_str(), r.tag.as_deref()), (Some("Cfg"), Some(RESOURCE_REF)));
        assert_eq!(eval(T, "!GetAtt Cfg.Arn", &[]).tag.as_deref(), Some(OPAQUE));
        assert_eq!(eval(T, "!Ref Env", &[]).tag.as_deref(), Some(UNRESOLVED));
        // An unset parameter makes Fn::Equals false.
        assert_eq!(eval(T, "!If [EnvSet, A, B]", &[]).as_str(), Some("A"));
    }
}
