"""One measured child process: ``python -m bench.child PART PARAMS_JSON OUT_PATH``.

It pins itself to the bot's core, runs ``bench.parts.PART.run(params)`` in a fresh event
loop, adds its own peak RSS and CPU time, and writes the result as JSON.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import time
from pathlib import Path

from bench.support import BOT_CPU, peak_rss_mib, pin_to_cpu


def main(argv: list[str]) -> int:
    part, params, out_path = argv
    pin_to_cpu(0, BOT_CPU)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    module = importlib.import_module(f"bench.parts.{part}")
    result = asyncio.run(module.run(json.loads(params)))
    result["process_peak_rss_mib"] = round(peak_rss_mib(), 1)
    result["process_cpu_s"] = round(time.process_time(), 3)
    Path(out_path).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
