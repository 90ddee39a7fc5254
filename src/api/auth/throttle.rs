//! Sign-in throttling: growing delays per (account, address) and per address,
//! never a lock on the account itself.
//!
//! A lock on the account alone let anyone lock out the owner by typing five
//! wrong passwords for the owner's e-mail. Here, failures count against the
//! pair (this account from this address) and the address: an attacker slows
//! only themselves, and the owner signing in from another address is not
//! touched. Past its allowance a key waits 15 s, then twice as long at every
//! further failure, up to the window. The counts live in the database, so every
//! instance behind a load balancer applies the same ones.

use chrono::{Duration, NaiveDateTime};

use crate::error::AppError;
use crate::store::{login_failures, DbConnection};

/// The first wait once a key's allowance is spent.
const FIRST_DELAY_SECS: i64 = 15;
/// An address may fail this many times the allowance of one pair.
const ADDRESS_MULTIPLIER: u32 = 10;

/// How sign-ins are throttled: the failures one pair is allowed, and the
/// window they are counted in (also the longest wait).
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    pub max_failures: u32,
    pub window: std::time::Duration,
}

/// The wait after `failures` failures of a key allowed `allowed` of them: none
/// within the allowance, then 15 s doubling at every failure, at most `longest`.
pub fn delay(failures: u32, allowed: u32, longest: Duration) -> Option<Duration> {
    let over = failures.checked_sub(allowed)?;
    let secs = FIRST_DELAY_SECS.saturating_mul(1i64 << over.min(30));
    Some(Duration::seconds(secs).min(longest))
}

impl LoginThrottle {
    fn keys(account: &str, address: &str) -> [(String, u32); 2] {
        [
            (format!("pair:{account}|{address}"), 1),
            (format!("address:{address}"), ADDRESS_MULTIPLIER),
        ]
    }

    fn window(&self) -> Duration {
        Duration::from_std(self.window).unwrap_or(Duration::minutes(15))
    }

    /// 429 with the seconds to wait, when this account from this address (or
    /// this address at all) must wait at `at`.
    pub fn check(
        &self,
        conn: &mut DbConnection,
        account: &str,
        address: &str,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let keys: Vec<String> = Self::keys(account, address)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        match login_failures::blocked_until(conn, &keys, at)? {
            Some(until) => Err(AppError::TooManyRequests {
                retry_after_secs: (until - at).num_seconds().max(1) as u64,
            }),
            None => Ok(()),
        }
    }

    /// Counts a failed sign-in of the account from the address.
    pub fn failed(
        &self,
        conn: &mut DbConnection,
        account: &str,
        address: &str,
        at: NaiveDateTime,
    ) -> Result<(), AppError> {
        let window = self.window();
        for (key, multiplier) in Self::keys(account, address) {
            let allowed = self.max_failures.saturating_mul(multiplier);
            login_failures::record(conn, &key, at, window, |n| {
                delay(n, allowed, window).map(|d| at + d)
            })?;
        }
        Ok(())
    }

    /// Forgets the pair's failures after a good sign-in; the address's stay.
    pub fn succeeded(
        &self,
        conn: &mut DbConnection,
        account: &str,
        address: &str,
    ) -> Result<(), AppError> {
        login_failures::clear(conn, &Self::keys(account, address)[0].0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_from_the_allowance_to_the_window() {
        let longest = Duration::minutes(15);
        assert_eq!(delay(4, 5, longest), None);
        assert_eq!(delay(5, 5, longest), Some(Duration::seconds(15)));
        assert_eq!(delay(6, 5, longest), Some(Duration::seconds(30)));
        assert_eq!(delay(8, 5, longest), Some(Duration::seconds(120)));
        assert_eq!(delay(12, 5, longest), Some(longest));
        assert_eq!(delay(u32::MAX, 5, longest), Some(longest));
    }
}
