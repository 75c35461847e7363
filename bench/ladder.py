"""The ladder's tables: for each target and rate, the median over repetitions
of the p99 fan-out, the capacity (the highest rate whose median p99 stays
under 50 ms), the server's CPU-seconds per command and share of its core,
and the load generator's own share of its core (run.sh adds it to each
file; near 100 % the generator, not the server, sets the pace). Then
rondo's ratios to bun and to node, taken within each run (the same rate and
repetition, the targets run one after the other) before the median, so that
a slower or faster machine moment cancels out."""
import glob
import json
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
LOADGEN_BUSY_PCT = 90
runs = {}  # (target, rate) -> {rep: figures}
for path in glob.glob(f"{out}/ladder-*.json"):
    _, target, rate, rep = path.rsplit("/", 1)[1][:-5].split("-")
    result = json.load(open(path))
    steps = result.get("steps", [])
    # Each step's CPU share times its length (the steps' t_s are cumulative).
    ends = [s.get("t_s", 0) for s in steps]
    lengths = [end - start for start, end in zip([0] + ends[:-1], ends)]
    cpu_s = sum(s.get("server_cpu_pct", 0) / 100 * length for s, length in zip(steps, lengths))
    per_command_us = 1e6 * cpu_s / max(result["commands"], 1)
    server_pct = 100 * cpu_s / max(sum(lengths), 1)
    runs.setdefault((target, float(rate)), {})[rep] = {
        "p99": result["fanout"]["p99_ms"],
        "us": per_command_us,
        "server_pct": server_pct,
        "loadgen_pct": result.get("loadgen_cpu_pct"),
        "lost": result["lost"],
    }

# The build before a change, when an A/B run (`run.sh ab`) put it beside rondo.
targets = [t for t in ["relay", "node", "bun", "base", "tmpfs", "rondo"] if any(t == k[0] for k in runs)]
rates = sorted({rate for _, rate in runs})


def median(target, rate, key):
    values = [r[key] for r in runs.get((target, rate), {}).values() if r[key] is not None]
    return statistics.median(values) if values else None


def table(title, cell):
    print(f"{title}\n")
    print("| actions/s per member (commands/s) | " + " | ".join(targets) + " |")
    print("|---|" + "---|" * len(targets))
    for rate in rates:
        cells = [cell(target, rate) if runs.get((target, rate)) else "—" for target in targets]
        print(f"| {rate} ({int(rate * 8000)}) | " + " | ".join(cells) + " |")
    print()


def p99_cell(target, rate):
    lost = sum(r["lost"] for r in runs[(target, rate)].values())
    return f"{median(target, rate, 'p99'):.1f} ms" + (f", {lost} lost" if lost else "")


def cpu_cell(target, rate):
    return f"{median(target, rate, 'us'):.0f} µs/cmd ({median(target, rate, 'server_pct'):.0f} %)"


def loadgen_cell(target, rate):
    pct = median(target, rate, "loadgen_pct")
    if pct is None:
        return "—"
    return f"{pct:.0f} %" + (" (saturated)" if pct >= LOADGEN_BUSY_PCT else "")


table("p99 fan-out, median over repetitions", p99_cell)
table("server CPU per command (share of core 0)", cpu_cell)
table("load generator CPU (share of core 1)", loadgen_cell)

# Capacity from the medians, and for each repetition on its own (that
# repetition's p99 at each rate), for the range and the ratios within a run.
capacity = {}
capacity_by_rep = {}
for (target, rate), got in runs.items():
    if median(target, rate, "p99") < 50:
        capacity[target] = max(capacity.get(target, 0), rate)
    for rep, r in got.items():
        best = capacity_by_rep.setdefault(target, {}).setdefault(rep, 0)
        if r["p99"] < 50:
            capacity_by_rep[target][rep] = max(best, rate)
for target in targets:
    each = sorted(capacity_by_rep.get(target, {}).values())
    spread = f" (repetitions: {', '.join(str(c) for c in each)})" if each else ""
    print(f"capacity {target}: {capacity.get(target, 0)} actions/s per member{spread}")
print()


def ratios(other, key, at=None):
    """rondo / other for key, one per (rate, repetition) both ran."""
    found = []
    for rate in at or rates:
        mine, theirs = runs.get(("rondo", rate), {}), runs.get((other, rate), {})
        for rep in mine.keys() & theirs.keys():
            if mine[rep][key] and theirs[rep][key]:
                found.append(mine[rep][key] / theirs[rep][key])
    return found


def ratio_text(found):
    if not found:
        return "—"
    return f"{statistics.median(found):.2f} (range {min(found):.2f}–{max(found):.2f}, {len(found)} runs)"


print("| rondo / | p99 fan-out | CPU per command | capacity |")
print("|---|---|---|---|")
for other in [t for t in ["bun", "node", "relay", "base", "tmpfs"] if t in targets]:
    caps = []
    for rep, mine in capacity_by_rep.get("rondo", {}).items():
        theirs = capacity_by_rep.get(other, {}).get(rep)
        if theirs:
            caps.append(mine / theirs)
    print(f"| {other} | {ratio_text(ratios(other, 'p99'))} | {ratio_text(ratios(other, 'us'))} | {ratio_text(caps)} |")
print()
for rate in rates:
    each = [(other, ratios(other, "us", [rate])) for other in ["bun", "node", "base"]]
    said = [f"rondo / {other}: {ratio_text(found)}" for other, found in each if found]
    if said:
        print(f"CPU per command at {rate} ({int(rate * 8000)}/s), " + "; ".join(said))
