#!/usr/bin/env bash
# `verdict ensemble` vs the same work in numpy + scikit-learn (BENCHMARKS.md, issue 16):
# 4 members × ROWS rows × 5 classes, validation and test parts, Caruana selection (50 rounds) on
# validation, leave-one-member-out, BOOTSTRAP paired resamples on test.
#
#     bash bench/ensemble.sh                       # ROWS=1000000 BOOTSTRAP=1000 PEER_BOOTSTRAP=20
#
# The peer's resamples are slow (up to 9 models × 2 sklearn metrics × 1M rows each), so it runs
# PEER_BOOTSTRAP of them and its total is scaled to BOOTSTRAP: the time outside the resample loop
# as measured, plus BOOTSTRAP × its measured seconds per resample (the loop's cost is linear in
# the resamples; bench/ensemble_numpy.py reports both).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROWS="${ROWS:-1000000}"
BOOTSTRAP="${BOOTSTRAP:-1000}"
PEER_BOOTSTRAP="${PEER_BOOTSTRAP:-20}"
DATA="$ROOT/bench-data/ensemble-$ROWS"
"$PYTHON" bench/make_ensemble_data.py --out "$DATA" --rows "$ROWS"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Verdict on every core (rayon's default), then on one (RAYON_NUM_THREADS=1), as the peer runs.
run_verdict() { # threads (empty: all), output
  env ${1:+RAYON_NUM_THREADS=$1} /usr/bin/time -f '%e %M' -o "$2.time" "$VERDICT" ensemble \
    "$DATA"/test/m*.parquet --val "$DATA"/val/m*.parquet --optimize caruana --bootstrap "$BOOTSTRAP" \
    --weight-resamples 0 --format json --quiet > "$2.json"
}
run_verdict "" "$tmp/verdict"
run_verdict 1 "$tmp/verdict1"
read -r v_wall v_rss < "$tmp/verdict.time"
read -r v1_wall _ < "$tmp/verdict1.time"
cmp -s "$tmp/verdict.json" "$tmp/verdict1.json" || { echo "results depend on the thread count" >&2; exit 1; }
"$PYTHON" bench/ensemble_numpy.py --data "$DATA" --bootstrap "$PEER_BOOTSTRAP" > "$tmp/peer.json"
"$PYTHON" - "$tmp/verdict.json" "$tmp/peer.json" "$v_wall" "$v_rss" "$BOOTSTRAP" "$v1_wall" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
wall, rss, B, wall1 = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
s = p["seconds"]
peer = s["total"] - s["bootstrap"] + B * p["seconds_per_resample"]
w = {k: round(x, 4) for k, x in v["weightings"][0]["weights"].items()}
print(json.dumps({
    "rows": p["rows"], "bootstrap": B, "verdict_wall_s": wall, "verdict_peak_rss_mb": rss // 1024,
    "peer_s_scaled": round(peer, 1), "peer_resamples_run": p["bootstrap"],
    "peer_seconds": {k: round(x, 2) for k, x in s.items()},
    "speedup": round(peer / wall, 1),
    "verdict_one_thread_wall_s": wall1, "speedup_one_thread": round(peer / wall1, 1),
    "verdict_weights": w, "peer_weights": p["weights"],
}))
PY
