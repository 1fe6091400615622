#!/usr/bin/env bash
# One command for a fresh machine: create (or reuse) .venv, install, migrate, run the app.
# Extra arguments go to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv requirements.txt
"$VENV/bin/python" -m db.migrate
exec "$VENV/bin/python" -m streamlit run server.py "$@"
