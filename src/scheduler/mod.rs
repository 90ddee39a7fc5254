//! Scheduled jobs: the same jobs run inside `serve` (tokio-cron-scheduler, in the
//! company's time zone) and once from `orderly tick [--at]` for system cron and tests.

pub mod generate;
pub mod overdue;
pub mod visit_reminders;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::config::Config;
use crate::error::AppError;
use crate::runtime::Runtime;
use crate::store::db::Outbox;
use crate::store::DbConnection;

pub use generate::{generate, GenerationReport};
pub use overdue::{remind_overdue, OverdueReport};
pub use visit_reminders::remind_visits;

/// Days a phone's request ids are remembered (a resend comes within days).
pub const REQUEST_IDS_KEPT_DAYS: i64 = 30;

/// The local day of `at` in the company's time zone.
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// What one run of every job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub generation: GenerationReport,
    pub overdue: OverdueReport,
    /// Day-before visit reminders written.
    pub visit_reminders: usize,
    /// "Would you recommend us" questions sent.
    pub surveys: usize,
}

/// The nightly job: maintenance reminders, then the office's overdue reminders.
pub fn run_nightly(
    conn: &mut DbConnection,
    outbox: &Outbox,
    at: DateTime<Utc>,
    config: &Config,
) -> Result<TickReport, AppError> {
    let today = local_day(at, config.timezone);
    let generation = generate(conn, outbox, today, &config.messaging)?;
    tracing::info!(
        plans = generation.plans,
        reminders = generation.reminders,
        "maintenance reminders generated"
    );
    let overdue = remind_overdue(conn, at, today, config.certify_within_days)?;
    tracing::info!(
        visits = overdue.overdue_visits,
        not_certified = overdue.not_certified,
        "overdue work reminded"
    );
    let forgotten = crate::store::visit_files::forget_requests_before(
        conn,
        at.naive_utc() - chrono::Duration::days(REQUEST_IDS_KEPT_DAYS),
    )?;
    tracing::info!(forgotten, "old phone request ids forgotten");
    let forgotten = crate::store::login_failures::forget_before(
        conn,
        at.naive_utc() - chrono::Duration::days(1),
        at.naive_utc(),
    )?;
    tracing::info!(forgotten, "old failed sign-in counts forgotten");
    let forgotten = crate::store::devices::forget_signatures_before(
        conn,
        None,
        at.naive_utc() - crate::flow::devices::signatures_kept(),
    )?;
    tracing::info!(forgotten, "old device request signatures forgotten");
    Ok(TickReport {
        generation,
        overdue,
        visit_reminders: 0,
        surveys: 0,
    })
}

/// The evening job: tomorrow's visits are reminded to their customers.
pub fn run_evening(
    conn: &mut DbConnection,
    outbox: &Outbox,
    at: DateTime<Utc>,
    config: &Config,
) -> Result<usize, AppError> {
    let n = remind_visits(conn, outbox, &config.messaging, at)?;
    tracing::info!(visits = n, "tomorrow's visits reminded");
    let undecided = crate::flow::self_scheduling::remind_undecided(conn, outbox, config, at)?;
    tracing::info!(orders = undecided, "customers reminded to choose a time");
    Ok(n)
}

/// The survey job: "would you recommend us" to recently served customers.
pub fn run_surveys(
    conn: &mut DbConnection,
    outbox: &Outbox,
    at: DateTime<Utc>,
    config: &Config,
) -> Result<usize, AppError> {
    let n = crate::flow::surveys::ask(conn, outbox, at, config)?;
    tracing::info!(customers = n, "satisfaction surveys sent");
    Ok(n)
}

/// Every job once, as of `at` (`orderly tick`).
pub fn run_all(
    conn: &mut DbConnection,
    outbox: &Outbox,
    at: DateTime<Utc>,
    config: &Config,
) -> Result<TickReport, AppError> {
    let mut report = run_nightly(conn, outbox, at, config)?;
    report.visit_reminders = run_evening(conn, outbox, at, config)?;
    report.surveys = run_surveys(conn, outbox, at, config)?;
    Ok(report)
}

/// Lets a daily job run once per local day.
///
/// The cron library fires a second time on the spring-forward day in some zones
/// (Europe/Kyiv: 02:00 EET and again 04:00 EEST on 29 March 2026); the guard keeps
/// each daily job to exactly one run a day, DST or not.
#[derive(Debug, Default)]
pub struct DailyGuard(std::sync::Mutex<Option<NaiveDate>>);

impl DailyGuard {
    /// True the first time it is asked for a day.
    pub fn claim(&self, day: NaiveDate) -> bool {
        let mut last = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if *last == Some(day) {
            return false;
        }
        *last = Some(day);
        true
    }
}

type JobFn = fn(&mut DbConnection, &Outbox, DateTime<Utc>, &Config) -> Result<(), AppError>;

/// A daily job as a closure the scheduler can call: it runs once per local day
/// (see [`DailyGuard`]) on the blocking pool, and logs a failure.
fn daily(
    runtime: Runtime,
    name: &'static str,
    job: JobFn,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Clone {
    let guard = std::sync::Arc::new(DailyGuard::default());
    move || {
        let runtime = runtime.clone();
        let guard = guard.clone();
        Box::pin(async move {
            let now = Utc::now();
            if !guard.claim(local_day(now, runtime.config().timezone)) {
                tracing::info!(job = name, "already ran today; skipped a second firing");
                return;
            }
            let config = runtime.config();
            let ran = runtime
                .db_sending(move |conn, outbox| job(conn, outbox, now, &config))
                .await;
            runtime.metrics.scheduler_run(name, ran.is_ok());
            if let Err(e) = ran {
                tracing::error!(job = name, error = %e, "scheduled job failed");
            }
        })
    }
}

/// Starts the jobs inside the server, and runs the nightly one once at start-up.
pub async fn start(runtime: Runtime) -> Result<Option<JobScheduler>, String> {
    let nightly = daily(runtime.clone(), "generation", |c, outbox, at, cfg| {
        run_nightly(c, outbox, at, cfg).map(|_| ())
    });
    let evening = daily(runtime.clone(), "visit reminders", |c, outbox, at, cfg| {
        run_evening(c, outbox, at, cfg).map(|_| ())
    });
    let surveys = daily(runtime.clone(), "surveys", |c, outbox, at, cfg| {
        run_surveys(c, outbox, at, cfg).map(|_| ())
    });
    actix_web::rt::spawn(nightly());
    let jobs = [
        (
            "ORDERLY_GENERATION_CRON",
            runtime.config().generation_cron.clone(),
            nightly.clone(),
        ),
        (
            "ORDERLY_VISIT_REMINDER_CRON",
            runtime.config().visit_reminder_cron.clone(),
            evening.clone(),
        ),
        (
            "ORDERLY_SURVEY_CRON",
            runtime.config().survey_cron.clone(),
            surveys.clone(),
        ),
    ];
    if jobs.iter().all(|(_, cron, _)| cron.trim().is_empty()) {
        tracing::info!("every job's cron is empty: no scheduled jobs");
        return Ok(None);
    }
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    for (setting, cron, run) in jobs {
        if cron.trim().is_empty() {
            tracing::info!("{setting} is empty: that job is off");
            continue;
        }
        let job = Job::new_async_tz(cron.as_str(), runtime.config().timezone, move |_, _| run())
            .map_err(|e| format!("{setting}: {e}"))?;
        scheduler
            .add(job)
            .await
            .map_err(|e| format!("scheduler: {e}"))?;
        tracing::info!(%cron, timezone = %runtime.config().timezone, "{setting}: job scheduled");
    }
    scheduler
        .start()
        .await
        .map_err(|e| format!("scheduler: {e}"))?;
    Ok(Some(scheduler))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::cron::{check_cron, parser, DEFAULT_GENERATION_CRON};
    use chrono::TimeZone;

    /// Local days on which a daily job runs, through the guard, from an instant on.
    fn firing_days(expr: &str, tz: Tz, from: DateTime<Utc>, days: usize) -> Vec<NaiveDate> {
        let cron = parser().parse(expr).unwrap();
        let guard = DailyGuard::default();
        cron.iter_after(from.with_timezone(&tz))
            .map(|t| t.date_naive())
            .filter(|day| guard.claim(*day))
            .take(days)
            .collect()
    }

    #[test]
    fn each_job_runs_once_on_dst_days() {
        let tz: Tz = "Europe/Kyiv".parse().unwrap();
        // Spring forward (29 March 2026, 03:00 → 04:00) and fall back (25 October 2026, 04:00 → 03:00).
        for (expr, start) in [
            (
                "0 0 2 * * *",
                Utc.with_ymd_and_hms(2026, 3, 27, 12, 0, 0).unwrap(),
            ),
            (
                "0 30 3 * * *",
                Utc.with_ymd_and_hms(2026, 3, 27, 12, 0, 0).unwrap(),
            ),
            (
                "0 30 3 * * *",
                Utc.with_ymd_and_hms(2026, 10, 23, 12, 0, 0).unwrap(),
            ),
            (
                "0 0 2 * * *",
                Utc.with_ymd_and_hms(2026, 10, 23, 12, 0, 0).unwrap(),
            ),
        ] {
            let days = firing_days(expr, tz, start, 5);
            let mut unique = days.clone();
            unique.dedup();
            assert_eq!(days, unique, "{expr} from {start}: {days:?}");
            assert_eq!(days.len(), 5);
            for pair in days.windows(2) {
                assert_eq!(
                    (pair[1] - pair[0]).num_days(),
                    1,
                    "{expr}: a day skipped in {days:?}"
                );
            }
        }
    }

    #[test]
    fn cron_settings_are_checked() {
        assert!(check_cron("X", "").is_ok());
        assert!(check_cron("X", DEFAULT_GENERATION_CRON).is_ok());
        assert!(check_cron("X", "every night").is_err());
        assert!(
            check_cron("X", "0 2 * * *").is_err(),
            "seconds are required"
        );
    }
}
