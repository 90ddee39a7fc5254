//! Day planning: travel times, the embedded route solver, the planner that maps
//! the office's words onto it, and engineers' iCalendar feeds.

pub mod ical;
pub mod planner;
pub mod solver;
pub mod travel;

/// How the planner runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingSettings {
    /// The time budget of one plan, in seconds.
    pub seconds: f64,
    /// Solver threads; 0 uses every core.
    pub threads: usize,
    /// A generation limit too (tests set one to make plans repeatable).
    pub generations: Option<usize>,
    pub travel: travel::TravelModel,
}

impl RoutingSettings {
    /// The solver limits for a plan with `seconds` (the request's, else the setting).
    pub fn limits(&self, seconds: Option<f64>) -> solver::Limits {
        let threads = if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        };
        solver::Limits {
            seconds: seconds.unwrap_or(self.seconds),
            generations: self.generations,
            threads,
        }
    }
}
