#!/usr/bin/env bash
# Many-class scale benchmark (issue 10, "Scale of output"): peak RSS, wall time and output size of
# `verdict eval` on k classes × 10,000 rows (bench/make_many_classes.py), for each output format.
#
#   bench/many_classes.sh                         # target/release/verdict, 1000 and 5000 classes
#   VERDICT=/tmp/verdict-old CLASSES="1000" BOOTSTRAP=0 FORMATS="text json" bench/many_classes.sh
#
# Knobs: VERDICT (binary), PYTHON (venv with numpy + pyarrow), CLASSES ("1000 5000"), ROWS (10000),
# BOOTSTRAP ("0 100": one run per value), FORMATS ("text json md"). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
VERDICT=${VERDICT:-target/release/verdict}
PYTHON=${PYTHON:-.venv/bin/python}
CLASSES=${CLASSES:-"1000 5000"}
ROWS=${ROWS:-10000}
BOOTSTRAP=${BOOTSTRAP:-"0 100"}
FORMATS=${FORMATS:-"text json md"}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2086
"$PYTHON" bench/make_many_classes.py --classes $CLASSES --rows "$ROWS" >&2
echo "| classes × rows | bootstrap | format | wall s | peak RSS MB | output bytes |"
echo "|---|---:|---|---:|---:|---:|"
for k in $CLASSES; do
  for b in $BOOTSTRAP; do
    for f in $FORMATS; do
      file="bench-data/many_${k}x${ROWS}.parquet"
      /usr/bin/time -v "$VERDICT" eval "$file" --bootstrap "$b" --format "$f" -q \
        >"$out/report" 2>"$out/time" || { cat "$out/time" >&2; exit 1; }
      wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/time" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
      rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/time")
      bytes=$(wc -c <"$out/report")
      echo "| $k × $ROWS | $b | $f | $wall | $rss | $bytes |"
    done
  done
done
