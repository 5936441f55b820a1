#!/usr/bin/env bash
# `verdict check --experiment` over 1,000 runs × 4 curves × 100 epochs, 50 of them with a stored
# 35,529-row evaluation on one of two test sets (issue 13's benchmark). Prints the timings.
#
#   bench/check_experiment.sh            # build, make data, import, store the evaluations, time
#   REPEATS=5 SKIP_BUILD=1 bench/check_experiment.sh
#
# PYTHON defaults to .venv/bin/python (python/requirements.txt: numpy, pandas, pyarrow).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DATA="$ROOT/bench-data/check"
"$PYTHON" bench/make_check_ledger.py --out "$DATA" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t=$(now)
"$VERDICT" import mlruns "$DATA/mlruns" --store curves.db --artifacts curves-art --format json >/dev/null
echo "import of the FileStore (1,000 runs, 400,000 points): $(secs "$t" "$(now)") s"
cp curves.db full.db
cp -r curves-art full-art
t=$(now)
i=0
while read -r run; do
  "$VERDICT" eval "$DATA/preds/run_$i.parquet" --run "$run" --eval-name test --bootstrap 200 \
    --store full.db --artifacts full-art -q --format json >/dev/null
  i=$((i + 1))
done < "$DATA/run_ids.txt"
echo "storing 50 evaluations (eval --run, --bootstrap 200): $(secs "$t" "$(now)") s"

best() { # best of REPEATS wall times of the command
  local b=""
  for _ in $(seq "$REPEATS"); do
    local s; s=$(now); "$@" >/dev/null; local d; d=$(secs "$s" "$(now)")
    if [[ -z "$b" ]] || awk -v x="$d" -v y="$b" 'BEGIN { exit !(x < y) }'; then b="$d"; fi
  done
  echo "$b"
}
curves_only=$(best "$VERDICT" check --experiment bench-check --store curves.db --artifacts curves-art --format json -q)
full=$(best "$VERDICT" check --experiment bench-check --eval-name test --store full.db --artifacts full-art --format json -q)
boot=$(best "$VERDICT" check --experiment bench-check --eval-name test --store full.db --artifacts full-art --format json -q --bootstrap 200)
one=$(best "$VERDICT" check --run "$(head -1 "$DATA/run_ids.txt")" --store full.db --artifacts full-art --format json -q)
"$VERDICT" check --experiment bench-check --eval-name test --store full.db --artifacts full-art --format json -q > report.json
"$PYTHON" - <<'PY'
import json
d = json.load(open("report.json"))
b = d["leaderboards"]
print("leaderboards:", [(x["rows"], len(x["runs"])) for x in b], "severities:", d["severity_counts"])
PY
echo "| check | wall (s), best of $REPEATS |"
echo "|---|---:|"
echo "| --experiment, curves only (1,000 runs, no evaluations) | $curves_only |"
echo "| --experiment, 50 evaluations, McNemar + DeLong | $full |"
echo "| --experiment, 50 evaluations, + paired bootstrap B = 200 | $boot |"
echo "| --run, one run with its evaluation | $one |"
