# Sourced by app.sh and test.sh: create or reuse the virtualenv and install pinned requirements.
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

ensure_venv() {
  local req=$1
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python >= 3.11 is required (Streamlit 1.67); set PYTHON=/path/to/python3.11" >&2
    exit 1
  fi
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # Skip pip when the requirements did not change since the last successful install.
  local stamp="$VENV/.installed-$(basename "$req")"
  local sum
  sum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    echo "$sum" > "$stamp"
  fi
}
