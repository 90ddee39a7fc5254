//! The search's random choices from a seed of our choosing: the solver crate's
//! own generator has one fixed seed, so the benchmark could not show how much a
//! plan depends on luck. SplitMix64 behind an atomic: a handful of lines, shared
//! by the search's threads (with one thread the sequence, and so the plan, repeats).

use std::sync::atomic::{AtomicU64, Ordering};

use vrp_pragmatic::core::rosomaxa::utils::{Float, Random, RandomGen};

/// Random choices drawn from `seed`.
pub struct Seeded {
    state: AtomicU64,
}

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): one step of the state, mixed.
    fn next(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&self) -> Float {
        (self.next() >> 11) as Float / (1u64 << 53) as Float
    }
}

impl Random for Seeded {
    fn uniform_int(&self, min: i32, max: i32) -> i32 {
        if min >= max {
            return min;
        }
        let span = (i64::from(max) - i64::from(min) + 1) as u64;
        (i64::from(min) + (self.next() % span) as i64) as i32
    }

    fn uniform_real(&self, min: Float, max: Float) -> Float {
        if min >= max {
            return min;
        }
        min + (max - min) * self.unit()
    }

    fn is_head_not_tails(&self) -> bool {
        self.next() & 1 == 1
    }

    fn is_hit(&self, probability: Float) -> bool {
        self.unit() < probability.clamp(0., 1.)
    }

    fn weighted(&self, weights: &[usize]) -> usize {
        // As the crate's own: the smallest of exponential samples with the weights as rates.
        weights
            .iter()
            .enumerate()
            .map(|(i, &w)| (-(1.0 - self.unit()).ln() / w.max(1) as Float, i))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(0, |(_, i)| i)
    }

    /// Shuffles inside the crate take its thread-local generator (fixed seed), which
    /// a `Random` cannot replace; the choices above are the search's own.
    fn get_rng(&self) -> RandomGen {
        RandomGen::new_repeatable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_its_own_sequence_in_range() {
        let draw = |seed| {
            let r = Seeded::new(seed);
            (0..50).map(|_| r.uniform_int(3, 9)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        assert!(draw(7).iter().all(|v| (3..=9).contains(v)));
        let r = Seeded::new(5);
        assert!((0..1000).all(|_| (0.0..1.0).contains(&r.uniform_real(0.0, 1.0))));
        assert_eq!(r.weighted(&[0, 0, 1_000_000]), 2);
    }
}
