"""The ladder's table: for each target and rate, the median over repetitions
of the p99 fan-out, the capacity (the highest rate whose median p99 stays
under 50 ms) and the server's CPU-seconds per command."""
import glob
import json
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
runs = {}
for path in glob.glob(f"{out}/ladder-*.json"):
    _, target, rate, _rep = path.rsplit("/", 1)[1][:-5].split("-")
    result = json.load(open(path))
    steps = result.get("steps", [])
    # Each step's CPU share times its length (the steps' t_s are cumulative).
    ends = [s.get("t_s", 0) for s in steps]
    lengths = [end - start for start, end in zip([0] + ends[:-1], ends)]
    cpu_s = sum(s.get("server_cpu_pct", 0) / 100 * length for s, length in zip(steps, lengths))
    per_command_us = 1e6 * cpu_s / max(result["commands"], 1)
    runs.setdefault((target, float(rate)), []).append((result["fanout"]["p99_ms"], per_command_us, result["lost"]))

targets = ["relay", "node", "rondo"]
rates = sorted({rate for _, rate in runs})
print("| actions/s per member (commands/s) | " + " | ".join(targets) + " |")
print("|---|" + "---|" * len(targets))
capacity = {}
for rate in rates:
    cells = []
    for target in targets:
        got = runs.get((target, rate), [])
        if not got:
            cells.append("—")
            continue
        p99 = statistics.median(r[0] for r in got)
        us = statistics.median(r[1] for r in got)
        if p99 < 50:
            capacity[target] = max(capacity.get(target, 0), rate)
        cells.append(f"{p99:.1f} ms, {us:.0f} µs CPU/cmd" + (f", {sum(r[2] for r in got)} lost" if any(r[2] for r in got) else ""))
    print(f"| {rate} ({int(rate * 8000)}) | " + " | ".join(cells) + " |")
print()
for target in targets:
    print(f"capacity {target}: {capacity.get(target, 0)} actions/s per member")
if capacity.get("node") and capacity.get("relay"):
    print(f"rondo / node: {capacity.get('rondo', 0) / capacity['node']:.2f}, rondo / relay: {capacity.get('rondo', 0) / capacity['relay']:.2f}")
