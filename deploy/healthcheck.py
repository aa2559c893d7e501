"""Container liveness probe: GET /healthz on the port this process serves (stdlib only).

Webhook mode serves it on WEBHOOK_PORT, polling mode on METRICS_PORT. Exit 0 when healthy.
"""

import os
import sys
import urllib.request

port = os.environ.get("WEBHOOK_PORT", "8080")
if not os.environ.get("WEBHOOK_URL"):
    port = os.environ.get("METRICS_PORT", "")
if not port:
    print("no health endpoint: set METRICS_PORT in polling mode", file=sys.stderr)
    sys.exit(1)
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as exc:
    print(f"healthz failed: {exc}", file=sys.stderr)
    sys.exit(1)
