//! `cdsim schema`: the JSON Schema of scenario files.

use super::Failure;
use crate::scenario::raw::RawScenario;

pub fn schema() -> Result<String, Failure> {
    let schema = schemars::schema_for!(RawScenario);
    let mut s = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    s.push('\n');
    Ok(s)
}
