//! Seeded bootstrap as count weights, plain or clustered.
//!
//! A replicate is a vector `counts` with `counts[i]` = how often sample `i` was drawn. Metrics take
//! these as [`crate::Weights::Counts`], so data are sorted once and a replicate costs O(n)
//! (docs/design/metrics.md §3.4).
//!
//! * **Plain:** `n` draws with replacement over the `n` samples.
//! * **Clustered** (a group column such as a battery): `I` draws with replacement over the `I`
//!   groups, and every sample of a drawn group gets that group's count (Obuchowski-style cluster
//!   bootstrap, docs/design/metrics.md §3.3). Samples in one group are correlated, so a group is the unit of
//!   information: 35,529 slices of 25 batteries carry about 25 samples' worth.
//!
//! Replicate `b` draws from [`Xoshiro256pp::for_stream`]`(seed, b)`, so results are identical for
//! any thread count, and replicates are computed in parallel with rayon.
//!
//! **One stream per eval set.** The count *per sample* of replicate `b` depends only on
//! `(seed, b, n, groups)`: the draws are made over sample indices (or group indices) in sample
//! order, and a resampler working in a reordered layout ([`Resampler::permuted`], e.g. the sorted
//! layout of the binary kernel) only moves each count to the sample's position. So `verdict eval`
//! (sorted layout, one model) and `verdict compare` (sample order, every model) see the same count
//! vectors, and a model's own interval is the same in both.

use crate::rng::Xoshiro256pp;
use rayon::prelude::*;

/// How replicates are drawn.
#[derive(Debug, Clone)]
pub struct Resampler {
    n: usize,
    /// `group[i]` = the group index (0..n_groups) of sample `i`, for clustered draws.
    group: Option<(Vec<u32>, usize)>,
    /// Plain draws in a reordered layout: `slot[i]` = the position of sample `i` in `counts`
    /// (`None`: the sample order).
    slot: Option<Vec<u32>>,
}

impl Resampler {
    /// Plain bootstrap over `n` samples.
    pub fn plain(n: usize) -> Self {
        Self {
            n,
            group: None,
            slot: None,
        }
    }

    /// Cluster bootstrap: `group_of[i]` in `0..n_groups` is the group of sample `i`.
    ///
    /// # Panics
    /// If a group index is `>= n_groups`.
    pub fn clustered(group_of: Vec<u32>, n_groups: usize) -> Self {
        assert!(
            group_of.iter().all(|&g| (g as usize) < n_groups),
            "group index out of range"
        );
        let n = group_of.len();
        Self {
            n,
            group: Some((group_of, n_groups)),
            slot: None,
        }
    }

    /// The number of samples a replicate covers.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The number of independent units drawn per replicate (samples, or groups when clustered).
    pub fn units(&self) -> usize {
        self.group.as_ref().map_or(self.n, |(_, k)| *k)
    }

    /// Returns the same resampler with samples reordered: sample `p` of the result is sample
    /// `order[p]` of `self`. Used to draw directly in a sorted layout. The draws are unchanged:
    /// replicate `b` gives every sample the same count as `self` does, at its new position.
    ///
    /// # Panics
    /// If `order` is not a permutation of `0..self.len()`.
    pub fn permuted(&self, order: &[u32]) -> Self {
        assert_eq!(
            order.len(),
            self.n,
            "order must be a permutation of the samples"
        );
        match &self.group {
            None => {
                // inverse[old position] = new position.
                let mut inverse = vec![u32::MAX; self.n];
                for (p, &i) in order.iter().enumerate() {
                    inverse[i as usize] = p as u32;
                }
                assert!(
                    inverse.iter().all(|&p| p != u32::MAX),
                    "order must be a permutation of the samples"
                );
                let slot = match &self.slot {
                    None => inverse,
                    Some(old) => old.iter().map(|&q| inverse[q as usize]).collect(),
                };
                Self {
                    n: self.n,
                    group: None,
                    slot: Some(slot),
                }
            }
            Some((g, k)) => Self::clustered(order.iter().map(|&i| g[i as usize]).collect(), *k),
        }
    }

    /// Fills `counts` (length [`Self::len`]) with replicate `b` of the run seeded by `seed`.
    /// `scratch` is reused between calls for the group counts.
    pub fn draw(&self, seed: u64, b: u64, counts: &mut [u32], scratch: &mut Vec<u32>) {
        let mut rng = Xoshiro256pp::for_stream(seed, b);
        counts.fill(0);
        match &self.group {
            None => {
                let n = self.n as u64;
                match &self.slot {
                    None => {
                        for _ in 0..self.n {
                            counts[rng.below(n) as usize] += 1;
                        }
                    }
                    Some(slot) => {
                        for _ in 0..self.n {
                            counts[slot[rng.below(n) as usize] as usize] += 1;
                        }
                    }
                }
            }
            Some((group_of, k)) => {
                scratch.clear();
                scratch.resize(*k, 0);
                for _ in 0..*k {
                    scratch[rng.below(*k as u64) as usize] += 1;
                }
                for (c, &g) in counts.iter_mut().zip(group_of) {
                    *c = scratch[g as usize];
                }
            }
        }
    }

    /// Runs `replicates` replicates in parallel and returns `stat(counts)` for each, in replicate
    /// order. `on_done` is called once per finished replicate (for a progress bar).
    pub fn run<F>(
        &self,
        replicates: usize,
        seed: u64,
        stat: F,
        on_done: &(dyn Fn() + Sync),
    ) -> Vec<Vec<f64>>
    where
        F: Fn(&[u32]) -> Vec<f64> + Sync,
    {
        (0..replicates as u64)
            .into_par_iter()
            .map_init(
                || (vec![0u32; self.n], Vec::new()),
                |(counts, scratch), b| {
                    self.draw(seed, b, counts, scratch);
                    let out = stat(counts);
                    on_done();
                    out
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_draw_sums_to_n() {
        let r = Resampler::plain(100);
        let mut c = vec![0; 100];
        r.draw(1, 0, &mut c, &mut Vec::new());
        assert_eq!(c.iter().map(|&x| x as usize).sum::<usize>(), 100);
    }

    #[test]
    fn clustered_draw_keeps_groups_whole() {
        let groups = vec![0, 0, 1, 1, 1, 2];
        let r = Resampler::clustered(groups.clone(), 3);
        let mut c = vec![0; 6];
        for b in 0..20 {
            r.draw(5, b, &mut c, &mut Vec::new());
            assert_eq!(c[0], c[1]);
            assert_eq!(c[2], c[3]);
            assert_eq!(c[3], c[4]);
            let drawn: u32 = [c[0], c[2], c[5]].iter().sum();
            assert_eq!(drawn, 3);
        }
    }

    /// A reordered layout moves each sample's count to its new position and changes nothing
    /// else: the per-sample counts of replicate `b` depend on (seed, b, n, groups) only.
    #[test]
    fn permuted_layouts_draw_the_same_counts_per_sample() {
        let n = 37;
        // A scrambled order and a second one on top of it.
        let order: Vec<u32> = (0..n as u32).map(|i| (i * 11 + 5) % n as u32).collect();
        let order2: Vec<u32> = (0..n as u32).rev().collect();
        let groups: Vec<u32> = (0..n as u32).map(|i| i % 6).collect();
        for base in [Resampler::plain(n), Resampler::clustered(groups, 6)] {
            let once = base.permuted(&order);
            let twice = once.permuted(&order2);
            let (mut c0, mut c1, mut c2) = (vec![0; n], vec![0; n], vec![0; n]);
            for b in 0..25 {
                base.draw(3, b, &mut c0, &mut Vec::new());
                once.draw(3, b, &mut c1, &mut Vec::new());
                twice.draw(3, b, &mut c2, &mut Vec::new());
                for p in 0..n {
                    assert_eq!(c1[p], c0[order[p] as usize], "replicate {b}, position {p}");
                    let sample = order[order2[p] as usize] as usize;
                    assert_eq!(c2[p], c0[sample], "replicate {b}, position {p}");
                }
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        let r = Resampler::plain(50);
        let stat = |c: &[u32]| {
            vec![
                c.iter()
                    .enumerate()
                    .map(|(i, &x)| (i as f64) * f64::from(x))
                    .sum(),
            ]
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let a = one.install(|| r.run(64, 9, stat, &|| {}));
        let b = r.run(64, 9, stat, &|| {});
        assert_eq!(a, b);
    }
}
