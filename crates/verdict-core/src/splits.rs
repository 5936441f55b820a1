//! Train/val/test splits checked as data: leakage, duplicates, label drift, metadata shortcuts,
//! conditions one split lacks, and splits too small for the precision claimed on them.
//!
//! Why a module of its own: half of the wrong conclusions of seed 001 came from the split, not
//! the model (a battery on both sides, a regenerated test split, an axis that almost decides the
//! label, a training split without the x slices the test split has). None of that is visible in a
//! model's predictions, so `eval` cannot see it; it is visible in the split manifests alone. This
//! module takes the manifests as read (every column as text, validated by the reader) and returns
//! the figures and the [`Finding`]s of `verdict splits check` ([`check_splits`]) and the changes of
//! `verdict splits diff` ([`diff`]). It reads no file and formats no number.
//!
//! The statistics are the reference libraries' (fixtures in `tests/fixtures/splits`, made by
//! `python/make_splits_fixtures.py`): [`chi2_homogeneity`] is scipy's
//! `chi2_contingency(correction=False)` with Cramér's V, [`normalized_mutual_info`] is
//! scikit-learn's `normalized_mutual_info_score(average_method="arithmetic")`, [`wilson`] is
//! statsmodels' `proportion_confint(method="wilson")`.
//!
//! Everything is one pass over the rows with hash maps (strings interned to `u32` once), so a
//! 1.33 M-row split set costs a few hash look-ups per row and column.
//!
//! # Conventions
//! * Classes are the labels of all splits together, sorted (byte order); so are the values of a
//!   metadata column. A split that lacks a metadata column is left out of that column's checks.
//! * Ties: the majority label of a value is the first class (in class order) with the largest
//!   count.
//! * Lists named in a finding hold at most [`SplitRules::listed`] entries, and end with `…` when
//!   there are more.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::diagnostics::Finding;
use crate::stats::{Neumaier, normal_quantile};

/// The hash maps of this module: ids, hashes and groups are the user's own manifests, not
/// adversarial input, so a fast multiplicative hash (rustc's FxHash) replaces SipHash; it makes
/// the 1.33 M-row checks several times faster.
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fx>>;
type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fx>>;

/// FxHash: rotate, xor a word, multiply; mixed at the end.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    #[inline]
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.word(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.word(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.word(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.word(i as u64);
    }

    /// With a final mix (murmur3's `fmix64` half): the multiply only carries low bits upwards,
    /// and hashbrown picks buckets by the low bits.
    #[inline]
    fn finish(&self) -> u64 {
        let x = self.0 ^ (self.0 >> 33);
        let x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^ (x >> 33)
    }
}

/// One split as read from its manifest (all columns as text; the reader validated them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Split {
    /// The split's name (`train`, `val`, `test`: from the file name or `--names`).
    pub name: String,
    /// One id per row.
    pub ids: Vec<String>,
    /// One label per row.
    pub labels: Vec<String>,
    /// One group per row (battery, patient, session), when the manifest has a group column.
    pub groups: Option<Vec<String>>,
    /// One content hash (or file path) per row, when the manifest has a hash column.
    pub hashes: Option<Vec<String>>,
    /// Metadata columns by name, one value per row each.
    pub meta: Vec<(String, Vec<String>)>,
}

impl Split {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True for a split without rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Thresholds of every split check, documented defaults ([`Default`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SplitRules {
    /// `label_drift`: a class with fewer samples than this in a split (or none) warns (30).
    pub min_class: u64,
    /// `metadata_shortcut`: a value whose majority-label share is at least this (0.95)…
    pub shortcut_share: f64,
    /// … with at least this many rows (100)…
    pub shortcut_min_n: u64,
    /// … while the overall majority share is at least this much lower (0.2: "far lower"), warns.
    pub shortcut_gap: f64,
    /// `metadata_shortcut`: a column whose normalised mutual information with the label is at
    /// least this warns on its own (0.5).
    pub shortcut_nmi: f64,
    /// `condition_mismatch`: a value is "present" in a split from this share of its rows, and
    /// "absent" below it (0.01).
    pub condition_share: f64,
    /// The confidence level of every interval (0.95).
    pub level: f64,
    /// `small_split`: a split warns when the half-width of its accuracy interval (at the rate 0.5),
    /// or of its group-level interval, is above this (0.05: ±5 points).
    pub max_half_width: f64,
    /// `label_drift`: the chi-squared test's significance level; a significant test alone makes an
    /// `info` finding (0.05).
    pub alpha: f64,
    /// How many groups, ids or values a finding names (20).
    pub listed: usize,
}

impl Default for SplitRules {
    fn default() -> SplitRules {
        SplitRules {
            min_class: 30,
            shortcut_share: 0.95,
            shortcut_min_n: 100,
            shortcut_gap: 0.2,
            shortcut_nmi: 0.5,
            condition_share: 0.01,
            level: 0.95,
            max_half_width: 0.05,
            alpha: 0.05,
            listed: 20,
        }
    }
}

/// Everything `verdict splits check` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitsReport {
    /// The splits' names, in input order.
    pub names: Vec<String>,
    /// The classes (labels of all splits, sorted).
    pub classes: Vec<String>,
    /// `class_counts[split][class]`.
    pub class_counts: Vec<Vec<u64>>,
    /// The chi-squared test of homogeneity of the class proportions across splits (`None` with
    /// fewer than two non-empty splits or two classes).
    pub label_drift: Option<Homogeneity>,
    /// One per metadata column (in order of first appearance), pooled over the splits that have it.
    pub shortcuts: Vec<Shortcut>,
    /// One per split, in split order: the precision it allows (whether it is too small is the
    /// `small_split` findings').
    pub small: Vec<SmallSplit>,
    /// Groups found in more than one split, largest first (all of them; findings name the first
    /// [`SplitRules::listed`]).
    pub shared_groups: Vec<SharedKey>,
    /// The findings, in registry order.
    pub findings: Vec<Finding>,
}

/// A group (or id, or hash) found in more than one split.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedKey {
    /// The group.
    pub key: String,
    /// Its rows in each split (`[split]`).
    pub rows: Vec<u64>,
}

/// A chi-squared test of homogeneity with its effect size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homogeneity {
    /// Pearson's χ² (no continuity correction).
    pub chi2: f64,
    /// Degrees of freedom, (r − 1)(c − 1) of the table without all-zero rows and columns.
    pub dof: u64,
    /// `P(χ²_dof ≥ chi2)`.
    pub p_value: f64,
    /// Cramér's V, √(χ² / (n · (min(r, c) − 1))).
    pub cramers_v: f64,
}

/// How much one metadata column tells about the label.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcut {
    /// The column.
    pub column: String,
    /// Normalised mutual information of the column with the label (arithmetic mean).
    pub nmi: f64,
    /// Per value (sorted), its majority label.
    pub values: Vec<ValueShare>,
}

/// One value of a metadata column and the label it mostly comes with.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueShare {
    /// The value.
    pub value: String,
    /// Its rows.
    pub n: u64,
    /// Its most frequent label.
    pub majority_label: String,
    /// That label's share of the value's rows.
    pub share: f64,
    /// The Wilson interval of `share` at [`SplitRules::level`].
    pub ci: (f64, f64),
}

/// The precision one split allows.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallSplit {
    /// The split.
    pub split: String,
    /// Its rows.
    pub n: u64,
    /// Half-width of the Wilson interval on an accuracy of 0.5 over `n` rows (the widest one; a
    /// property of the split's size alone).
    pub accuracy_half_width: f64,
    /// Its distinct groups, when grouped.
    pub groups: Option<u64>,
    /// The same half-width over `groups` samples: what the split says about new groups.
    pub group_half_width: Option<f64>,
}

/// Interns strings to dense `u32` codes in order of first appearance.
#[derive(Default)]
struct Interner<'a> {
    codes: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn code(&mut self, s: &'a str) -> (u32, bool) {
        if let Some(&c) = self.codes.get(s) {
            return (c, false);
        }
        let c = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.codes.insert(s, c);
        self.names.push(s);
        (c, true)
    }

    /// `remap[code]` = the rank of the string in byte order, and the sorted strings.
    fn sorted(&self) -> (Vec<u32>, Vec<String>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(self.names[b as usize]));
        let mut remap = vec![0u32; order.len()];
        for (rank, &c) in order.iter().enumerate() {
            remap[c as usize] = rank as u32;
        }
        let names = order
            .iter()
            .map(|&c| self.names[c as usize].to_string())
            .collect();
        (remap, names)
    }
}

/// Checks `splits` (in input order) by `rules`: every figure of [`SplitsReport`] and its findings
/// (`group_leakage`, `id_overlap`, `duplicate_content`, `label_drift`, `metadata_shortcut`,
/// `condition_mismatch`, `small_split`; docs/checks.md says what decides each).
pub fn check_splits(splits: &[Split], rules: &SplitRules) -> SplitsReport {
    let names: Vec<String> = splits.iter().map(|s| s.name.clone()).collect();
    let k = splits.len();

    // Labels → sorted class codes, one pass.
    let mut interner = Interner::default();
    let codes: Vec<Vec<u32>> = splits
        .iter()
        .map(|s| s.labels.iter().map(|l| interner.code(l).0).collect())
        .collect();
    let (remap, classes) = interner.sorted();
    let labels: Vec<Vec<u32>> = codes
        .into_iter()
        .map(|v| v.into_iter().map(|c| remap[c as usize]).collect())
        .collect();
    let c = classes.len();
    let class_counts: Vec<Vec<u64>> = labels
        .iter()
        .map(|ls| {
            let mut counts = vec![0u64; c];
            for &l in ls {
                counts[l as usize] += 1;
            }
            counts
        })
        .collect();
    let label_drift = chi2_homogeneity(&class_counts);

    let mut findings = Vec::new();

    // The independent passes over the rows run in parallel (each is one hash-map pass; the
    // results do not depend on the thread count).
    let ids: Vec<Option<&[String]>> = splits.iter().map(|s| Some(s.ids.as_slice())).collect();
    let hashes: Vec<Option<&[String]>> = splits.iter().map(|s| s.hashes.as_deref()).collect();
    let columns = meta_columns(splits);
    let ((shared_groups, tables), (dup_ids, dup_hashes)) = rayon::join(
        || {
            rayon::join(
                || shared_groups(splits),
                || {
                    use rayon::prelude::*;
                    columns
                        .par_iter()
                        .map(|column| MetaTable::build(splits, &labels, column, c))
                        .collect::<Vec<_>>()
                },
            )
        },
        || {
            rayon::join(
                || duplicates(splits, &ids),
                || {
                    if hashes.iter().any(Option::is_some) {
                        duplicates(splits, &hashes)
                    } else {
                        None
                    }
                },
            )
        },
    );

    // group_leakage
    if let Some(f) = group_leakage_finding(splits, &shared_groups, rules) {
        findings.push(f);
    }

    // id_overlap, duplicate_content
    if let Some(d) = dup_ids {
        findings.push(duplicate_finding("id_overlap", &d, &names, rules));
    }
    if let Some(d) = dup_hashes {
        findings.push(duplicate_finding("duplicate_content", &d, &names, rules));
    }

    // label_drift
    if let Some(f) = label_drift_finding(splits, &classes, &class_counts, label_drift, rules) {
        findings.push(f);
    }

    // metadata_shortcut and condition_mismatch, per column
    let mut shortcuts = Vec::with_capacity(columns.len());
    let mut mismatches = Vec::new();
    for (column, m) in columns.iter().zip(&tables) {
        let (shortcut, finding) = shortcut(m, column, &classes, rules);
        shortcuts.push(shortcut);
        if let Some(f) = finding {
            findings.push(f);
        }
        mismatches.extend(condition_mismatches(m, column, &names, rules));
    }
    findings.extend(mismatches);

    // small_split
    let small: Vec<SmallSplit> = splits
        .iter()
        .map(|s| {
            let n = s.len() as u64;
            let groups = s.groups.as_ref().map(|g| {
                let distinct: HashSet<&str> = g.iter().map(String::as_str).collect();
                distinct.len() as u64
            });
            SmallSplit {
                split: s.name.clone(),
                n,
                accuracy_half_width: half_width_at_one_half(n, rules.level),
                groups,
                group_half_width: groups.map(|g| half_width_at_one_half(g, rules.level)),
            }
        })
        .collect();
    for s in &small {
        let judged = !s.split.to_ascii_lowercase().starts_with("train");
        let too_wide = s.accuracy_half_width > rules.max_half_width
            || s.group_half_width.is_some_and(|h| h > rules.max_half_width);
        if judged && too_wide {
            findings.push(crate::diagnostics::small_split(s, rules));
        }
    }

    debug_assert_eq!(class_counts.len(), k);
    SplitsReport {
        names,
        classes,
        class_counts,
        label_drift,
        shortcuts,
        small,
        shared_groups,
        findings,
    }
}

/// Groups in more than one of the grouped splits, by total rows (largest first, then by name).
fn shared_groups(splits: &[Split]) -> Vec<SharedKey> {
    let k = splits.len();
    let mut interner = Interner::default();
    // counts[group * k + split]; `last[group]` = the last split seen, `multi[group]`.
    let mut counts: Vec<u64> = Vec::new();
    let mut last: Vec<u32> = Vec::new();
    let mut multi: Vec<bool> = Vec::new();
    for (si, s) in splits.iter().enumerate() {
        let Some(groups) = &s.groups else { continue };
        for g in groups {
            let (code, new) = interner.code(g);
            let code = code as usize;
            if new {
                counts.extend(std::iter::repeat_n(0, k));
                last.push(si as u32);
                multi.push(false);
            } else if last[code] != si as u32 {
                last[code] = si as u32;
                multi[code] = true;
            }
            counts[code * k + si] += 1;
        }
    }
    let mut out: Vec<SharedKey> = multi
        .iter()
        .enumerate()
        .filter(|(_, m)| **m)
        .map(|(g, _)| SharedKey {
            key: interner.names[g].to_string(),
            rows: counts[g * k..(g + 1) * k].to_vec(),
        })
        .collect();
    out.sort_by(|a, b| {
        let (ta, tb) = (a.rows.iter().sum::<u64>(), b.rows.iter().sum::<u64>());
        tb.cmp(&ta).then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// `"train 140, test 3"`: the non-zero counts of `rows` by split name.
fn per_split(rows: &[u64], names: &[String]) -> String {
    rows.iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(n, s)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `items` joined by `; `, the first `listed` of them, with `…` when there are more.
fn listing(items: impl Iterator<Item = String>, total: usize, listed: usize) -> String {
    let mut s = items.take(listed).collect::<Vec<_>>().join("; ");
    if total > listed {
        s.push_str("; …");
    }
    s
}

fn group_leakage_finding(
    splits: &[Split],
    shared: &[SharedKey],
    rules: &SplitRules,
) -> Option<Finding> {
    if shared.is_empty() {
        return None;
    }
    let names: Vec<String> = splits.iter().map(|s| s.name.clone()).collect();
    let total_groups = splits
        .iter()
        .filter_map(|s| s.groups.as_ref())
        .flatten()
        .map(String::as_str)
        .collect::<HashSet<&str>>()
        .len();
    let groups = listing(
        shared
            .iter()
            .map(|g| format!("{} ({})", g.key, per_split(&g.rows, &names))),
        shared.len(),
        rules.listed,
    );
    let mut held = vec![0u64; splits.len()];
    for g in shared {
        for (h, r) in held.iter_mut().zip(&g.rows) {
            *h += r;
        }
    }
    let held = held
        .iter()
        .zip(splits)
        .filter(|(h, _)| **h > 0)
        .map(|(h, s)| format!("{} {h}/{}", s.name, s.len()))
        .collect::<Vec<_>>()
        .join(", ");
    Some(crate::diagnostics::group_leakage(
        shared.len() as u64,
        total_groups as u64,
        groups,
        held,
        rules,
    ))
}

/// Keys (ids or hashes) repeated across or within splits.
struct Duplicates {
    /// Keys in more than one split, sorted, with their rows per split.
    across: Vec<SharedKey>,
    /// Rows that repeat a key earlier in the same split, per split.
    within: Vec<u64>,
    /// For hashes: up to three ids per split of each shared key (`[key][split]`).
    ids: Vec<Vec<Vec<String>>>,
}

fn duplicates(splits: &[Split], keys: &[Option<&[String]>]) -> Option<Duplicates> {
    /// What is known of a key so far. Splits are walked one after the other, so a key seen again
    /// in the split it was last seen in repeats within that split.
    struct Seen {
        last: u32,
        /// Index into `multi` once the key is in a second split.
        multi: u32,
        /// Its rows in the first split it was seen in, and the first three of them.
        first_rows: u64,
        first: (u32, [usize; 3]),
    }
    let k = splits.len();
    let rows: usize = keys.iter().flatten().map(|c| c.len()).sum();
    let mut seen: HashMap<&str, Seen> = HashMap::with_capacity_and_hasher(rows, Default::default());
    let mut within = vec![0u64; k];
    // (key, rows per split, up to three ids per split) of the keys in several splits.
    type Multi<'k> = (&'k str, Vec<u64>, Vec<Vec<String>>);
    let mut multi: Vec<Multi<'_>> = Vec::new();
    let id_of = |s: usize, row: usize| splits[s].ids.get(row).cloned().unwrap_or_default();
    for (si, col) in keys.iter().enumerate() {
        let Some(col) = col else { continue };
        let s = si as u32;
        for (row, key) in col.iter().enumerate() {
            let Some(e) = seen.get_mut(key.as_str()) else {
                seen.insert(
                    key,
                    Seen {
                        last: s,
                        multi: u32::MAX,
                        first_rows: 1,
                        first: (s, [row, 0, 0]),
                    },
                );
                continue;
            };
            if e.last == s {
                within[si] += 1;
                if e.multi == u32::MAX {
                    if e.first_rows < 3 {
                        e.first.1[e.first_rows as usize] = row;
                    }
                    e.first_rows += 1;
                    continue;
                }
            } else if e.multi == u32::MAX {
                e.multi = multi.len() as u32;
                let mut rows = vec![0u64; k];
                let mut ids = vec![Vec::new(); k];
                let (fs, first_rows) = e.first;
                rows[fs as usize] = e.first_rows;
                ids[fs as usize] = first_rows[..e.first_rows.min(3) as usize]
                    .iter()
                    .map(|&r| id_of(fs as usize, r))
                    .collect();
                multi.push((key, rows, ids));
            }
            e.last = s;
            let entry = &mut multi[e.multi as usize];
            entry.1[si] += 1;
            if entry.2[si].len() < 3 {
                entry.2[si].push(id_of(si, row));
            }
        }
    }
    if multi.is_empty() && within.iter().all(|w| *w == 0) {
        return None;
    }
    let mut across: Vec<(SharedKey, Vec<Vec<String>>)> = multi
        .into_iter()
        .map(|(key, rows, ids)| {
            (
                SharedKey {
                    key: key.to_string(),
                    rows,
                },
                ids,
            )
        })
        .collect();
    across.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    let (across, ids) = across.into_iter().unzip();
    Some(Duplicates {
        across,
        within,
        ids,
    })
}

fn duplicate_finding(
    id: &'static str,
    d: &Duplicates,
    names: &[String],
    rules: &SplitRules,
) -> Finding {
    let hashes = id == "duplicate_content";
    let examples = listing(
        d.across.iter().zip(&d.ids).map(|(key, ids)| {
            if hashes {
                ids.iter()
                    .zip(names)
                    .filter(|(v, _)| !v.is_empty())
                    .map(|(v, s)| format!("{s}: {}", v.join(", ")))
                    .collect::<Vec<_>>()
                    .join(" = ")
            } else {
                format!("{} ({})", key.key, per_split(&key.rows, names))
            }
        }),
        d.across.len(),
        rules.listed,
    );
    let within: u64 = d.within.iter().sum();
    let within_text = per_split(&d.within, names);
    crate::diagnostics::duplicate_keys(id, d.across.len() as u64, examples, within, within_text)
}

fn label_drift_finding(
    splits: &[Split],
    classes: &[String],
    counts: &[Vec<u64>],
    h: Option<Homogeneity>,
    rules: &SplitRules,
) -> Option<Finding> {
    let mut scarce = Vec::new();
    for (s, row) in splits.iter().zip(counts) {
        if s.is_empty() {
            continue;
        }
        for (class, &n) in classes.iter().zip(row) {
            if n < rules.min_class {
                scarce.push(format!("{class} ({} {n})", s.name));
            }
        }
    }
    let significant = h.is_some_and(|h| h.p_value < rules.alpha);
    if scarce.is_empty() && !significant {
        return None;
    }
    let cells = scarce.len();
    Some(crate::diagnostics::label_drift(
        cells as u64,
        listing(scarce.into_iter(), cells, rules.listed),
        h,
        rules,
    ))
}

fn meta_columns(splits: &[Split]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for s in splits {
        for (name, _) in &s.meta {
            if seen.insert(name.as_str()) {
                out.push(name.clone());
            }
        }
    }
    out
}

/// One metadata column over the splits that have it: values sorted, rows per (value, split) and
/// per (value, class).
struct MetaTable {
    values: Vec<String>,
    /// `by_split[value][split]`.
    by_split: Vec<Vec<u64>>,
    /// `by_class[value][class]`.
    by_class: Vec<Vec<u64>>,
    /// The rows of each split that has the column (`None`: it has not).
    split_rows: Vec<Option<u64>>,
}

impl MetaTable {
    fn build(splits: &[Split], labels: &[Vec<u32>], column: &str, classes: usize) -> MetaTable {
        let k = splits.len();
        let mut interner = Interner::default();
        let mut by_split: Vec<u64> = Vec::new();
        let mut by_class: Vec<u64> = Vec::new();
        let mut split_rows = vec![None; k];
        for (si, s) in splits.iter().enumerate() {
            let Some((_, values)) = s.meta.iter().find(|(n, _)| n == column) else {
                continue;
            };
            split_rows[si] = Some(values.len() as u64);
            for (v, &l) in values.iter().zip(&labels[si]) {
                let (code, new) = interner.code(v);
                if new {
                    by_split.extend(std::iter::repeat_n(0, k));
                    by_class.extend(std::iter::repeat_n(0, classes));
                }
                by_split[code as usize * k + si] += 1;
                by_class[code as usize * classes + l as usize] += 1;
            }
        }
        let (remap, values) = interner.sorted();
        let mut s_rows = vec![Vec::new(); values.len()];
        let mut c_rows = vec![Vec::new(); values.len()];
        for (code, &rank) in remap.iter().enumerate() {
            s_rows[rank as usize] = by_split[code * k..(code + 1) * k].to_vec();
            c_rows[rank as usize] = by_class[code * classes..(code + 1) * classes].to_vec();
        }
        MetaTable {
            values,
            by_split: s_rows,
            by_class: c_rows,
            split_rows,
        }
    }
}

/// The index and count of the largest entry (the first of equal ones).
fn majority(counts: &[u64]) -> (usize, u64) {
    let mut best = (0, 0);
    for (i, &n) in counts.iter().enumerate() {
        if n > best.1 {
            best = (i, n);
        }
    }
    best
}

fn shortcut(
    m: &MetaTable,
    column: &str,
    classes: &[String],
    rules: &SplitRules,
) -> (Shortcut, Option<Finding>) {
    let nmi = nmi_from_contingency(&m.by_class);
    let values: Vec<ValueShare> = m
        .values
        .iter()
        .zip(&m.by_class)
        .map(|(v, row)| {
            let n: u64 = row.iter().sum();
            let (l, top) = majority(row);
            ValueShare {
                value: v.clone(),
                n,
                majority_label: classes.get(l).cloned().unwrap_or_default(),
                share: if n == 0 {
                    f64::NAN
                } else {
                    top as f64 / n as f64
                },
                ci: wilson(top, n, rules.level),
            }
        })
        .collect();
    let mut totals = vec![0u64; classes.len()];
    for row in &m.by_class {
        for (t, x) in totals.iter_mut().zip(row) {
            *t += x;
        }
    }
    let n_all: u64 = totals.iter().sum();
    let overall = if n_all == 0 {
        f64::NAN
    } else {
        majority(&totals).1 as f64 / n_all as f64
    };
    let by_share = |a: &&ValueShare, b: &&ValueShare| {
        a.share
            .total_cmp(&b.share)
            .then(a.n.cmp(&b.n))
            .then_with(|| b.value.cmp(&a.value))
    };
    let eligible = values.iter().filter(|v| v.n >= rules.shortcut_min_n);
    let strong = eligible
        .clone()
        .filter(|v| v.share >= rules.shortcut_share && overall <= v.share - rules.shortcut_gap)
        .max_by(by_share);
    let fires = strong.is_some() || nmi >= rules.shortcut_nmi;
    let finding = if fires {
        let shown = strong
            .or_else(|| eligible.max_by(by_share))
            .or_else(|| values.iter().max_by(by_share));
        shown.map(|v| crate::diagnostics::metadata_shortcut(column, nmi, v, overall, rules))
    } else {
        None
    };
    (
        Shortcut {
            column: column.to_string(),
            nmi,
            values,
        },
        finding,
    )
}

fn condition_mismatches(
    m: &MetaTable,
    column: &str,
    names: &[String],
    rules: &SplitRules,
) -> Vec<Finding> {
    let k = names.len();
    let mut out = Vec::new();
    let share = |v: usize, s: usize| -> Option<f64> {
        let rows = m.split_rows[s]?;
        (rows > 0).then(|| m.by_split[v][s] as f64 / rows as f64)
    };
    for present in 0..k {
        for missing in 0..k {
            if present == missing {
                continue;
            }
            let (Some(rows_present), Some(_)) = (m.split_rows[present], m.split_rows[missing])
            else {
                continue;
            };
            let mut hits: Vec<(usize, u64)> = Vec::new();
            for v in 0..m.values.len() {
                let (Some(sp), Some(sm)) = (share(v, present), share(v, missing)) else {
                    continue;
                };
                if sp >= rules.condition_share && sm < rules.condition_share {
                    hits.push((v, m.by_split[v][present]));
                }
            }
            if hits.is_empty() {
                continue;
            }
            let rows: u64 = hits.iter().map(|h| h.1).sum();
            let absent = hits.iter().all(|&(v, _)| m.by_split[v][missing] == 0);
            hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let values = listing(
                hits.iter().map(|&(v, _)| m.values[v].clone()),
                hits.len(),
                rules.listed,
            );
            out.push(crate::diagnostics::condition_mismatch(
                &crate::diagnostics::Mismatch {
                    column,
                    values,
                    count: hits.len() as u64,
                    present: &names[present],
                    rows,
                    share: rows as f64 / rows_present as f64,
                    missing: &names[missing],
                    absent,
                },
                rules,
            ));
        }
    }
    out
}

/// Pearson's chi-squared test of homogeneity of `table` (rows = splits, columns = classes), as
/// scipy's `chi2_contingency(table, correction=False)`, with Cramér's V. All-zero rows (empty
/// splits) and columns (classes no split has) are dropped first (scipy refuses the zero expected
/// counts they make); `None` when fewer than two rows or two columns remain.
pub fn chi2_homogeneity(table: &[Vec<u64>]) -> Option<Homogeneity> {
    let cols = table.iter().map(Vec::len).max().unwrap_or(0);
    let col_sums: Vec<u64> = (0..cols)
        .map(|j| table.iter().map(|r| r.get(j).copied().unwrap_or(0)).sum())
        .collect();
    let keep_cols: Vec<usize> = (0..cols).filter(|&j| col_sums[j] > 0).collect();
    let rows: Vec<&Vec<u64>> = table
        .iter()
        .filter(|r| {
            keep_cols
                .iter()
                .any(|&j| r.get(j).copied().unwrap_or(0) > 0)
        })
        .collect();
    let (r, c) = (rows.len(), keep_cols.len());
    if r < 2 || c < 2 {
        return None;
    }
    let n: u64 = keep_cols.iter().map(|&j| col_sums[j]).sum();
    let nf = n as f64;
    let mut chi2 = Neumaier::default();
    for row in &rows {
        let row_sum: u64 = keep_cols
            .iter()
            .map(|&j| row.get(j).copied().unwrap_or(0))
            .sum();
        for &j in &keep_cols {
            let expected = row_sum as f64 * col_sums[j] as f64 / nf;
            let d = row.get(j).copied().unwrap_or(0) as f64 - expected;
            chi2.add(d * d / expected);
        }
    }
    let chi2 = chi2.total();
    let dof = ((r - 1) * (c - 1)) as u64;
    let p_value = crate::stats::chi2_sf(chi2, dof as f64);
    let cramers_v = (chi2 / (nf * (r.min(c) - 1) as f64)).sqrt();
    Some(Homogeneity {
        chi2,
        dof,
        p_value,
        cramers_v,
    })
}

/// scikit-learn's `normalized_mutual_info_score(x, y, average_method="arithmetic")`: the mutual
/// information of the two labellings divided by the mean of their entropies (natural logs). As
/// scikit-learn: 1 when both have a single value (or both are empty), 0 when the mutual
/// information is 0. Unequal lengths use the common prefix.
pub fn normalized_mutual_info(x: &[u32], y: &[u32]) -> f64 {
    fn dense(codes: &mut HashMap<u32, usize>, v: u32) -> usize {
        let next = codes.len();
        *codes.entry(v).or_insert(next)
    }
    let (mut xi, mut yi) = (HashMap::default(), HashMap::default());
    let mut cells: HashMap<(usize, usize), u64> = HashMap::default();
    for (&a, &b) in x.iter().zip(y) {
        let cell = (dense(&mut xi, a), dense(&mut yi, b));
        *cells.entry(cell).or_insert(0) += 1;
    }
    let mut table = vec![vec![0u64; yi.len()]; xi.len()];
    for ((a, b), n) in cells {
        table[a][b] = n;
    }
    nmi_from_contingency(&table)
}

/// [`normalized_mutual_info`] from the contingency table of the two labellings (rows: the values
/// of one, columns: of the other; all-zero rows and columns are values that do not occur).
pub fn nmi_from_contingency(table: &[Vec<u64>]) -> f64 {
    let row_sums: Vec<u64> = table.iter().map(|r| r.iter().sum()).collect();
    let cols = table.iter().map(Vec::len).max().unwrap_or(0);
    let col_sums: Vec<u64> = (0..cols)
        .map(|j| table.iter().map(|r| r.get(j).copied().unwrap_or(0)).sum())
        .collect();
    let pi: Vec<u64> = row_sums.iter().copied().filter(|&n| n > 0).collect();
    let pj: Vec<u64> = col_sums.iter().copied().filter(|&n| n > 0).collect();
    if (pi.len() == 1 && pj.len() == 1) || (pi.is_empty() && pj.is_empty()) {
        return 1.0;
    }
    if pi.len() <= 1 || pj.len() <= 1 {
        return 0.0;
    }
    let n: u64 = pi.iter().sum();
    let nf = n as f64;
    let ln_n = nf.ln();
    let eps = f64::EPSILON;
    let mut mi = Neumaier::default();
    for (i, row) in table.iter().enumerate() {
        for (j, &cell) in row.iter().enumerate() {
            if cell == 0 {
                continue;
            }
            let c = cell as f64;
            let p = c / nf;
            let outer = (row_sums[i] as f64) * (col_sums[j] as f64);
            let term = p * (c.ln() - ln_n) + p * (-outer.ln() + ln_n + ln_n);
            if term.abs() >= eps {
                mi.add(term);
            }
        }
    }
    let mi = mi.total().max(0.0);
    if mi == 0.0 {
        return 0.0;
    }
    let entropy = |counts: &[u64]| -> f64 {
        let mut h = Neumaier::default();
        for &k in counts {
            let k = k as f64;
            h.add(-(k / nf) * (k.ln() - ln_n));
        }
        h.total()
    };
    mi / ((entropy(&pi) + entropy(&pj)) / 2.0)
}

/// The Wilson score interval of `successes` out of `n` at confidence `level`: statsmodels'
/// `proportion_confint(successes, n, alpha=1 − level, method="wilson")` (clipped to [0, 1] as it
/// is). `n = 0` gives (0, 1), the whole range (statsmodels divides by zero).
pub fn wilson(successes: u64, n: u64, level: f64) -> (f64, f64) {
    wilson_rate(successes as f64, n, level)
}

fn wilson_rate(successes: f64, n: u64, level: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let q = successes / nf;
    let crit = -normal_quantile((1.0 - level) / 2.0);
    let crit2 = crit * crit;
    let denom = 1.0 + crit2 / nf;
    let center = (q + crit2 / (2.0 * nf)) / denom;
    let dist = crit * (q * (1.0 - q) / nf + crit2 / (4.0 * nf * nf)).sqrt() / denom;
    (
        (center - dist).clamp(0.0, 1.0),
        (center + dist).clamp(0.0, 1.0),
    )
}

/// Half the width of the Wilson interval at the rate 0.5 over `n` samples (the widest at that
/// `n`): `small_split`'s measure. 0.5 for `n = 0`.
pub fn half_width_at_one_half(n: u64, level: f64) -> f64 {
    let (lo, hi) = wilson_rate(n as f64 / 2.0, n, level);
    (hi - lo) / 2.0
}

/// What changed between two versions of a split.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitDiff {
    /// Ids only in the new version (sorted).
    pub added: Vec<String>,
    /// Ids only in the old version (sorted).
    pub removed: Vec<String>,
    /// `(id, old label, new label)` of ids in both whose label changed (sorted by id).
    pub relabelled: Vec<(String, String, String)>,
    /// `(id, old group, new group)` of ids in both whose group changed, when both versions are
    /// grouped (sorted by id).
    pub regrouped: Vec<(String, String, String)>,
    /// The classes of both versions (sorted).
    pub classes: Vec<String>,
    /// Rows per class in the old version (every row, duplicates included).
    pub before: Vec<u64>,
    /// Rows per class in the new version.
    pub after: Vec<u64>,
    /// True when the two versions hold the same (id, label, group) rows (in any order): only then
    /// are results on one comparable with results on the other.
    pub identical: bool,
}

/// The changes from `old` to `new`. An id repeated within a version is compared by its first
/// row; class counts count every row.
pub fn diff(old: &Split, new: &Split) -> SplitDiff {
    fn index(s: &Split) -> HashMap<&str, (&str, Option<&str>)> {
        let mut m = HashMap::with_capacity_and_hasher(s.ids.len(), Default::default());
        for (i, id) in s.ids.iter().enumerate() {
            let label = s.labels.get(i).map_or("", String::as_str);
            let group = s.groups.as_ref().and_then(|g| g.get(i)).map(String::as_str);
            m.entry(id.as_str()).or_insert((label, group));
        }
        m
    }
    let (a, b) = (index(old), index(new));
    let mut added: Vec<String> = b
        .keys()
        .filter(|id| !a.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    let mut removed: Vec<String> = a
        .keys()
        .filter(|id| !b.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    let mut relabelled = Vec::new();
    let mut regrouped = Vec::new();
    for (id, (la, ga)) in &a {
        let Some((lb, gb)) = b.get(id) else { continue };
        if la != lb {
            relabelled.push((id.to_string(), la.to_string(), lb.to_string()));
        }
        if let (Some(ga), Some(gb)) = (ga, gb)
            && ga != gb
        {
            regrouped.push((id.to_string(), ga.to_string(), gb.to_string()));
        }
    }
    added.sort();
    removed.sort();
    relabelled.sort();
    regrouped.sort();
    let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for l in &old.labels {
        counts.entry(l).or_default().0 += 1;
    }
    for l in &new.labels {
        counts.entry(l).or_default().1 += 1;
    }
    let classes = counts.keys().map(|s| s.to_string()).collect();
    let before = counts.values().map(|c| c.0).collect();
    let after = counts.values().map(|c| c.1).collect();
    fn rows(s: &Split) -> Vec<(&str, &str, Option<&str>)> {
        let mut r: Vec<(&str, &str, Option<&str>)> = (0..s.ids.len())
            .map(|i| {
                (
                    s.ids[i].as_str(),
                    s.labels.get(i).map_or("", String::as_str),
                    s.groups.as_ref().and_then(|g| g.get(i)).map(String::as_str),
                )
            })
            .collect();
        r.sort_unstable();
        r
    }
    let identical = old.ids.len() == new.ids.len() && rows(old) == rows(new);
    SplitDiff {
        added,
        removed,
        relabelled,
        regrouped,
        classes,
        before,
        after,
        identical,
    }
}

#[cfg(test)]
#[path = "splits_tests.rs"]
mod tests;
