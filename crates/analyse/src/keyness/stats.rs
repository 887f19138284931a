//! The statistics of one term's 2×2 table: Pearson's χ² with Yates' correction, the
//! log-likelihood G², their p-values and Hardie's log ratio, computed as scipy's
//! `chi2_contingency` computes them.

/// The statistics of one term in one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TableStats {
    /// χ² with Yates' correction, signed.
    pub(crate) chi2: f64,
    /// Its p-value (χ² distribution, 1 degree of freedom).
    pub(crate) chi2_p: f64,
    /// G², signed.
    pub(crate) g2: f64,
    /// Its p-value.
    pub(crate) g2_p: f64,
    /// log₂ of the ratio of the relative frequencies, a zero count read as 0.5.
    pub(crate) log_ratio: f64,
}

/// The statistics of a term counted `a` times in the target and `b` times in the reference,
/// whose features add up to `t` and `r` occurrences (`a <= t`, `b <= r`, `t > 0`, `r > 0`).
///
/// The table is `[[a, b], [t - a, r - b]]` and its expected counts `row sum × column sum / n`.
/// χ² moves each observed count towards its expected count by `min(0.5, |expected -
/// observed|)` (Yates, as scipy applies it) and sums `(observed - expected)² / expected`; G²
/// sums `2 · observed · ln(observed / expected)`, with `0 · ln 0 = 0`; the cells are summed in
/// row order, as numpy sums them. Both are negative when the term is rarer in the target than
/// expected (`a < (a + b) · t / (t + r)`). A table with an expected count of 0 (one row or
/// column empty: nothing to compare) has statistics 0 and p-values 1.
pub(crate) fn table_stats(a: u64, b: u64, t: u64, r: u64) -> TableStats {
    let (c, d) = (t.saturating_sub(a), r.saturating_sub(b));
    let observed = [a as f64, b as f64, c as f64, d as f64];
    let rows = [(a + b) as f64, (c + d) as f64];
    let cols = [t as f64, r as f64];
    let n = observed[0] + observed[1] + observed[2] + observed[3];
    let expected = [
        rows[0] * cols[0] / n,
        rows[0] * cols[1] / n,
        rows[1] * cols[0] / n,
        rows[1] * cols[1] / n,
    ];
    let (chi2, g2) = if expected.iter().all(|&e| e > 0.0) {
        (yates_chi2(&observed, &expected), g2(&observed, &expected))
    } else {
        (0.0, 0.0)
    };
    // Exact, in integers: a·(t + r) < (a + b)·t.
    let under = u128::from(a) * (u128::from(t) + u128::from(r)) < u128::from(a + b) * u128::from(t);
    let signed = |x: f64| {
        if x == 0.0 {
            0.0
        } else if under {
            -x
        } else {
            x
        }
    };
    let share = |count: u64, total: u64| {
        let count = if count == 0 { 0.5 } else { count as f64 };
        count / total as f64
    };
    TableStats {
        chi2: signed(chi2),
        chi2_p: chi2_sf(chi2),
        g2: signed(g2),
        g2_p: chi2_sf(g2),
        log_ratio: (share(a, t) / share(b, r)).log2(),
    }
}

/// Pearson's χ² after Yates' correction.
fn yates_chi2(observed: &[f64; 4], expected: &[f64; 4]) -> f64 {
    let mut sum = 0.0;
    for (&o, &e) in observed.iter().zip(expected) {
        let diff = e - o;
        let step = diff.abs().min(0.5);
        let corrected = if diff > 0.0 {
            o + step
        } else if diff < 0.0 {
            o - step
        } else {
            o
        };
        let dev = corrected - e;
        sum += dev * dev / e;
    }
    sum
}

/// The log-likelihood statistic G².
fn g2(observed: &[f64; 4], expected: &[f64; 4]) -> f64 {
    let mut sum = 0.0;
    for (&o, &e) in observed.iter().zip(expected) {
        let term = if o == 0.0 { 0.0 } else { o * (o / e).ln() };
        sum += 2.0 * term;
    }
    sum
}

/// The survival function of the χ² distribution with 1 degree of freedom:
/// `P(X > x) = erfc(√(x / 2))`; 1 at 0.
pub(crate) fn chi2_sf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    libm::erfc((x / 2.0).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
    }

    /// Values from scipy 1.17.1 (`tests/reference/compare/keyness_d_vs_rest.json.gz`).
    #[test]
    fn agrees_with_scipy_on_reference_rows() {
        let (t, r) = (208_555, 148_179);
        let s = table_stats(173, 113, t, r);
        assert!(close(s.chi2, 0.40443224887583024, 1e-12), "{s:?}");
        assert!(close(s.chi2_p, 0.5248090905639581, 1e-12), "{s:?}");
        assert!(close(s.g2, 0.4868097467016135, 1e-12), "{s:?}");
        assert!(close(s.g2_p, 0.48535386522886226, 1e-12), "{s:?}");
        assert!(close(s.log_ratio, 0.12136236738735785, 1e-12), "{s:?}");
        // The correction moves the observed counts onto the expected ones: χ² is exactly 0.
        let s = table_stats(1, 0, t, r);
        assert_eq!((s.chi2, s.chi2_p), (0.0, 1.0));
        assert!(close(s.g2, 1.0735772129167676, 1e-12), "{s:?}");
        assert!(close(s.log_ratio, 0.506913102165821, 1e-12), "{s:?}");
        let s = table_stats(0, 1, t, r);
        assert!(close(s.chi2, -0.029489175777079296, 1e-12), "{s:?}");
        assert!(close(s.g2, -1.7571427526397154, 1e-12), "{s:?}");
        assert!(close(s.g2_p, 0.18498130268619684, 1e-12), "{s:?}");
        assert!(close(s.log_ratio, -1.493086897834179, 1e-12), "{s:?}");
    }

    #[test]
    fn signs_follow_the_direction() {
        let over = table_stats(50, 10, 1000, 1000);
        let under = table_stats(10, 50, 1000, 1000);
        assert!(over.chi2 > 0.0 && over.g2 > 0.0 && over.log_ratio > 0.0);
        // The mirrored table: the same statistics (up to the order of the sum), negative.
        assert!(close(under.chi2, -over.chi2, 1e-14));
        assert!(close(under.g2, -over.g2, 1e-14));
        assert!(close(under.log_ratio, -over.log_ratio, 1e-14));
        assert!(close(under.chi2_p, over.chi2_p, 1e-12));
        assert!(close(under.g2_p, over.g2_p, 1e-12));
        // Exactly as expected: no sign, statistics 0, p-values 1, never -0.
        let even = table_stats(10, 10, 1000, 1000);
        assert_eq!(even.g2.to_bits(), 0.0f64.to_bits());
        assert_eq!(even.chi2.to_bits(), 0.0f64.to_bits());
        assert_eq!((even.chi2_p, even.g2_p, even.log_ratio), (1.0, 1.0, 0.0));
    }

    #[test]
    fn an_empty_row_gives_no_evidence() {
        // The only term of both sides: the second row of the table is empty.
        let s = table_stats(5, 7, 5, 7);
        assert_eq!((s.chi2, s.chi2_p, s.g2, s.g2_p), (0.0, 1.0, 0.0, 1.0));
        assert_eq!(s.log_ratio, 0.0);
    }

    #[test]
    fn survival_function_matches_known_values() {
        assert_eq!(chi2_sf(0.0), 1.0);
        // The 5 % critical value of χ² with 1 degree of freedom.
        assert!(close(chi2_sf(3.841458820694124), 0.05, 1e-12));
        // erfc(√50), as C's erfc gives it.
        assert!(close(chi2_sf(100.0), 1.5239706048320995e-23, 1e-12));
        // Far in the tail the value is tiny but not zero until f64 underflows.
        assert!(chi2_sf(1200.0) > 0.0 && chi2_sf(1200.0) < 1e-260);
        assert!(chi2_sf(f64::INFINITY) == 0.0);
    }
}
