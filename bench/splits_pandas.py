#!/usr/bin/env python
"""The peer of `verdict splits check` (issue 14 benchmark): the same checks in pandas + scipy +
scikit-learn + statsmodels, in one run.

    python bench/splits_pandas.py train.parquet val.parquet test.parquet

Checks (as verdict_core::splits defines them): group leakage over battery_id; id overlap and
duplicate hashes across and within splits; class counts per split with scipy's
chi2_contingency(correction=False) and Cramér's V; per metadata column (axis, scanner) scikit-learn's
normalized_mutual_info_score (arithmetic) pooled over the splits, and per value the majority-label
share with statsmodels' Wilson interval; condition mismatch (a value with >= 1% of one split's rows
and < 1% of another's); small split (half-width of the 95% Wilson interval at rate 0.5, per split
over rows and over groups). Prints one JSON document with the figures (bench/splits.sh compares a
few with verdict's) and a short summary on stderr.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from sklearn.metrics import normalized_mutual_info_score
from statsmodels.stats.proportion import proportion_confint

GROUP, HASH, META = "battery_id", "hash", ["axis", "scanner"]


def main():
    t0 = time.perf_counter()
    files = [Path(p) for p in sys.argv[1:]]
    names = [f.stem for f in files]
    frames = [pd.read_parquet(f) for f in files]
    df = pd.concat([d.assign(split=n) for d, n in zip(frames, names)], ignore_index=True)
    out = {"rows": {n: len(d) for n, d in zip(names, frames)}}

    # group_leakage: groups in more than one split, with their rows per split
    per_group = df.groupby(GROUP)["split"].nunique()
    shared = per_group[per_group > 1].index
    out["groups"] = int(per_group.size)
    out["shared_groups"] = int(shared.size)
    out["shared_rows"] = df[df[GROUP].isin(shared)].groupby("split").size().to_dict()

    # id_overlap and duplicate_content: across splits and within a split
    for col, key in (("id", "id"), (HASH, "hash")):
        across = df.groupby(col)["split"].nunique()
        within = df.groupby(["split", col]).size()
        out[f"{key}_across"] = int((across > 1).sum())
        out[f"{key}_within"] = int((within > 1).sum())

    # label_drift: class counts, chi-squared test of homogeneity, Cramér's V
    table = pd.crosstab(df["split"], df["label"]).reindex(names)
    chi2, p, dof, _ = chi2_contingency(table.to_numpy(), correction=False)
    n = table.to_numpy().sum()
    v = float(np.sqrt(chi2 / (n * (min(table.shape) - 1))))
    out["class_counts"] = {s: {c: int(x) for c, x in row.items()} for s, row in table.iterrows()}
    out["label_drift"] = {"chi2": float(chi2), "dof": int(dof), "p_value": float(p), "cramers_v": v}
    out["scarce"] = int((table.to_numpy() < 30).sum())

    # metadata_shortcut: NMI and per value the majority share with a Wilson interval
    out["shortcuts"] = []
    for col in META:
        nmi = normalized_mutual_info_score(df["label"], df[col], average_method="arithmetic")
        ct = pd.crosstab(df[col], df["label"])
        vals = []
        for value, row in ct.iterrows():
            k, m = int(row.max()), int(row.sum())
            lo, hi = proportion_confint(k, m, alpha=0.05, method="wilson")
            vals.append({"value": value, "n": m, "majority_label": row.idxmax(), "share": k / m,
                         "ci_low": float(lo), "ci_high": float(hi)})
        out["shortcuts"].append({"column": col, "nmi": float(nmi), "values": vals})

    # condition_mismatch: present (>= 1% of rows) in one split, under 1% in another
    out["mismatches"] = []
    for col in META:
        share = pd.crosstab(df[col], df["split"], normalize="columns").reindex(columns=names)
        for a in names:
            for b in names:
                if a != b:
                    hit = share.index[(share[a] >= 0.01) & (share[b] < 0.01)]
                    if len(hit):
                        rows = int(df[(df.split == a) & df[col].isin(hit)].shape[0])
                        out["mismatches"].append({"column": col, "present": a, "missing": b,
                                                  "values": list(hit), "share": rows / out["rows"][a]})

    # small_split: half-width of the 95% Wilson interval at rate 0.5, over rows and over groups
    out["small_splits"] = []
    for s, d in zip(names, frames):
        g = d[GROUP].nunique()
        hw = []
        for m in (len(d), g):
            lo, hi = proportion_confint(m / 2, m, alpha=0.05, method="wilson")
            hw.append(float((hi - lo) / 2))
        out["small_splits"].append({"split": s, "n": len(d), "accuracy_half_width": hw[0],
                                    "groups": int(g), "group_half_width": hw[1]})

    out["seconds_in_process"] = time.perf_counter() - t0
    json.dump(out, sys.stdout)
    ld = out["label_drift"]
    sys.stderr.write(
        f"shared groups {out['shared_groups']}, id overlap {out['id_across']}, duplicate hashes "
        f"{out['hash_across']} across / {out['hash_within']} within; chi2 {ld['chi2']:.3f} "
        f"(V {ld['cramers_v']:.4f}); NMI axis {out['shortcuts'][0]['nmi']:.4f}, scanner "
        f"{out['shortcuts'][1]['nmi']:.4f}; {out['seconds_in_process']:.2f} s in process\n")


if __name__ == "__main__":
    main()
