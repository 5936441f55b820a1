#!/usr/bin/env bash
# Retrieval benchmarks (issue 4): verdict vs faiss-cpu and pytorch-metric-learning, side by side.
# Prints a Markdown table (bench/retrieval_compare.py) and the machine's FMA peak (bench/peak.rs).
#
#   bench/retrieval.sh
#   RFX_PYTHON=/path/rfx-venv/bin/python REPEATS=3 SKIP_EXACT=1 SKIP_BUILD=1 bench/retrieval.sh
#
# RFX_PYTHON: a venv with python/requirements-retrieval.txt (installed with --no-deps, ~5 GB, see
# that file); by default .venv-retrieval/ of the repository, created when missing. The data
# (bench-data/, git-ignored) come from bench/make_retrieval_data.py.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REPEATS="${REPEATS:-3}"
VERDICT="${VERDICT:-$ROOT/target/release/verdict}"
if [[ -z "${RFX_PYTHON:-}" ]]; then
  RFX_PYTHON="$ROOT/.venv-retrieval/bin/python"
  if [[ ! -x "$RFX_PYTHON" ]]; then
    python3 -m venv "$ROOT/.venv-retrieval"
    "$ROOT/.venv-retrieval/bin/pip" install --quiet --disable-pip-version-check --no-deps \
      -r python/requirements-retrieval.txt >&2
  fi
fi
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cargo build --release -p verdict >&2
fi
mkdir -p bench-data
[[ -f bench-data/retrieval_gallery_labels.csv ]] || "$RFX_PYTHON" bench/make_retrieval_data.py --out bench-data >&2
rustc -O -C target-cpu=native bench/peak.rs -o bench-data/peak
peak_json="$(bench-data/peak)"
echo "peak: $peak_json" >&2
peak="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["gflops_all_threads"])' "$peak_json")"
extra=()
[[ -n "${SKIP_EXACT:-}" ]] && extra+=(--skip-exact)
python3 bench/retrieval_compare.py --verdict "$VERDICT" --peer-python "$RFX_PYTHON" --data bench-data \
  --repeats "$REPEATS" --peak "$peak" "${extra[@]}"
echo
echo "FMA peak (bench/peak.rs): $peak_json"
