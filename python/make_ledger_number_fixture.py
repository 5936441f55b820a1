#!/usr/bin/env python
"""Generate crates/verdict/tests/fixtures/ledger/metric_text.json: how `verdict runs list|show`
print a metric value in text output, computed with Python's own printf formatting.

Run from anywhere (standard library only):

    python python/make_ledger_number_fixture.py [--out FILE]

The rule (docs/ledger.md, `ledger::text_f64`): 0 and every value with 0.001 <= |x| < 1e6 are
printed with 4 decimals (`'%.4f' % x`, as the eval reports print metrics); any other finite value
with 4 significant digits in scientific notation (`'%.3e' % x`: 1e-05 -> `1.000e-05`, so a learning
rate stays readable). NaN and infinities are `nan`, `inf`, `-inf`; -0.0 prints as 0.0000. The
Rust test checks every case byte for byte, so rounding (correctly rounded, ties to even on the
exact binary value) is Python's.

Deterministic: the cases are a fixed list; floats are written with repr(), which round-trips.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

CASES = [
    0.0, -0.0, 1.0, -1.0, 0.82, 1 / 3, 2 / 3, 0.5192705000801757, 0.1 + 0.2,
    0.001, -0.001, 0.0009999, 0.00099996, 0.00015, 0.00025, 1e-05, 2.5e-07, -3.0e-05,
    123.45675, 0.00005, 999999.99994, 999999.99996, 1e6, 12345678.9, -3.14159e12,
    1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 0.12345, 0.98765,
    42.0, 1e-100, 6.02214076e23,
]


def text(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0000"
    if 1e-3 <= abs(x) < 1e6:
        return "%.4f" % x
    return "%.3e" % x


def main() -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out", type=Path,
        default=here / "crates/verdict/tests/fixtures/ledger/metric_text.json",
    )
    args = ap.parse_args()
    cases = [[repr(x), text(x)] for x in CASES]
    cases += [["nan", "nan"], ["inf", "inf"], ["-inf", "-inf"]]
    doc = {
        "generator": "python/make_ledger_number_fixture.py",
        "rule": "0 and 0.001 <= |x| < 1e6: '%.4f' % x; other finite: '%.3e' % x",
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
