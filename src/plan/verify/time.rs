//! The time family: pieces of the timeline where a schedule's sums are
//! constant (the verifier's counterpart of the compiler's intervals, cut at
//! the plan's own breakpoints).

/// The pieces `(a, b, sum)` between consecutive breakpoints of `items`
/// (`(start, end, value)`, half-open) and of `cuts`, each with the sum of
/// the values of the items covering it, in time order. Items that end before
/// they start add nothing; pieces no longer than `min_len` are left out.
///
/// The sums are recomputed for each piece from the items covering it (no
/// running sum whose rounding would leave residues where nothing runs).
pub(super) fn pieces(
    items: &[(f64, f64, f64)],
    cuts: &[f64],
    min_len: f64,
) -> Vec<(f64, f64, f64)> {
    let mut points: Vec<f64> = Vec::with_capacity(2 * items.len() + cuts.len());
    points.extend(
        items
            .iter()
            .filter(|it| it.1 > it.0)
            .flat_map(|it| [it.0, it.1])
            .chain(cuts.iter().copied())
            .filter(|t| t.is_finite()),
    );
    points.sort_by(f64::total_cmp);
    points.dedup();
    let mut order: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].1 > items[i].0)
        .collect();
    order.sort_by(|&i, &j| items[i].0.total_cmp(&items[j].0));
    let mut next = 0;
    let mut active: Vec<usize> = Vec::with_capacity(order.len());
    let mut out = Vec::with_capacity(points.len());
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mid = 0.5 * (a + b);
        while next < order.len() && items[order[next]].0 <= mid {
            active.push(order[next]);
            next += 1;
        }
        active.retain(|&i| items[i].1 > mid);
        if b - a <= min_len {
            continue;
        }
        let sum = active.iter().map(|&i| items[i].2).sum();
        out.push((a, b, sum));
    }
    out
}

/// The earliest time at which work accumulated from `segments`
/// (`(from, to, rate per hour)`) reaches `target`; `None` if it never does.
pub(super) fn earliest(segments: &[(f64, f64, f64)], target: f64) -> Option<f64> {
    let mut done = 0.0;
    for (a, b, rate) in pieces(segments, &[], 0.0) {
        let gain = rate * (b - a);
        if rate > 0.0 && done + gain >= target {
            return Some(a + (target - done) / rate);
        }
        done += gain;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{earliest, pieces};

    #[test]
    fn pieces_sum_what_covers_them() {
        // [0,10) 2 devices, [5,15) 3 devices, cut at 12 and 20
        let p = pieces(&[(0.0, 10.0, 2.0), (5.0, 15.0, 3.0)], &[12.0, 20.0], 0.0);
        assert_eq!(
            p,
            vec![
                (0.0, 5.0, 2.0),
                (5.0, 10.0, 5.0),
                (10.0, 12.0, 3.0),
                (12.0, 15.0, 3.0),
                (15.0, 20.0, 0.0)
            ]
        );
        // a reversed item adds nothing; a piece of 1e-9 is left out
        let q = pieces(
            &[(3.0, 1.0, 7.0), (0.0, 1.0, 1.0), (1.0 + 1e-9, 2.0, 1.0)],
            &[],
            1e-6,
        );
        assert_eq!(q, vec![(0.0, 1.0, 1.0), (1.0 + 1e-9, 2.0, 1.0)]);
    }

    #[test]
    fn earliest_crosses_between_segments() {
        // 0.01/h from 0 to 50 (0.5 done), then 0.03/h: 0.5/0.03 more
        let s = [(0.0, 200.0, 0.01), (50.0, 200.0, 0.02)];
        let t = earliest(&s, 1.0).expect("finishes");
        assert!((t - (50.0 + 0.5 / 0.03)).abs() < 1e-9, "{t}");
        assert_eq!(earliest(&[(0.0, 10.0, 0.01)], 1.0), None);
        assert_eq!(earliest(&[], 1.0), None);
        assert_eq!(earliest(&[(5.0, 10.0, 1.0)], 0.0), Some(5.0));
    }
}
