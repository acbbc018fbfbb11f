//! Scores: each review rates an event's criteria, weighted into one figure; and the same
//! figures normalised per reviewer, so a harsh and a lenient reviewer become comparable.

use std::collections::HashMap;
use std::hash::Hash;

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub name: String,
    pub weight: f64,
    /// Scores run from 0 to `max`.
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("{criterion}: {score} is above the highest score, {max}")]
    TooHigh {
        criterion: String,
        score: u32,
        max: u32,
    },
    #[error("the review rates {given} criteria; the event has {expected}")]
    Count { given: usize, expected: usize },
}

/// One review's figure: its criteria's scores weighted, on a 0-100 scale.
pub fn weighted(criteria: &[Criterion], scores: &[u32]) -> Result<f64, ScoreError> {
    if scores.len() != criteria.len() {
        return Err(ScoreError::Count {
            given: scores.len(),
            expected: criteria.len(),
        });
    }
    let mut total = 0.0;
    let mut weights = 0.0;
    for (c, &s) in criteria.iter().zip(scores) {
        if s > c.max {
            return Err(ScoreError::TooHigh {
                criterion: c.name.clone(),
                score: s,
                max: c.max,
            });
        }
        total += c.weight * f64::from(s) / f64::from(c.max.max(1));
        weights += c.weight;
    }
    Ok(if weights > 0.0 {
        100.0 * total / weights
    } else {
        0.0
    })
}

/// `(reviewer, proposal, figure)` with each figure moved to the scale of all reviews: a
/// reviewer's mean becomes the overall mean and their spread the overall spread. A reviewer
/// with one review, or who gives every proposal the same figure, keeps their figures shifted by
/// their mean's distance from the overall mean.
pub fn normalised<R: Eq + Hash + Clone, P: Clone>(reviews: &[(R, P, f64)]) -> Vec<(R, P, f64)> {
    if reviews.is_empty() {
        return Vec::new();
    }
    let (mean, sd) = mean_sd(reviews.iter().map(|r| r.2));
    let mut per: HashMap<&R, Vec<f64>> = HashMap::new();
    for (r, _, f) in reviews {
        per.entry(r).or_default().push(*f);
    }
    let stats: HashMap<&R, (f64, f64)> = per
        .into_iter()
        .map(|(r, fs)| (r, mean_sd(fs.into_iter())))
        .collect();
    reviews
        .iter()
        .map(|(r, p, f)| {
            let (m, s) = stats[r];
            let moved = if s > 1e-9 && sd > 1e-9 {
                mean + (f - m) / s * sd
            } else {
                f - m + mean
            };
            (r.clone(), p.clone(), moved.clamp(0.0, 100.0))
        })
        .collect()
}

fn mean_sd(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion {
                name: "Relevance".into(),
                weight: 2.0,
                max: 5,
            },
            Criterion {
                name: "Clarity".into(),
                weight: 1.0,
                max: 5,
            },
        ]
    }

    #[test]
    fn criteria_are_weighted() {
        assert_eq!(weighted(&criteria(), &[5, 5]), Ok(100.0));
        assert_eq!(
            weighted(&criteria(), &[5, 2]),
            Ok(100.0 * (2.0 + 0.4) / 3.0)
        );
        assert_eq!(
            weighted(&criteria(), &[6, 2]).unwrap_err().to_string(),
            "Relevance: 6 is above the highest score, 5"
        );
        assert!(matches!(
            weighted(&criteria(), &[1]),
            Err(ScoreError::Count { .. })
        ));
    }

    #[test]
    fn a_harsh_and_a_lenient_reviewer_become_comparable() {
        // Both rank the proposals alike; the harsh one scores 20 lower throughout.
        let reviews = [
            ("harsh", 1, 40.0),
            ("harsh", 2, 20.0),
            ("lenient", 1, 80.0),
            ("lenient", 2, 60.0),
        ];
        let n = normalised(&reviews);
        assert!((n[0].2 - n[2].2).abs() < 1e-9, "{n:?}");
        assert!((n[1].2 - n[3].2).abs() < 1e-9, "{n:?}");
        assert!(n[0].2 > n[1].2, "order within a reviewer is kept");
    }

    #[test]
    fn a_reviewer_with_one_review_is_shifted_not_scaled() {
        let n = normalised(&[("a", 1, 50.0), ("b", 2, 70.0), ("b", 3, 90.0)]);
        assert_eq!(n[0].2, 50.0 - 50.0 + 70.0);
    }
}
