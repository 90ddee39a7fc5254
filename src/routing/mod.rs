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
    /// Map tiles under the routes drawn in the office; none draws the routes alone.
    pub tiles: Option<MapTiles>,
}

/// A tile server (`https://tile.example/{z}/{x}/{y}.png`) and the credit its
/// licence asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct MapTiles {
    pub url: String,
    pub attribution: String,
}

impl MapTiles {
    /// The scheme and host tiles come from, for the pages' security policy.
    pub fn origin(&self) -> &str {
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        let end = self.url[after_scheme..]
            .find('/')
            .map_or(self.url.len(), |i| after_scheme + i);
        &self.url[..end]
    }

    /// One tile's address.
    pub fn tile(&self, z: u32, x: i64, y: i64) -> String {
        self.url
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }
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
            seed: None,
        }
    }
}
