#!/usr/bin/env bash
# Builds the Python wheel (abi3, maturin, release) in a fresh virtual
# environment, installs it and runs the Python tests (issue 18). Run by
# .ci/run; runnable by hand from anywhere.
#
#   python/ci.sh            # venv in python/.venv, wheel in python/target/wheels
#
# Environment: PYTHON (default python3). The tests compare with the CLI,
# built here with `cargo build --release` (FLEETPLAN_BIN overrides it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
py="${PYTHON:-python3}"
t0=$(date +%s)

venv="$here/.venv"
rm -rf "$venv"
"$py" -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "maturin>=1.5,<2" pytest
# pandas is optional: the tests check records without it and feed them to
# pandas.DataFrame when it can be installed.
python -m pip install --quiet pandas || echo "pandas not available: its test is skipped"
t1=$(date +%s)

(cd "$here" && maturin build --release --quiet --out "$here/target/wheels")
wheel=$(ls -t "$here"/target/wheels/fleetplan-*-abi3-*.whl | head -n1)
python -m pip install --quiet --force-reinstall "$wheel"
t2=$(date +%s)

if [ -z "${FLEETPLAN_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet --bin fleetplan)
  export FLEETPLAN_BIN="$root/target/release/fleetplan"
fi
t3=$(date +%s)

export FLEETPLAN_ROOT="$root"
# Run from outside python/ so the installed wheel, not the source folder,
# is imported.
(cd "$root" && python -m pytest -q "$here/tests")
t4=$(date +%s)
echo "python/ci.sh: venv+tools $((t1 - t0)) s, wheel $((t2 - t1)) s, CLI $((t3 - t2)) s, pytest $((t4 - t3)) s, total $((t4 - t0)) s ($(basename "$wheel"))"
