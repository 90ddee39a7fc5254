//! Login throttling: repeated failures for one account or one address answer 429.
//!
//! Kept in memory per instance: behind a load balancer of N instances an attacker
//! gets at most N times the allowance, still far too few guesses to matter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

/// Counts failed logins per key (`account:…`, `address:…`) within a window.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

/// Entries kept before old ones are swept, so a flood of addresses cannot grow memory.
const SWEEP_AT: usize = 10_000;

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The seconds to wait when any key is locked now.
    pub fn locked(&self, keys: &[(String, u32)]) -> Option<u64> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|(k, _)| entries.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs().max(1))
            .max()
    }

    /// Counts a failure against each key; a key locks at its own limit
    /// (the key's multiplier times the configured maximum).
    pub fn record_failure(&self, keys: &[(String, u32)]) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() > SWEEP_AT {
            let window = self.window;
            entries.retain(|_, e| {
                now.duration_since(e.first_failure) < window
                    || e.locked_until.is_some_and(|u| u > now)
            });
        }
        for (key, multiplier) in keys {
            let entry = entries.entry(key.clone()).or_insert(Entry {
                failures: 0,
                first_failure: now,
                locked_until: None,
            });
            if now.duration_since(entry.first_failure) > self.window {
                *entry = Entry {
                    failures: 0,
                    first_failure: now,
                    locked_until: None,
                };
            }
            entry.failures += 1;
            if entry.failures >= self.max_failures.saturating_mul(*multiplier) {
                entry.locked_until = Some(now + self.window);
            }
        }
    }

    /// Forgets an account's failures after a good login.
    pub fn record_success(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_success_clears() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let keys = vec![("account:a".to_string(), 1), ("address:1".to_string(), 10)];
        t.record_failure(&keys);
        t.record_failure(&keys);
        assert!(t.locked(&keys).is_none());
        t.record_failure(&keys);
        assert!(t.locked(&keys).unwrap() >= 59);
        let other = vec![("account:b".to_string(), 1), ("address:1".to_string(), 10)];
        assert!(
            t.locked(&other).is_none(),
            "the address allows ten times as many"
        );
        t.record_success("account:b");
        assert!(
            t.locked(&keys).is_some(),
            "a lock is not lifted by another account's success"
        );
    }
}
