//! `cdsim serve` and `cdsim replay`: the command-line side of the local CodeDeploy
//! endpoint (`crate::serve`): reading the scenario and record files, printing the address.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::{Failure, budget, memory};
use crate::serve::http::{self, Options, Speed};
use crate::serve::record::{self, Header};
use crate::serve::service::Service;

/// `cdsim serve`.
pub fn serve(
    listen: SocketAddr,
    speed: &str,
    seed: u64,
    scenarios: &[PathBuf],
    record_to: Option<PathBuf>,
) -> Result<String, Failure> {
    let speed_value = Speed::parse(speed).ok_or_else(|| {
        Failure(format!(
            "--speed: expected a positive number or `max`, found \"{speed}\""
        ))
    })?;
    let mut texts = Vec::new();
    for path in scenarios {
        let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        texts.push((path.display().to_string(), text));
    }
    let started = http::wall_epoch_millis();
    let mut service = Service::new(seed, started, &texts).map_err(|p| Failure(p.to_string()))?;
    // The clients' deployments are refused beyond the memory the process may use now.
    service.memory_limit = memory::available().map(|(bytes, _)| bytes);
    // A deployment is simulated when a client creates it: one beyond the budgets would hold
    // the endpoint for minutes, so the scenarios are refused now, as `run` refuses them.
    for (path, text) in &texts {
        let scenario = crate::scenario::load_str(text, path).map_err(|p| Failure(p.to_string()))?;
        memory::check(&scenario, path, 1)?;
        budget::check(&scenario, path)?;
    }
    let header = Header {
        format: record::FORMAT.to_string(),
        seed,
        started,
        speed: speed.to_string(),
        scenarios: texts,
        memory_limit: service.memory_limit,
    };
    let options = Options {
        listen,
        speed: speed_value,
        record: record_to,
    };
    let announce = |addr: SocketAddr| {
        let mut out = std::io::stdout();
        // The first line names the address: scripts and tests read the port from it.
        let _ = writeln!(
            out,
            "cdsim serve listening on http://{addr} (speed {speed}, seed {seed})"
        );
        let _ = out.flush();
    };
    http::serve(options, service, &header, announce).map_err(|e| Failure(format!("cdsim serve: {e}")))?;
    Ok(String::new())
}

/// `cdsim replay FILE`.
pub fn replay(path: &Path, as_json: bool) -> Result<String, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let replayed = record::replay(&text).map_err(|e| Failure(format!("{}:{e}", path.display())))?;
    match replayed.mismatch {
        None if as_json => Ok(super::json_line(&serde_json::json!({
            "responses": replayed.requests,
            "reproduced": true,
        }))),
        None => Ok(format!(
            "{} reproduced byte for byte\n",
            crate::report::text::count(replayed.requests as u64, "response")
        )),
        Some((line, recorded, again)) => Err(Failure(format!(
            "{}:{line}: the response differs\n  recorded: {recorded}\n  replayed: {again}",
            path.display()
        ))),
    }
}
