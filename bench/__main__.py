"""``python -m bench``: run the benchmarks and print one table."""

from bench.suite import main

raise SystemExit(main())
