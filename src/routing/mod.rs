//! Day planning: travel times, the embedded route solver, and engineers' calendars.

pub mod solver;
pub mod travel;
