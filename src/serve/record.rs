//! The `--record` file and its replay. One JSON object per line: first a header (the seed,
//! the service's start instant and the scenario files' texts, so that the file alone
//! rebuilds the service), then one line per request with the simulated instant at which it
//! took effect, the operation, the body, and the status and body of the response.
//! `replay` feeds the requests to a fresh service at the recorded instants and compares
//! every response byte for byte.
//!
//! Not here: writing the file (the HTTP edge appends the lines this module formats).

use serde::{Deserialize, Serialize};

use super::service::{Reply, Service};
use super::view::Instant;

/// The first line.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Header {
    /// Always `cdsim serve record 1`.
    pub format: String,
    /// `--seed`.
    pub seed: u64,
    /// The simulated instant at which the service started.
    pub started: Instant,
    /// `--speed`, for the reader's information: the instants carry the time.
    pub speed: String,
    /// (file name, text) of each `--scenario` file.
    pub scenarios: Vec<(String, String)>,
    /// The memory a deployment's simulation could need, in bytes, when the service started
    /// (`Service::memory_limit`): a replay refuses the same deployments. Absent: no bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<u64>,
}

/// The header's `format`.
pub const FORMAT: &str = "cdsim serve record 1";

/// One request and its response.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    /// The simulated instant at which the request took effect.
    pub at: Instant,
    /// The `X-Amz-Target` header.
    pub target: Option<String>,
    /// The request body (UTF-8; other bytes are replaced, as the service reads them).
    pub request: String,
    /// The response's HTTP status.
    pub status: u16,
    /// The response's body.
    pub response: String,
}

/// The header line, with its line break.
pub fn header_line(header: &Header) -> String {
    let mut s = serde_json::to_string(header).expect("serializes");
    s.push('\n');
    s
}

/// A request's line, with its line break.
pub fn entry_line(at: Instant, target: Option<&str>, request: &[u8], reply: &Reply) -> String {
    let entry = Entry {
        at,
        target: target.map(str::to_string),
        request: String::from_utf8_lossy(request).into_owned(),
        status: reply.status,
        response: reply.body.clone(),
    };
    let mut s = serde_json::to_string(&entry).expect("serializes");
    s.push('\n');
    s
}

/// What a replay found.
pub struct Replayed {
    /// Requests answered again.
    pub requests: usize,
    /// The first response that differs: (line number, recorded, replayed).
    pub mismatch: Option<(usize, String, String)>,
}

/// Replays a record file's text. `Err` for a file that is not a record (line: message).
pub fn replay(text: &str) -> Result<Replayed, String> {
    let mut lines = text.lines().enumerate();
    let (_, first) = lines.next().ok_or("1: the record is empty")?;
    let header: Header = serde_json::from_str(first).map_err(|e| format!("1: not a record header: {e}"))?;
    if header.format != FORMAT {
        return Err(format!("1: unknown record format \"{}\"", header.format));
    }
    let mut service = Service::new(header.seed, header.started, &header.scenarios)
        .map_err(|p| format!("1: a recorded scenario: {p}"))?;
    service.memory_limit = header.memory_limit;
    let mut requests = 0;
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_str(line).map_err(|e| format!("{}: not a record entry: {e}", i + 1))?;
        let reply = service.handle(entry.target.as_deref(), entry.request.as_bytes(), entry.at);
        requests += 1;
        if reply.status != entry.status || reply.body != entry.response {
            let recorded = format!("{} {}", entry.status, entry.response);
            let replayed = format!("{} {}", reply.status, reply.body);
            return Ok(Replayed {
                requests,
                mismatch: Some((i + 1, recorded, replayed)),
            });
        }
    }
    Ok(Replayed {
        requests,
        mismatch: None,
    })
}
