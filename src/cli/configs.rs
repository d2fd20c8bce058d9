//! `cdsim configs`.

use super::Failure;
use crate::config::predefined;
use crate::report::config::{ConfigInfo, configs_table};

pub fn configs(json: bool) -> Result<String, Failure> {
    let all = predefined::all();
    if json {
        let infos: Vec<ConfigInfo> = all.iter().map(ConfigInfo::from).collect();
        let mut s = serde_json::to_string_pretty(&infos).expect("serializes");
        s.push('\n');
        Ok(s)
    } else {
        Ok(configs_table(&all))
    }
}
