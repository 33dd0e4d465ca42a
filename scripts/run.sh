#!/usr/bin/env bash
# Set everything up and run the main job: build, reason, validate, answer the canned questions
# and draw the interface graph, then report on the example organisation (examples/org). Outputs go
# to ./ppo-out (or the folder given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ppo run --out "${1:-ppo-out}"
