"""``python bench/run.py`` (same as ``python -m bench``): run the benchmarks, print one table."""

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.suite import main  # after making the repository importable

if __name__ == "__main__":
    raise SystemExit(main())
