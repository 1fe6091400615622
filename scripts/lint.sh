#!/usr/bin/env bash
# Linters, as CI runs them: ruff check (errors, imports, upgrades) and ruff format --check.
# Creates or reuses .venv with the test tools (ruff is pinned in requirements-dev.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv requirements-dev.txt
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
