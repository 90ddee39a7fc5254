//! Whose address a request comes from, for the login throttle and the logs.
//!
//! `X-Forwarded-For` is written by whoever sends the request: believed blindly,
//! it lets an attacker rotate addresses past the throttle or lock out someone
//! else's. It is read only when the peer is a configured proxy, from the right,
//! skipping the proxies' own hops: the first address no proxy of ours vouches
//! for is the client's.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

use crate::api::state::AppState;

/// The client's address: the peer's, or what a trusted proxy says it is.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut last = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => last = ip,
            Ok(ip) => return Some(ip),
            // A hop that is not an address ends what can be believed.
            Err(_) => break,
        }
    }
    Some(last)
}

/// The client's address of a request, as text; `unknown` without a peer.
pub fn of_request(req: &HttpRequest, state: &AppState) -> String {
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    client_ip(
        req.peer_addr().map(|a| a.ip()),
        forwarded,
        &state.config().trusted_proxies,
    )
    .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_without_trusted_proxies() {
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), &[]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_from_the_right() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // The client forged the first entry; the proxy appended the real one.
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.2")),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.5"),
                &trusted
            ),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), None, &trusted),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("junk, 10.0.0.9"), &trusted),
            Some(ip("10.0.0.9"))
        );
        // An untrusted peer's header counts for nothing.
        assert_eq!(
            client_ip(Some(ip("192.0.2.1")), Some("198.51.100.7"), &trusted),
            Some(ip("192.0.2.1"))
        );
    }
}
