"""Where things are: the repository root, the app's entrypoint and the AppTest page harness."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HARNESS = str(ROOT / "tests" / "pages" / "harness.py")
