"""The one table a run prints, and the PASS/FAIL of each target, from the results JSON."""

from __future__ import annotations

from typing import Any

from bench.support import JSONDict

RAW_SHARE_TARGET = 0.70
RSS_GROWTH_TARGET = 1.5
CLAIM_TARGET_MS = 20.0
BUSY_MACHINE = 0.9  # a CPU-bound child on less of its core than this was being preempted

TARGET_PARTS = {
    "raw_share": {"throughput"},
    "burst_sent": {"burst"},
    "burst_duplicates": {"burst"},
    "rss_growth": {"startup"},
    "claim_sqlite": {"claim"},
    "claim_postgresql": {"postgres"},
    "claim_index": {"claim", "postgres"},
}

Row = tuple[str, str, str, str, str]  # section, measure, figure, target, result


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def _largest_and_smallest(results: JSONDict) -> tuple[str | None, str | None]:
    sizes = sorted((int(k) for k in _get(results, "sizes") or {}), reverse=True)
    return (str(sizes[0]), str(sizes[-1])) if sizes else (None, None)


def verdicts(results: JSONDict) -> list[JSONDict]:
    """Each of the issue's targets with what was measured; n/a where a part did not run."""
    out: list[JSONDict] = []

    def add(key: str, target: str, measured: str, ok: bool | None) -> None:
        out.append({"id": key, "target": target, "measured": measured, "result": _verdict(ok)})

    raw = _get(results, "throughput", "raw", "per_second")
    disp = _get(results, "throughput", "dispatcher", "per_second")
    in_flight = _get(results, "throughput", "raw", "concurrency")
    share = disp / raw if raw and disp is not None else None
    add(
        "raw_share",
        f"dispatcher >= {RAW_SHARE_TARGET:.0%} of raw PTB ({in_flight} in flight each)",
        f"{share:.0%} ({disp} vs {raw} msg/s)" if share is not None else "not measured",
        None if share is None else share >= RAW_SHARE_TARGET,
    )

    burst = _get(results, "burst")
    if burst:
        n, sent = burst["n"], burst["report"]["sent"]
        dup = _duplicates(burst)
        db_sent = burst["database"]["sent"]
        chats = int(burst["chats"])  # distinct chats the emulator delivered to
        add("burst_sent", f"100% of {n:,} sent", f"{sent:,} sent", sent == n == db_sent == chats)
        add("burst_duplicates", "zero duplicates", f"{dup:,}", dup == 0)
    else:
        add("burst_sent", "100% of the burst sent", "not measured", None)
        add("burst_duplicates", "zero duplicates", "not measured", None)

    big, small = _largest_and_smallest(results)
    rss_big = _get(results, "sizes", big or "", "startup", "process_peak_rss_mib")
    rss_small = _get(results, "sizes", small or "", "startup", "process_peak_rss_mib")
    growth = rss_big / rss_small if rss_big and rss_small and big != small else None
    add(
        "rss_growth",
        f"peak RSS at {int(big or 0):,} users <= {RSS_GROWTH_TARGET}x that at {int(small or 0):,}",
        f"{growth:.2f}x ({rss_big} vs {rss_small} MiB)" if growth else "not measured",
        None if growth is None else growth <= RSS_GROWTH_TARGET,
    )
    for backend in ("sqlite", "postgresql"):
        claim = _get(results, "sizes", big or "", f"claim_{backend}")
        add(
            f"claim_{backend}",
            f"claim at {int(big or 0):,} users < {CLAIM_TARGET_MS:.0f} ms ({backend})",
            f"{claim['median_ms']} ms median" if claim else "not measured",
            None if not claim else claim["median_ms"] < CLAIM_TARGET_MS,
        )
    plans = [
        entry[key]["uses_index"]
        for entry in (_get(results, "sizes") or {}).values()
        for key in ("claim_sqlite", "claim_postgresql")
        if key in entry
    ]
    add(
        "claim_index",
        "EXPLAIN of the claim uses ix_users_due",
        f"{sum(plans)} of {len(plans)} plans" if plans else "not measured",
        all(plans) if plans else None,
    )
    return out


def _duplicates(burst: JSONDict) -> int:
    """Extra messages to a chat: emulator sendMessage calls beyond distinct chats, or a
    recorded message id above 1 (each chat numbers its own messages from 1)."""
    extra_calls = int(burst["send_message_calls"]) - int(burst["chats"])
    return max(extra_calls, int(burst["database"]["message_id_above_1"]))


# ---------------------------------------------------------------------- the table


def _rows(results: JSONDict) -> list[Row]:
    rows: list[Row] = []
    targets = {t["id"]: t for t in results.get("targets", [])}

    requested = set(results["meta"].get("parts", ()))

    def target_row(section: str, measure: str, figure: str, key: str) -> None:
        found = targets.get(key)
        skipped = found is not None and found["result"] == "n/a"
        if skipped and not requested & TARGET_PARTS.get(key, set()):
            return  # a part this run was not asked for
        if found is not None:
            rows.append(
                (section, measure, figure or found["measured"], found["target"], found["result"])
            )

    sizes = results["meta"]["sizes"]
    tp = results.get("throughput") or {}
    section = f"sendMessage x{sizes['throughput_n']:,}, rate limit lifted"
    labels = {
        "raw": "raw PTB ExtBot, no rate limiter: the floor",
        "dispatcher": "dispatcher: claim,plan,render,send,record",
        "raw_limited": "context: raw PTB + the app's AIORateLimiter",
        "raw_wide": "context: raw PTB, many more in flight",
    }
    for mode, label in labels.items():
        r = tp.get(mode)
        if r:
            rows.append((section, f"{label} ({r['concurrency']} in flight)", _speed(r), "", ""))
    if tp.get("raw") and tp.get("dispatcher"):
        share = tp["dispatcher"]["per_second"] / tp["raw"]["per_second"]
        by_cpu = tp["raw"]["cpu_ms_per_msg"] / tp["dispatcher"]["cpu_ms_per_msg"]
        figure = f"{share:.0%} by msg/s; {by_cpu:.0%} by CPU per message"
        runs = tp.get("runs") or {}
        pairs = [
            d["per_second"] / r["per_second"]
            for r, d in zip(runs.get("raw", []), runs.get("dispatcher", []), strict=False)
            if r["per_second"]
        ]
        if len(pairs) > 1:  # each interleaved pair ran a minute apart at most: same machine
            figure += " (pair by pair: " + ", ".join(f"{p:.0%}" for p in pairs) + ")"
        target_row(section, "dispatcher / raw, same in flight", figure, "raw_share")
    busy = [
        r["cpu_utilisation"]
        for mode_runs in (tp.get("runs") or {}).values()
        for r in mode_runs
        if r["cpu_utilisation"] < BUSY_MACHINE
    ]
    if busy:
        rows.append(
            (
                section,
                "WARNING: machine busy",
                f"{len(busy)} run(s) got under {BUSY_MACHINE:.0%} of their core "
                f"(as low as {min(busy):.0%}): msg/s understated, CPU/msg inflated less",
                "",
                "",
            )
        )

    burst = results.get("burst")
    rate = results.get("rate_sample")
    if burst:
        section = f"{burst['n']:,} due in the same minute"
        db = burst["database"]
        target_row(
            section,
            "sent (emulator and database agree)",
            f"{burst['report']['sent']:,} ({db['sent']:,} rows 'sent', "
            f"{burst['send_message_calls']:,} sendMessage)",
            "burst_sent",
        )
        target_row(
            section,
            "duplicates (calls - chats; ids > 1)",
            f"{_duplicates(burst)} ({burst['send_message_calls'] - burst['chats']}; "
            f"{db['message_id_above_1']})",
            "burst_duplicates",
        )
        rows.append(
            (
                section,
                f"drain, limit lifted, app tick every {burst['interval_s']:g} s",
                f"{burst['wall_s']:.0f} s measured: {burst['ticks_with_work']} tick(s) busy "
                f"{burst['dispatching_s']:.0f} s + idle {burst['idle_between_ticks_s']:.0f} s; "
                f"{burst['back_to_back_per_second']} msg/s while busy",
                "",
                "",
            )
        )
    if rate:
        n_total = rate.get("burst_n") or (burst or {}).get("n", 100_000)
        sent, bucket = rate["report"]["sent"], rate["rate"]
        # AIORateLimiter lets its first `rate` messages through at once, then `rate` a second.
        steady = (sent - bucket) / rate["wall_s"] if sent > bucket else rate["per_second"]
        minutes = (n_total - bucket) / steady / 60
        rows.append(
            (
                f"{n_total:,} due in the same minute",
                f"drain at {rate['rate']:g}/s (real AIORateLimiter)",
                f"~{minutes:.1f} min EXTRAPOLATED, not run: a sample of {sent} drained in "
                f"{rate['wall_s']:.1f} s = {steady:.1f} msg/s after the first {bucket:g}",
                "",
                "",
            )
        )

    size_data = results.get("sizes") or {}
    for users in sorted(size_data, key=int):
        entry = size_data[users]
        st = entry.get("startup")
        if st:
            rows.append(
                (
                    "start-up and memory (SQLite)",
                    f"{int(users):,} users",
                    f"start-up {st['startup_s']:.2f} s (+ import {st['import_s']:.2f} s); "
                    f"first tick {st['first_tick']['sent']} sent in {st['first_tick_s']:.2f} s; "
                    f"peak RSS {st['process_peak_rss_mib']:.0f} MiB",
                    "",
                    "",
                )
            )
    target_row("start-up and memory (SQLite)", "peak RSS, largest / smallest", "", "rss_growth")
    for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        for users in sorted(size_data, key=int):
            claim = size_data[users].get(f"claim_{backend}")
            if claim:
                rows.append(
                    (
                        f"claim {claim['batch']} due (median of {len(claim['runs_ms'])})",
                        f"{label}, {int(users):,} users",
                        f"{claim['median_ms']:.2f} ms (min {claim['min_ms']:.2f}; the SQL alone "
                        f"{claim['sql_only_median_ms']:.2f}); "
                        f"index: {'yes' if claim['uses_index'] else 'NO'}",
                        "",
                        "",
                    )
                )
        target_row("claim target", f"{label} at the largest size", "", f"claim_{backend}")
    target_row("claim target", "EXPLAIN uses ix_users_due", "", "claim_index")

    jq = results.get("jobqueue")
    if jq:
        section = f"{jq['n']:,} due in the same second"
        rows.append(
            (
                section,
                "one PTB run_daily job per person",
                f"register {jq['registration_s']:.2f} s; RSS +{jq['rss_added_mib']:.1f} MiB; "
                f"ran {jq['ran']:,}, skipped as misfired {jq['missed']:,}{_late(jq)}, "
                f"sent {jq['send_message_calls']:,}",
                "",
                "",
            )
        )
        disp = tp.get("dispatcher")
        if disp and disp["n"] == jq["n"]:
            rows.append(
                (
                    section,
                    "the dispatcher (throughput run above)",
                    f"nothing to register (rows in the DB); peak RSS "
                    f"{disp['process_peak_rss_mib']:.0f} MiB; sent {disp['report']['sent']:,} "
                    f"in {disp['wall_s']:.0f} s, none skipped",
                    "",
                    "",
                )
            )
    return rows


def _late(jq: JSONDict) -> str:
    late = jq.get("missed_late_by_s") or []
    return f" ({late[0]:g}-{late[1]:g} s late, grace 1 s)" if late else ""


def _speed(r: JSONDict) -> str:
    figure = (
        f"{r['per_second']:.0f} msg/s; CPU {r['cpu_ms_per_msg']:.2f} ms/msg "
        f"(bot {r['cpu_utilisation']:.0%} busy); emulator {r['emulator_cpu_ms_per_msg']:.2f} ms/msg"
    )
    failures = r.get("failures") or _get(r, "report", "failed")
    return figure + (f"; {failures} FAILED" if failures else "")


def render_table(results: JSONDict) -> str:
    meta = results["meta"]
    machine = meta["machine"]
    head = (
        f"Issue 5 benchmark, {meta['mode']} run, {meta['started']} ({meta.get('duration_s', 0):.0f}"
        f" s): {machine['cpus']} cores ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, commit {machine['git_head']}"
        f"{' + uncommitted bot/ changes' if machine['git_dirty_files'] else ''}; "
        f"load {meta['load_at_start'][0]:.2f} at start, {meta['load_at_end'][0]:.2f} at end"
    )
    header: Row = ("section", "measure", "figure", "target", "result")
    rows = [header, *_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [head, ""]
    previous = ""
    for index, row in enumerate(rows):
        section = row[0] if row[0] != previous else ""
        previous = row[0]
        cells = (section, *row[1:])
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    for key, error in (results.get("errors") or {}).items():
        lines.append(f"ERROR in {key}: {error}")
    return "\n".join(lines)
