import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_core_lab_never_imports_streamlit_and_package_import_is_light():
    code = (
        "import sys, core.lab\n"
        "assert 'torch' not in sys.modules, 'core.lab package import pulled in torch'\n"
        "import core.lab.config, core.lab.tasks, core.lab.models.attention, core.lab.models, core.lab.train\n"
        "import core.lab.checkpoint, core.lab.device, core.lab.__main__, core.lab.catalog.engine\n"
        "assert 'streamlit' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
