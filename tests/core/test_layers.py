"""core/ and db/ stay importable without Streamlit, and torch stays out of what does not need it
(DESIGN.md layers)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(folder: str) -> list[str]:
    mods = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        if "migrations" in rel.parts or rel.name == "__main__":
            continue
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods.append(".".join(parts))
    return mods


def test_core_and_db_never_import_streamlit_and_core_lab_import_is_light():
    mods = [*_modules("core"), "core.lab.__main__", *_modules("db")]  # the CLI module is guarded
    assert "core.accounts.members" in mods and "db.engine" in mods and "core.lab.train" in mods
    code = (
        "import importlib, sys\n"
        "import core.lab\n"
        "assert 'torch' not in sys.modules, 'the core.lab package import pulled in torch'\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'streamlit' or k.startswith('streamlit.'))\n"
        "print('STREAMLIT' if bad else 'CLEAN')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("CLEAN")


def test_non_lab_pages_do_not_import_torch():
    """Home and the other non-Lab screens render without paying torch's import cost, and so do the
    Lab page's own modules (its first draw must not wait for torch)."""
    code = (
        "import sys\n"
        # ui.lab.page too: the Lab draws its controls at once while the engine warms in the background
        "import ui.shell.frame, ui.shell.nav, core.accounts.members, core.backup, db.models, ui.lab.page\n"
        "print('TORCH' if 'torch' in sys.modules else 'CLEAN')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "CLEAN"


def test_views_stay_thin():
    """Screens call core services: no SQL, no SQLAlchemy sessions built by hand, no torch maths."""
    banned = re.compile(r"^\s*(import|from) (sqlalchemy|torch)\b|session\.execute\(|(?<!\w)select\(", re.M)
    offenders = []
    for path in sorted((ROOT / "views").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.name}: {m.group(0).strip()}" for m in banned.finditer(text)]
    assert offenders == []


def test_no_pages_folder_beside_the_entrypoint():
    """A folder named pages/ switches Streamlit to its v1 multipage shim (see README)."""
    assert not (ROOT / "pages").exists()
