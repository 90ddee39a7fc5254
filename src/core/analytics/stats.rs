//! Small statistics the reports share: shares, medians of histograms, and the
//! two customer scores (CSAT and NPS).

use serde::Serialize;
use utoipa::ToSchema;

/// `part ÷ whole`, or none when there is nothing to divide by.
pub fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median of values given as `(value, how many)`, in any order: the middle
/// value, or the mean of the two middle ones.
pub fn median(histogram: &[(i64, i64)]) -> Option<f64> {
    let mut h: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    h.sort_unstable();
    let n: i64 = h.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    // The values at (0-based) positions (n-1)/2 and n/2.
    let at = |pos: i64| {
        let mut seen = 0;
        for (v, c) in &h {
            seen += c;
            if pos < seen {
                return *v;
            }
        }
        h.last().map(|(v, _)| *v).unwrap_or_default()
    };
    Some((at((n - 1) / 2) + at(n / 2)) as f64 / 2.0)
}

/// Customer satisfaction from 1–5 ratings: the share of 4s and 5s (the usual
/// CSAT) and the mean rating.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Csat {
    pub ratings: i64,
    /// Satisfied (4 or 5) ÷ all ratings, as a percentage.
    pub csat: Option<f64>,
    pub average: Option<f64>,
}

/// CSAT of ratings given as `(rating, how many)`.
pub fn csat(ratings: &[(i64, i64)]) -> Csat {
    let n: i64 = ratings.iter().map(|(_, c)| c).sum();
    let satisfied: i64 = ratings
        .iter()
        .filter(|(r, _)| *r >= 4)
        .map(|(_, c)| c)
        .sum();
    let sum: i64 = ratings.iter().map(|(r, c)| r * c).sum();
    Csat {
        ratings: n,
        csat: ratio(satisfied, n).map(|r| r * 100.0),
        average: ratio(sum, n),
    }
}

/// Net Promoter Score from 0–10 answers: % promoters (9–10) − % detractors (0–6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Nps {
    pub answers: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    /// From −100 to 100.
    pub nps: Option<f64>,
}

/// NPS of answers given as `(score, how many)`.
pub fn nps(answers: &[(i64, i64)]) -> Nps {
    let count = |lo: i64, hi: i64| -> i64 {
        answers
            .iter()
            .filter(|(s, _)| (lo..=hi).contains(s))
            .map(|(_, c)| c)
            .sum()
    };
    let (detractors, passives, promoters) = (count(0, 6), count(7, 8), count(9, 10));
    let n = detractors + passives + promoters;
    Nps {
        answers: n,
        promoters,
        passives,
        detractors,
        nps: ratio(promoters - detractors, n).map(|r| r * 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_histograms() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(5, 1)]), Some(5.0));
        // 1, 2, 2, 10 → (2 + 2) / 2
        assert_eq!(median(&[(10, 1), (2, 2), (1, 1)]), Some(2.0));
        // 1, 3 → 2
        assert_eq!(median(&[(3, 1), (1, 1), (7, 0)]), Some(2.0));
        // 1, 1, 1, 9, 9 → 1
        assert_eq!(median(&[(9, 2), (1, 3)]), Some(1.0));
    }

    #[test]
    fn csat_counts_fours_and_fives() {
        // 5, 5, 4, 3, 1: three of five satisfied, mean 18 / 5.
        let c = csat(&[(5, 2), (4, 1), (3, 1), (1, 1)]);
        assert_eq!((c.ratings, c.csat, c.average), (5, Some(60.0), Some(3.6)));
        assert_eq!(csat(&[]).csat, None);
    }

    #[test]
    fn nps_is_promoters_less_detractors() {
        // 10 answers: four 9–10, three 7–8, three 0–6 → 40 % − 30 % = 10.
        let n = nps(&[(10, 2), (9, 2), (8, 2), (7, 1), (6, 1), (3, 1), (0, 1)]);
        assert_eq!((n.promoters, n.passives, n.detractors), (4, 3, 3));
        assert!((n.nps.unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(nps(&[(10, 1)]).nps, Some(100.0));
        assert_eq!(nps(&[]).nps, None);
    }
}
