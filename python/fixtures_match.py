#!/usr/bin/env python
"""Checks that freshly generated fixtures match the committed ones (called by scripts/test.sh).

    python python/fixtures_match.py GENERATED_DIR COMMITTED_DIR [--rtol 1e-9] [--atol 1e-12]

Why not a byte diff: the generators fit real models (logistic regression, SVMs) whose last bits
depend on the BLAS kernel that numpy/scipy pick for the CPU at hand (an AVX-512 machine and an
AVX2 one differ around 1e-14 relative), so the same pinned stack writes different bytes on
different machines. What the check must prove is that every committed expected value comes from
the reference library, to the precision the tests claim (1e-9); so:

* both directories hold the same files (README.md excepted);
* text files (.csv, .json, .jsonl, .txt, .trec, .qrels, .run): the non-numeric text is identical,
  and every number matches within |a - b| <= atol + rtol * max(|a|, |b|) (integers too, which
  therefore must be equal unless huge);
* .parquet: the same schema, and every column equal (numbers within the tolerance above);
* anything else: identical bytes.

Prints each mismatch (file, line, the two values) and exits 1 if there is any.
"""
import argparse
import math
import re
import sys
from pathlib import Path

TEXT = {".csv", ".json", ".jsonl", ".txt", ".trec", ".qrels", ".run", ".md", ".tsv"}
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def close(a, b, rtol, atol):
    if math.isnan(a) and math.isnan(b):
        return True
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def compare_text(ga, ca, rtol, atol, name, errors):
    glines, clines = ga.splitlines(), ca.splitlines()
    if len(glines) != len(clines):
        errors.append(f"{name}: {len(glines)} lines generated, {len(clines)} committed")
        return
    for i, (g, c) in enumerate(zip(glines, clines), 1):
        if g == c:
            continue
        gs, cs = NUMBER.split(g), NUMBER.split(c)
        gn, cn = NUMBER.findall(g), NUMBER.findall(c)
        if gs != cs or len(gn) != len(cn):
            errors.append(f"{name}:{i}: text differs:\n  generated: {g[:200]}\n  committed: {c[:200]}")
            continue
        for x, y in zip(gn, cn):
            if not close(float(x), float(y), rtol, atol):
                errors.append(f"{name}:{i}: {x} (generated) vs {y} (committed)")


def compare_parquet(g, c, rtol, atol, name, errors):
    import pyarrow.parquet as pq

    tg, tc = pq.read_table(g), pq.read_table(c)
    if tg.schema != tc.schema:
        errors.append(f"{name}: schema differs: {tg.schema} vs {tc.schema}")
        return
    for col in tg.column_names:
        xs, ys = tg.column(col).to_pylist(), tc.column(col).to_pylist()
        if len(xs) != len(ys):
            errors.append(f"{name}: column {col}: {len(xs)} vs {len(ys)} rows")
            continue
        for row, (x, y) in enumerate(zip(xs, ys)):
            if isinstance(x, float) and isinstance(y, float):
                ok = close(x, y, rtol, atol)
            else:
                ok = x == y
            if not ok:
                errors.append(f"{name}: column {col}, row {row}: {x!r} (generated) vs {y!r} (committed)")
                break


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("generated", type=Path)
    ap.add_argument("committed", type=Path)
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-12)
    a = ap.parse_args()
    files = lambda d: {p.relative_to(d) for p in d.rglob("*") if p.is_file() and p.name != "README.md"}
    gf, cf = files(a.generated), files(a.committed)
    errors = [f"{p}: only generated" for p in sorted(gf - cf)] + [f"{p}: only committed" for p in sorted(cf - gf)]
    exact = 0
    for rel in sorted(gf & cf):
        g, c = a.generated / rel, a.committed / rel
        gb, cb = g.read_bytes(), c.read_bytes()
        if gb == cb:
            exact += 1
            continue
        if rel.suffix in TEXT:
            compare_text(gb.decode(), cb.decode(), a.rtol, a.atol, str(rel), errors)
        elif rel.suffix == ".parquet":
            compare_parquet(g, c, a.rtol, a.atol, str(rel), errors)
        else:
            errors.append(f"{rel}: bytes differ")
    for e in errors[:40]:
        print(e)
    if len(errors) > 40:
        print(f"... and {len(errors) - 40} more")
    n = len(gf & cf)
    print(f"{n} files: {exact} byte-identical, {n - exact} within rtol {a.rtol:g} / atol {a.atol:g}"
          if not errors else f"{len(errors)} mismatches in {n} files")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
