//! The seeded generator behind everything in fleetplan that samples:
//! sampled risk scenarios (`[risk] sample`, seeded by `seed`), the simplex's
//! cost perturbation, and the generated instances of the tests and benches.
//!
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014): 64 bits of state, a stream that depends on the
//! seed only (no platform, crate version or global state), so a seed names
//! the same sample everywhere.
//!
//! ```
//! use fleetplan::rng::SplitMix64;
//! let mut a = SplitMix64(42);
//! let mut b = SplitMix64(42);
//! assert_eq!(a.next_u64(), b.next_u64());
//! let u = a.unit();
//! assert!((0.0..1.0).contains(&u));
//! ```

/// SplitMix64; the field is the state (the seed, before the first draw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`: 53 random bits, exact in `f64`.
    pub fn unit(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let v = (self.next_u64() >> 11) as f64;
        v / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// An integer in `[0, n)` (0 when `n` is 0); the modulo's bias is
    /// below `n / 2^64`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An index in `[0, n)` (0 when `n` is 0).
    pub fn index(&mut self, n: usize) -> usize {
        // usize is at most 64 bits on every supported target
        usize::try_from(self.below(n as u64)).unwrap_or(0)
    }

    /// `1.0` or `-1.0`, each with probability ½.
    pub fn sign(&mut self) -> f64 {
        if self.next_u64() & 1 == 0 { 1.0 } else { -1.0 }
    }

    /// Shuffles `v` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.index(i + 1);
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    /// The reference stream of SplitMix64 from seed 1234567 (the values of
    /// the authors' C reference implementation, as published with
    /// xoshiro's splitmix64.c).
    #[test]
    fn matches_the_reference_stream() {
        let mut r = SplitMix64(1_234_567);
        let want = [
            6_457_827_717_110_365_317_u64,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ];
        for w in want {
            assert_eq!(r.next_u64(), w);
        }
    }

    #[test]
    fn ranges_hold() {
        let mut r = SplitMix64(7);
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(r.below(5) < 5);
            assert!(r.index(3) < 3);
            let x = r.range(-2.0, 3.0);
            assert!((-2.0..3.0).contains(&x));
        }
        assert_eq!(r.below(0), 0);
        let mut v: Vec<u32> = (0..20).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort_unstable();
        assert_eq!(s, (0..20).collect::<Vec<_>>());
    }
}
