//! `cdsim check`: validate only.

use std::path::PathBuf;

use super::Failure;
use super::import::{self, ImportArgs};
use crate::scenario::{Workload, blue_green::ShiftTarget};

pub fn check(files: &[PathBuf], args: &ImportArgs) -> Result<String, Failure> {
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
            "{} instances in place{}",
            ip.fleet.instances,
            if ip.load_balancer.is_some() {
                " behind a load balancer"
            } else {
                ""
            }
        ),
        Workload::Ec2BlueGreen(bg) => format!(
            "{} original and {} replacement instances, blue/green behind a load balancer",
            bg.originals(),
            bg.replacements()
        ),
        Workload::BlueGreen(bg) => match &bg.target {
            ShiftTarget::Ecs(e) => format!(
                "ECS service {}:{}, {} tasks per task set",
                e.cluster, e.service, e.tasks
            ),
            ShiftTarget::Lambda(f) => format!(
                "Lambda alias {}:{} from version {} to {}",
                f.function_name, f.alias, f.current_version, f.target_version
            ),
        },
    };
    Ok(format!(
        "{}: ok: {kind} {:?}, {what}, {}\n",
        shown.join(", "),
        s.name,
        s.deployment_config.name
    ))
}
