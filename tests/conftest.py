"""Make tests/factories.py importable as `factories`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
