//! `cdsim check`: validate only.

use std::path::Path;

use super::Failure;
use crate::scenario;

pub fn check(path: &Path) -> Result<String, Failure> {
    let s = scenario::load_file(path).map_err(|p| Failure(p.to_string()))?;
    Ok(format!(
        "{}: ok: scenario {:?}, {} instances, {}{}\n",
        path.display(),
        s.name,
        s.fleet.instances,
        s.deployment_config.name,
        if s.load_balancer.is_some() {
            ", with a load balancer"
        } else {
            ""
        }
    ))
}
