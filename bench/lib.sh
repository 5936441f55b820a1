# Shared by the bench scripts (sourced): the repository root as the working directory, PYTHON (the
# repository's .venv with the pinned stack of python/requirements.txt, else python3), REPEATS, and
# VERDICT, the release binary (built unless SKIP_BUILD is set).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
REPEATS="${REPEATS:-3}"
VERDICT="${VERDICT:-${CARGO_TARGET_DIR:-$ROOT/target}/release/verdict}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  cargo build --release -p verdict >&2
fi
if [[ ! -x "$VERDICT" ]]; then
  echo "verdict binary not found at $VERDICT" >&2
  exit 1
fi
