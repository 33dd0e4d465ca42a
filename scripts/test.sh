#!/usr/bin/env bash
# Set everything up and run every check: ruff (lint and format), mypy and the full pytest suite.
# Extra arguments go to pytest. Tests needing java, chromium, graphviz or virtuoso skip (naming
# what to install) when those are missing, except under CI=true, where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
echo "== ruff check";          .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy";                .venv/bin/mypy
# Two workers (the machines here have two cores); a file's tests stay on one worker, so each
# worker reasons the shipped graph once. Pass -n 0 to run in one process.
echo "== pytest";              .venv/bin/pytest -n 2 --dist loadfile "$@"
