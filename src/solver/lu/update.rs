//! Forrest–Tomlin update of the factor after a basis change.
//!
//! With `Rₜ⋯R₁ L⁻¹ B = U` (U triangular in its pivot order), replacing the
//! column at the position of pivot row `p` by `a` turns U into `U'`, which is
//! U with column `p` replaced by the spike `s = Rₜ⋯R₁ L⁻¹ a` saved by
//! `ftran_for_update`. Moving pivot `p` to the end of the order makes column
//! `p` a full last column and leaves row `p`'s old off-diagonal entries
//! `u_pj` (pivots `j` after `p`) below the diagonal. They are eliminated by
//! the row eta `R_{t+1} = I − e_p mᵀ` with `mᵀ U_sub = u_p,sub`, i.e.
//! `m = −z` where `zᵀ U = u_pp e_pᵀ` (a hyper-sparse partial BTRAN with U).
//! The new diagonal is `(R_{t+1} s)_p = zᵀ s`, which must equal
//! `u_pp · x_p` for the FTRAN result `x = B⁻¹ a` the caller pivots on: the
//! comparison of the two (a row-wise against a column-wise computation of
//! the same number) is the stability test.

use super::{LuFactor, NONE, UpdateError};

impl LuFactor {
    /// Replaces the column at basis position `pos` by the column last given
    /// to `ftran_for_update`. `pivot` is that FTRAN's result at `pos` (used
    /// for a stability check against the update's own computation).
    ///
    /// # Errors
    /// See [`UpdateError`]. On `Err` nothing is changed: the factor still
    /// represents the old basis (and the saved column may be used for
    /// another `update`), but the caller must refactorise to get the new one.
    pub(crate) fn update(&mut self, pos: usize, pivot: f64) -> Result<(), UpdateError> {
        if !self.spike_valid {
            return Err(UpdateError::NoColumn);
        }
        if pos >= self.m {
            return Err(UpdateError::BadPosition);
        }
        if self.num_updates >= self.opts.max_updates {
            return Err(UpdateError::TooManyUpdates);
        }
        let drop = self.opts.drop_tolerance;
        let p = self.row_of_pos[pos] as usize;
        let d_old = self.diag[p];

        // z with zᵀU = d_old e_pᵀ, then the new diagonal zᵀs.
        self.btran_u_unit(p);
        let mut computed = 0.0;
        let mut s_max = 0.0f64;
        for (&i, &s) in self.spike_idx.iter().zip(&self.spike_val) {
            computed += self.upd.values[i as usize] * s;
            s_max = s_max.max(s.abs());
        }
        let expected = pivot * d_old;
        if !computed.is_finite() || computed.abs() <= self.opts.singular_tolerance * s_max {
            self.upd.clear();
            return Err(UpdateError::Singular { computed });
        }
        let growth = (self.u_max / self.b_max).max(1.0);
        let tol = self.opts.update_tolerance * growth;
        let diff = (computed - expected).abs();
        if diff.is_nan() || diff > tol * computed.abs().max(expected.abs()) {
            self.upd.clear();
            return Err(UpdateError::Unstable { computed, expected });
        }

        // The row eta: v[p] -= Σ m_j v[j] with m = −z (j ≠ p).
        let before = self.r_idx.len();
        for &j in &self.upd.index {
            let z = self.upd.values[j as usize];
            if j as usize != p && z.abs() > drop {
                self.r_idx.push(j);
                self.r_val.push(-z);
                self.r_max = self.r_max.max(z.abs());
            }
        }
        if self.r_idx.len() > before {
            self.r_row.push(p as u32);
            self.r_start.push(self.r_idx.len());
        }
        self.upd.clear();

        // Remove U's old column p (from the row copy) and row p (from the
        // column copy).
        for q in self.ucol.range(p) {
            let i = self.ucol.idx[q] as usize;
            self.urow.remove(i, p as u32);
        }
        for q in self.urow.range(p) {
            let j = self.urow.idx[q] as usize;
            self.ucol.remove(j, p as u32);
        }
        self.urow.clear_list(p);
        // The spike becomes column p; its entries join the rows.
        let p32 = p as u32;
        self.ucol.replace_at_end(
            p,
            self.spike_idx
                .iter()
                .zip(&self.spike_val)
                .filter(|&(&i, &s)| i != p32 && s.abs() > drop)
                .map(|(&i, &s)| (i, s)),
        );
        for (&i, &s) in self.spike_idx.iter().zip(&self.spike_val) {
            if i != p32 && s.abs() > drop {
                self.urow.push(i as usize, p32, s);
            }
        }
        self.diag[p] = computed;
        self.u_max = self.u_max.max(s_max).max(computed.abs());
        // Move pivot p to the end of U's order.
        let slot = self.u_slot[p] as usize;
        self.u_order[slot] = NONE;
        // The order holds at most m + max_updates slots; clamp rather than wrap.
        self.u_slot[p] = u32::try_from(self.u_order.len()).unwrap_or(NONE - 1);
        self.u_order.push(p32);

        self.num_updates += 1;
        self.stats.updates += 1;
        self.spike_valid = false;
        Ok(())
    }
}
