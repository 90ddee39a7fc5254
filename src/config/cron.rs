//! Cron expressions of the scheduled jobs, checked when the settings are read.

use croner::parser::{CronParser, Seconds};

/// The default schedule of the generation job: daily at 02:00, company time.
pub const DEFAULT_GENERATION_CRON: &str = "0 0 2 * * *";

/// Checks a six-field cron expression (seconds first); empty means "off".
pub fn check_cron(setting: &str, expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Ok(());
    }
    parser().parse(expr).map(|_| ()).map_err(|e| {
        format!(
            "{setting}: `{expr}` is not a cron expression with seconds (e.g. \"0 0 2 * * *\"): {e}"
        )
    })
}

/// The parser every job's schedule goes through: six fields, seconds first.
pub fn parser() -> CronParser {
    CronParser::builder().seconds(Seconds::Required).build()
}
