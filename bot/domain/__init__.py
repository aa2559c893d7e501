"""Pure domain: stdlib only, no I/O, no clock. Callers pass `now`, `rng` and zones in."""
