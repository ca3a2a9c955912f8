#!/usr/bin/python3
"""report.py -- the table, the JSON and the chart of `make bench`.

    report.py RESULTS.jsonl OUT.json OUT.svg

RESULTS.jsonl holds one wsbench result per line, tagged with its server
(wspush, peer, floor) and round. Each figure is the median over the
rounds (broadcast percentiles: over every broadcast of every round);
the table prints them side by side with wspush/peer and
wspush/floor ratios, then checks the targets of docs/PERFORMANCE.md.
Python standard library only."""

import json
import math
import os
import platform
import statistics
import sys

SERVERS = ("wspush", "peer", "floor")
NS = (10, 200, 1000)

# (key, label, unit, higher is better)
ROWS = [
    ("push_10", "push throughput, N=10", "pushes/s", True),
    ("push_200", "push throughput, N=200", "pushes/s", True),
    ("push_1000", "push throughput, N=1000", "pushes/s", True),
    ("bcast_p50", "broadcast to 1000, p50", "ms", False),
    ("bcast_p99", "broadcast to 1000, p99", "ms", False),
    ("handshake", "handshakes", "per s", True),
    ("rss_idle", "RSS idle", "KiB", False),
    ("rss_bound", "RSS, 1000 idle bound pages", "KiB", False),
    ("rss_after", "RSS after a push run", "KiB", False),
    ("per_page", "per idle bound page", "bytes", False),
]


def figures(results):
    """{server: {key: median}} from the raw results."""
    raw = {s: {} for s in SERVERS}
    for r in results:
        d = raw[r["server"]]
        sc = r["scenario"]
        if sc == "push":
            d.setdefault("push_%d" % r["n"], []).append(r["rate"])
        elif sc == "broadcast":
            d.setdefault("bcast_lat", []).extend(r["lat_ms"])
        elif sc == "handshake":
            d.setdefault("handshake", []).append(r["rate"])
        elif sc == "memory":
            d.setdefault("rss_idle", []).append(r["idle_kb"])
            d.setdefault("rss_bound", []).append(r["bound_kb"])
            d.setdefault("rss_after", []).append(r["after_kb"])
            d.setdefault("per_page", []).append(r["per_page_bytes"])
    f = {}
    for s in SERVERS:
        lat = sorted(raw[s].pop("bcast_lat", []))
        f[s] = {k: statistics.median(v) for k, v in raw[s].items()}
        if lat:
            # Latencies are pooled over the rounds, not medians of each
            # round's percentiles: a p99 needs the samples.
            f[s]["bcast_p50"] = percentile(lat, 50)
            f[s]["bcast_p99"] = percentile(lat, 99)
    return f


def percentile(xs, p):
    """The p-th percentile of sorted xs, nearest rank."""
    return xs[max(0, -(-len(xs) * p // 100) - 1)]


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model or platform.processor(),
            "kernel": platform.system() + " " + platform.release()}


def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return "{:,.0f}".format(v)
    return "{:.2f}".format(v)


def ratio(a, b):
    return a / b if a is not None and b else None


def targets(f):
    """(text, measured, goal, met) for each target of the issue."""
    w, p, fl = f["wspush"], f["peer"], f["floor"]
    rows = []

    def add(text, value, goal, met):
        rows.append((text, value, goal, value is not None and met(value)))

    add("push N=200 / floor", ratio(w.get("push_200"), fl.get("push_200")),
        ">= 0.85", lambda v: v >= 0.85)
    add("push N=200 / ws peer", ratio(w.get("push_200"), p.get("push_200")),
        ">= 2", lambda v: v >= 2)
    add("push N=1000 / N=10", ratio(w.get("push_1000"), w.get("push_10")),
        ">= 0.7", lambda v: v >= 0.7)
    add("broadcast p99 / floor p99", ratio(w.get("bcast_p99"),
        fl.get("bcast_p99")), "<= 1.3", lambda v: v <= 1.3)
    add("bytes per idle bound page", w.get("per_page"), "<= 2048",
        lambda v: v <= 2048)
    add("handshakes / ws peer", ratio(w.get("handshake"),
        p.get("handshake")), ">= 2", lambda v: v >= 2)
    return rows


def table(f, rounds):
    out = ["| figure | wspush | ws peer | floor | wspush/peer | wspush/floor |",
           "|---|---:|---:|---:|---:|---:|"]
    for key, label, unit, _ in ROWS:
        w, p, fl = (f[s].get(key) for s in SERVERS)
        out.append("| %s (%s) | %s | %s | %s | %s | %s |" % (
            label, unit, fmt(w), fmt(p), fmt(fl),
            fmt(ratio(w, p)), fmt(ratio(w, fl))))
    out.append("")
    out.append("Medians of %d rounds. Targets:" % rounds)
    out.append("")
    out.append("| target | measured | goal | met |")
    out.append("|---|---:|---|---|")
    for text, value, goal, met in targets(f):
        out.append("| %s | %s | %s | %s |" % (text, fmt(value), goal,
                                             "yes" if met else "**no**"))
    return "\n".join(out)


def svg(f):
    """Throughput against N for the three servers, as a small SVG. The y
    axis is logarithmic: the three differ by more than 10x."""
    W, H, L, R, T, Bm = 640, 340, 80, 170, 40, 50
    vals = [f[s]["push_%d" % n] for s in SERVERS for n in NS
            if "push_%d" % n in f[s]]
    lo = math.floor(math.log10(min(vals)))
    hi = math.ceil(math.log10(max(vals)))
    if hi == lo:
        hi += 1
    colors = {"wspush": "#1f77b4", "peer": "#d62728", "floor": "#2ca02c"}
    names = {"wspush": "wspush", "peer": "ws peer (Node)",
             "floor": "floor (1 write/push)"}

    def x(i):
        return L + i * (W - L - R) / (len(NS) - 1)

    def y(v):
        return T + (H - T - Bm) * (hi - math.log10(v)) / (hi - lo)

    e = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="12">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="20" font-size="14">Push throughput against pages '
         '(N), log scale</text>' % L]
    for k in range(lo, hi + 1):
        v = 10 ** k
        e.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                 % (L, y(v), W - R, y(v)))
        e.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                 % (L - 6, y(v) + 4, "{:,}".format(v)))
    for i, n in enumerate(NS):
        e.append('<text x="%.1f" y="%d" text-anchor="middle">N=%d</text>'
                 % (x(i), H - Bm + 18, n))
    e.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" '
             'text-anchor="middle">pushes/s</text>' % (H // 2, H // 2))
    for j, s in enumerate(SERVERS):
        pts = [(x(i), y(f[s]["push_%d" % n])) for i, n in enumerate(NS)
               if "push_%d" % n in f[s]]
        if not pts:
            continue
        e.append('<polyline fill="none" stroke="%s" stroke-width="2" '
                 'points="%s"/>' % (colors[s], " ".join(
                     "%.1f,%.1f" % p for p in pts)))
        for p in pts:
            e.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                     % (p[0], p[1], colors[s]))
        e.append('<rect x="%d" y="%d" width="12" height="3" fill="%s"/>'
                 % (W - R + 14, T + 20 * j + 5, colors[s]))
        e.append('<text x="%d" y="%d">%s</text>'
                 % (W - R + 30, T + 20 * j + 10, names[s]))
    e.append("</svg>")
    return "\n".join(e) + "\n"


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: report.py RESULTS.jsonl OUT.json OUT.svg")
    with open(sys.argv[1]) as fh:
        results = [json.loads(line) for line in fh if line.strip()]
    rounds = max(r["round"] for r in results)
    f = figures(results)
    with open(sys.argv[2], "w") as fh:
        json.dump({"machine": machine(), "rounds": rounds, "medians": f,
                   "targets": [{"target": t, "measured": v, "goal": g,
                                "met": m} for t, v, g, m in targets(f)],
                   "results": results}, fh, indent=1)
        fh.write("\n")
    with open(sys.argv[3], "w") as fh:
        fh.write(svg(f))
    m = machine()
    print("\n%s, %s CPUs (%s)\n" % (m["kernel"], m["nproc"], m["cpu"]))
    print(table(f, rounds))
    print("\nwrote %s and %s" % (sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
