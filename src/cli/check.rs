//! `cdsim check`: validate only.

use std::path::PathBuf;

use super::Failure;
use super::import::{self, ImportArgs};
use crate::report::text::count;
use crate::scenario::{Workload, blue_green::ShiftTarget};

pub fn check(files: &[PathBuf], args: &ImportArgs, as_json: bool) -> Result<String, Failure> {
    let loaded = import::load(files, args, false)?;
    eprint!("{}", loaded.warnings);
    let s = loaded.scenario;
    let shown: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let kind = if loaded.imported_yaml.is_some() {
        "imported scenario"
    } else {
        "scenario"
    };
    let what = match &s.workload {
        Workload::InPlace(ip) => format!(
            "{} in place{}",
            count(ip.fleet.instances, "instance"),
            if ip.load_balancer.is_some() {
                " behind a load balancer"
            } else {
                ""
            }
        ),
        Workload::Ec2BlueGreen(bg) => format!(
            "{} original and {}, blue/green behind a load balancer",
            bg.originals(),
            count(bg.replacements(), "replacement instance")
        ),
        Workload::BlueGreen(bg) => match &bg.target {
            ShiftTarget::Ecs(e) => format!(
                "ECS service {}:{}, {} per task set",
                e.cluster,
                e.service,
                count(e.tasks, "task")
            ),
            ShiftTarget::Lambda(f) => format!(
                "Lambda alias {}:{} from version {} to {}",
                f.function_name, f.alias, f.current_version, f.target_version
            ),
        },
    };
    if as_json {
        return Ok(super::json_line(&serde_json::json!({
            "files": shown,
            "ok": true,
            "kind": kind,
            "scenario": s.name,
            "computePlatform": s.deployment_config.compute_platform.api_name(),
            "deploymentConfigName": s.deployment_config.name,
            "deploysTo": what,
        })));
    }
    Ok(format!(
        "{}: ok: {kind} {}, {what}, {}\n",
        shown.join(", "),
        s.name,
        s.deployment_config.name
    ))
}
