//! Pseudo-costs: the average objective gain per unit of bound change of
//! each integer column, learnt from node LPs and strong branching.

/// Gains smaller than this count as this (so products stay informative).
const MIN_GAIN: f64 = 1e-6;

/// Per-column pseudo-cost statistics. The per-column arrays are made at
/// the first observation (a search that never branches, e.g. one whose
/// root LP runs out of time on a large model, does not hold them).
#[derive(Debug, Clone)]
pub(super) struct PseudoCosts {
    /// Columns.
    n: usize,
    sum_down: Vec<f64>,
    n_down: Vec<u32>,
    sum_up: Vec<f64>,
    n_up: Vec<u32>,
    total_down: f64,
    count_down: u64,
    total_up: f64,
    count_up: u64,
}

impl PseudoCosts {
    /// No observations for `n` columns.
    pub(super) fn new(n: usize) -> Self {
        Self {
            n,
            sum_down: Vec::new(),
            n_down: Vec::new(),
            sum_up: Vec::new(),
            n_up: Vec::new(),
            total_down: 0.0,
            count_down: 0,
            total_up: 0.0,
            count_up: 0,
        }
    }

    /// Records an objective gain `gain ≥ 0` for moving column `j` by
    /// `dist > 0` down (`up == false`) or up.
    pub(super) fn record(&mut self, j: usize, up: bool, gain: f64, dist: f64) {
        if dist.is_nan() || dist <= 1e-9 || !gain.is_finite() {
            return;
        }
        let unit = gain.max(0.0) / dist;
        if self.n_up.is_empty() {
            let n = self.n;
            self.sum_down = vec![0.0; n];
            self.n_down = vec![0; n];
            self.sum_up = vec![0.0; n];
            self.n_up = vec![0; n];
        }
        if up {
            self.sum_up[j] += unit;
            self.n_up[j] += 1;
            self.total_up += unit;
            self.count_up += 1;
        } else {
            self.sum_down[j] += unit;
            self.n_down[j] += 1;
            self.total_down += unit;
            self.count_down += 1;
        }
    }

    /// Average over all columns (1 when nothing is known).
    fn average(&self, up: bool) -> f64 {
        let (t, c) = if up {
            (self.total_up, self.count_up)
        } else {
            (self.total_down, self.count_down)
        };
        if c == 0 { 1.0 } else { t / c as f64 }
    }

    /// Pseudo-cost per unit of column `j` in a direction (the average over
    /// all columns when `j` has none yet).
    pub(super) fn unit(&self, j: usize, up: bool) -> f64 {
        if self.n_up.is_empty() {
            return self.average(up);
        }
        let (s, n) = if up {
            (self.sum_up[j], self.n_up[j])
        } else {
            (self.sum_down[j], self.n_down[j])
        };
        if n == 0 {
            self.average(up)
        } else {
            s / f64::from(n)
        }
    }

    /// Observations of column `j`: the smaller of its down and up counts.
    pub(super) fn reliability(&self, j: usize) -> u32 {
        if self.n_up.is_empty() {
            return 0;
        }
        self.n_down[j].min(self.n_up[j])
    }

    /// Estimated gains of branching column `j` at fractional value `x`.
    pub(super) fn gains(&self, j: usize, x: f64) -> (f64, f64) {
        let f = x - x.floor();
        (self.unit(j, false) * f, self.unit(j, true) * (1.0 - f))
    }
}

/// The product score of two gains (SCIP's and HiGHS's choice).
pub(super) fn score(down: f64, up: f64) -> f64 {
    down.max(MIN_GAIN) * up.max(MIN_GAIN)
}
