//! OSRM's table service for a thousand places and more: asked in blocks no larger
//! than the server accepts (`--max-table-size`, 100 by default, limits sources ×
//! destinations), with every answer kept per pair of places for a while, so that a
//! re-plan asks only about the places that are new.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{TravelError, UNREACHABLE};
use crate::core::geo::GeoPoint;
use crate::routing::solver::Matrix;

/// Requests in flight at once: a busy OSRM is not flooded, a slow one is not waited
/// on a block at a time.
const IN_FLIGHT: usize = 4;

/// An OSRM server and what it has answered.
#[derive(Debug, Clone)]
pub struct Osrm {
    /// `{base}/table/v1/driving/…`.
    pub base_url: String,
    /// The server's `--max-table-size`: sources and destinations per request each at most this.
    pub max_table: usize,
    cache: Arc<PairCache>,
}

impl PartialEq for Osrm {
    fn eq(&self, other: &Self) -> bool {
        self.base_url == other.base_url && self.max_table == other.max_table
    }
}

impl Osrm {
    /// A server asked in blocks of `max_table`, keeping at most `cache_pairs`
    /// answers (0 keeps none) for `keep_for`.
    pub fn new(base_url: String, max_table: usize, cache_pairs: usize, keep_for: Duration) -> Osrm {
        Osrm {
            base_url,
            max_table: max_table.max(1),
            cache: Arc::new(PairCache {
                born: Instant::now(),
                keep_for: keep_for.as_secs().min(u64::from(u32::MAX)) as u32,
                limit: cache_pairs,
                pairs: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Pairs of places whose travel is known without asking.
    pub fn cached_pairs(&self) -> usize {
        self.cache.len()
    }
}

/// A place to about a metre (1e-5°), so that the same address hits the same pair.
type Key = (i32, i32);

fn key(p: GeoPoint) -> Key {
    (
        (p.latitude * 1e5).round() as i32,
        (p.longitude * 1e5).round() as i32,
    )
}

/// Seconds and metres between two places, and when the answer goes stale (seconds
/// after the cache was made).
#[derive(Debug, Clone, Copy)]
struct Leg {
    seconds: u32,
    metres: u32,
    until: u32,
}

/// Answers per ordered pair of places, bounded: when full, stale answers go, and if
/// that is not enough, all of them (the next plan asks again, nothing is wrong).
#[derive(Debug)]
struct PairCache {
    born: Instant,
    keep_for: u32,
    limit: usize,
    pairs: Mutex<HashMap<(Key, Key), Leg>>,
}

impl PairCache {
    fn now(&self) -> u32 {
        self.born.elapsed().as_secs().min(u64::from(u32::MAX)) as u32
    }

    fn len(&self) -> usize {
        self.pairs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Fills `table` (`size`² seconds and metres, -1 unknown) from what is fresh.
    fn fill(&self, places: &[Key], table: &mut Table) {
        let now = self.now();
        let pairs = self.pairs.lock().unwrap_or_else(PoisonError::into_inner);
        for (a, from) in places.iter().enumerate() {
            for (b, to) in places.iter().enumerate() {
                if let Some(leg) = pairs.get(&(*from, *to)).filter(|l| l.until > now) {
                    table.set(a, b, i64::from(leg.seconds), i64::from(leg.metres));
                }
            }
        }
    }

    fn keep(&self, answers: &[((Key, Key), i64, i64)]) {
        if self.limit == 0 {
            return;
        }
        let now = self.now();
        let until = now.saturating_add(self.keep_for);
        let mut pairs = self.pairs.lock().unwrap_or_else(PoisonError::into_inner);
        if pairs.len() + answers.len() > self.limit {
            pairs.retain(|_, leg| leg.until > now);
        }
        if pairs.len() + answers.len() > self.limit {
            pairs.clear();
        }
        let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
        for &(pair, seconds, metres) in answers.iter().take(self.limit) {
            pairs.insert(
                pair,
                Leg {
                    seconds: clamp(seconds),
                    metres: clamp(metres),
                    until,
                },
            );
        }
    }
}

/// A square table being filled; -1 is not known yet.
struct Table {
    size: usize,
    durations: Vec<i64>,
    distances: Vec<i64>,
}

impl Table {
    fn new(size: usize) -> Table {
        let mut t = Table {
            size,
            durations: vec![-1; size * size],
            distances: vec![-1; size * size],
        };
        for i in 0..size {
            t.set(i, i, 0, 0);
        }
        t
    }

    fn set(&mut self, a: usize, b: usize, seconds: i64, metres: i64) {
        self.durations[a * self.size + b] = seconds;
        self.distances[a * self.size + b] = metres;
    }

    fn known(&self, a: usize, b: usize) -> bool {
        self.durations[a * self.size + b] >= 0
    }
}

/// Places to ask about so that every unknown pair has one of its ends asked: of
/// the two ends, the one with more unknown pairs (a new site, not the places it
/// joins), so a re-plan with one new site asks about that site alone.
fn to_ask(table: &Table) -> Vec<bool> {
    let n = table.size;
    let missing = |a: usize, b: usize| a != b && (!table.known(a, b) || !table.known(b, a));
    let count: Vec<usize> = (0..n)
        .map(|a| (0..n).filter(|&b| missing(a, b)).count())
        .collect();
    let mut ask = vec![false; n];
    for a in 0..n {
        for b in a + 1..n {
            if missing(a, b) && !ask[a] && !ask[b] {
                ask[if count[a] >= count[b] { a } else { b }] = true;
            }
        }
    }
    ask
}

/// Which requests fill a table: the places in chunks of at most `max`, those to
/// ask about first, and every block of sources × destinations whose rows or
/// columns hold a place to ask about (a fresh table is every block; a re-plan
/// with one new site, its row and its column).
fn blocks(unknown: &[bool], max: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
    let (mut order, old): (Vec<usize>, Vec<usize>) = (0..unknown.len()).partition(|&i| unknown[i]);
    if order.is_empty() {
        return vec![];
    }
    order.extend(old);
    let chunks: Vec<&[usize]> = order.chunks(max).collect();
    let asks = |chunk: &[usize]| chunk.iter().any(|&i| unknown[i]);
    let mut out = vec![];
    for sources in &chunks {
        for destinations in &chunks {
            if asks(sources) || asks(destinations) {
                out.push((sources.to_vec(), destinations.to_vec()));
            }
        }
    }
    out
}

#[derive(Deserialize)]
struct OsrmTable {
    code: String,
    #[serde(default)]
    message: Option<String>,
    durations: Option<Vec<Vec<Option<f64>>>>,
    distances: Option<Vec<Vec<Option<f64>>>>,
}

/// The matrix between `points`: from the cache where it can, from OSRM in blocks
/// where it must; the answers are kept for the next plan.
pub async fn matrix(osrm: &Osrm, points: &[GeoPoint]) -> Result<Matrix, TravelError> {
    // The same place twice is asked once.
    let mut places: Vec<Key> = vec![];
    let mut index: HashMap<Key, usize> = HashMap::new();
    let slot: Vec<usize> = points
        .iter()
        .map(|p| {
            *index.entry(key(*p)).or_insert_with(|| {
                places.push(key(*p));
                places.len() - 1
            })
        })
        .collect();
    let mut table = Table::new(places.len());
    osrm.cache.fill(&places, &mut table);
    let unknown = to_ask(&table);
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let all = blocks(&unknown, osrm.max_table);
    for group in all.chunks(IN_FLIGHT) {
        let asked = group
            .iter()
            .map(|(s, d)| block(&client, osrm, points_of(&places, s, d), s.len(), d.len()));
        let answers = futures_util::future::join_all(asked).await;
        let mut fresh = vec![];
        for ((sources, destinations), answer) in group.iter().zip(answers) {
            let (seconds, metres) = answer?;
            for (i, &a) in sources.iter().enumerate() {
                for (j, &b) in destinations.iter().enumerate() {
                    let (t, m) = (seconds[i][j], metres[i][j]);
                    table.set(a, b, t, m);
                    if a != b {
                        fresh.push(((places[a], places[b]), t, m));
                    }
                }
            }
        }
        osrm.cache.keep(&fresh);
    }
    let size = points.len();
    let mut durations = Vec::with_capacity(size * size);
    let mut distances = Vec::with_capacity(size * size);
    for &a in &slot {
        for &b in &slot {
            durations.push(table.durations[a * table.size + b]);
            distances.push(table.distances[a * table.size + b]);
        }
    }
    Ok(Matrix {
        size,
        durations,
        distances,
    })
}

/// The coordinates of one request: its sources, then its destinations that are not
/// sources too; with the positions of each in that list.
struct Coordinates {
    text: String,
    sources: Vec<usize>,
    destinations: Vec<usize>,
}

fn points_of(places: &[Key], sources: &[usize], destinations: &[usize]) -> Coordinates {
    let mut listed: Vec<usize> = sources.to_vec();
    let destinations = destinations
        .iter()
        .map(|d| {
            listed.iter().position(|x| x == d).unwrap_or_else(|| {
                listed.push(*d);
                listed.len() - 1
            })
        })
        .collect();
    let text = listed
        .iter()
        .map(|&i| {
            let (lat, lng) = places[i];
            format!("{:.5},{:.5}", f64::from(lng) / 1e5, f64::from(lat) / 1e5)
        })
        .collect::<Vec<_>>()
        .join(";");
    Coordinates {
        text,
        sources: (0..sources.len()).collect(),
        destinations,
    }
}

type Grid = Vec<Vec<i64>>;

/// One request: seconds and metres, sources × destinations.
async fn block(
    client: &awc::Client,
    osrm: &Osrm,
    at: Coordinates,
    rows: usize,
    columns: usize,
) -> Result<(Grid, Grid), TravelError> {
    let list = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(";");
    let url = format!(
        "{}/table/v1/driving/{}?sources={}&destinations={}&annotations=duration,distance",
        osrm.base_url.trim_end_matches('/'),
        at.text,
        list(&at.sources),
        list(&at.destinations),
    );
    let mut response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| TravelError(format!("OSRM at {}: {e}", osrm.base_url)))?;
    // A block of 100 × 100 is about 200 KB of JSON.
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .map_err(|e| TravelError(format!("OSRM answer: {e}")))?;
    let table: OsrmTable = serde_json::from_slice(&body)
        .map_err(|e| TravelError(format!("OSRM answer is not a table: {e}")))?;
    if table.code != "Ok" {
        return Err(TravelError(format!(
            "OSRM answered {}: {}",
            table.code,
            table.message.unwrap_or_default()
        )));
    }
    let grid = |rows_in: Option<Vec<Vec<Option<f64>>>>, what: &str| {
        let got = rows_in.ok_or_else(|| TravelError(format!("OSRM sent no {what}")))?;
        if got.len() != rows || got.iter().any(|r| r.len() != columns) {
            return Err(TravelError(format!("OSRM {what} are not {rows}×{columns}")));
        }
        Ok::<_, TravelError>(
            got.into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| v.map_or(UNREACHABLE, |x| x.round() as i64))
                        .collect()
                })
                .collect(),
        )
    };
    Ok((
        grid(table.durations, "durations")?,
        grid(table.distances, "distances")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_unknown_pair_within_the_size() {
        let unknown = [true, false, false, true, false, false, false];
        let asked = blocks(&unknown, 2);
        let mut covered = vec![vec![false; 7]; 7];
        for (s, d) in &asked {
            assert!(s.len() <= 2 && d.len() <= 2, "{s:?} × {d:?}");
            for &a in s {
                for &b in d {
                    covered[a][b] = true;
                }
            }
        }
        for a in 0..7 {
            for b in 0..7 {
                if unknown[a] || unknown[b] {
                    assert!(covered[a][b], "{a} → {b} was not asked");
                }
            }
        }
        // Pairs between two known places are not asked again.
        assert!(!covered[1][2] && !covered[5][6]);
        assert_eq!(asked.len(), 7, "a row and a column of four chunks");
        assert!(blocks(&[false; 4], 2).is_empty());
    }

    #[test]
    fn a_new_site_is_asked_not_the_places_it_joins() {
        let mut table = Table::new(4);
        for a in 0..3 {
            for b in 0..3 {
                table.set(a, b, 1, 1);
            }
        }
        assert_eq!(to_ask(&table), [false, false, false, true]);
        assert_eq!(to_ask(&Table::new(1)), [false]);
        let fresh = to_ask(&Table::new(3));
        assert_eq!(fresh.iter().filter(|a| **a).count(), 2, "{fresh:?}");
    }

    #[test]
    fn a_full_cache_drops_the_stale_then_everything() {
        let osrm = Osrm::new("http://x".into(), 100, 3, Duration::from_secs(60));
        let pair = |i: i32| (((i, 0), (0, i)), 10, 20);
        osrm.cache.keep(&[pair(1), pair(2)]);
        assert_eq!(osrm.cached_pairs(), 2);
        osrm.cache.keep(&[pair(3), pair(4)]);
        assert_eq!(
            osrm.cached_pairs(),
            2,
            "over the limit: cleared, then the new ones"
        );
        let none = Osrm::new("http://x".into(), 100, 0, Duration::from_secs(60));
        none.cache.keep(&[pair(1)]);
        assert_eq!(none.cached_pairs(), 0);
    }

    #[test]
    fn one_request_lists_each_place_once() {
        let places = [(1, 2), (3, 4), (5, 6)];
        let c = points_of(&places, &[0, 1], &[1, 2]);
        assert_eq!(c.text, "0.00002,0.00001;0.00004,0.00003;0.00006,0.00005");
        assert_eq!((c.sources, c.destinations), (vec![0, 1], vec![1, 2]));
    }
}
