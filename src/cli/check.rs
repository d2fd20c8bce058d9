//! `cdsim check`: validate only.

use std::path::Path;

use super::Failure;
use crate::scenario::{self, Workload, blue_green::ShiftTarget};

pub fn check(path: &Path) -> Result<String, Failure> {
    let s = scenario::load_file(path).map_err(|p| Failure(p.to_string()))?;
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
        "{}: ok: scenario {:?}, {what}, {}\n",
        path.display(),
        s.name,
        s.deployment_config.name
    ))
}
