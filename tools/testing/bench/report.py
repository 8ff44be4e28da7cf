#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py OUTDIR: turn OUTDIR/raw/results.txt (lines of guest-bench.sh,
each prefixed with the run number) into OUTDIR/bench.csv, bench.md,
requests.csv and bench.png (gnuplot, if installed)."""
import collections
import os
import statistics
import subprocess
import sys

# workload -> (unit, higher is better)
UNITS = {
    "seqwrite": ("MiB/s", True), "seqread": ("MiB/s", True),
    "randwrite": ("IOPS", True), "randread": ("IOPS", True),
    "create": ("files/s", True), "stat": ("files/s", True),
    "ls": ("s", False), "find": ("s", False), "unlink": ("files/s", True),
    "untar": ("s", False), "du": ("s", False), "statall": ("s", False),
    "probe": ("s", False), "gitcommit": ("s", False),
    "gitstatus": ("s", False), "gitstatus_warm": ("s", False),
    "rmrf": ("s", False), "dbench": ("MB/s", True),
    "postmark": ("tx/s", True), "bonnie": ("MiB/s wr", True),
    "bonnie_rd": ("MiB/s rd", True), "bonnie_create": ("files/s", True),
}
# bonnie's extra figures belong to the bonnie workload (its requests, failure)
PARENT = {"bonnie_rd": "bonnie", "bonnie_create": "bonnie"}

out = sys.argv[1]
vals = collections.defaultdict(list)      # (target, metric) -> [float]
fails = collections.defaultdict(list)     # (target, workload) -> [reason]
reqs = collections.defaultdict(lambda: collections.defaultdict(int))  # (run, target, workload) -> type -> n
targets, workloads = [], []
guests = collections.defaultdict(list)    # guest name -> [(run, rc)]
runs = set()


def seen(lst, x):
    if x not in lst:
        lst.append(x)


for line in open(os.path.join(out, "raw", "results.txt")):
    f = line.split()
    if len(f) < 3:
        continue
    run, kind = f[0], f[1]
    runs.add(run)
    if kind == "R" and len(f) >= 5:
        t, w, v = f[2], f[3], f[4]
        seen(targets, t)
        seen(workloads, w)
        try:
            x = float(v)
            if x == x:  # not nan
                vals[(t, w)].append(x)
        except ValueError:
            pass
    elif kind == "F" and len(f) >= 4:
        t, w = f[2], f[3]
        seen(targets, t)
        fails[(t, w)].append(" ".join(f[4:]) or "failed")
    elif kind == "Q" and len(f) >= 6:
        reqs[(run, f[2], f[3])][f[4]] += int(f[5])
    elif kind == "G":
        guests[f[2]].append((run, f[3]))

params = open(os.path.join(out, "raw", "params.txt")).read()
wanted = []
for ln in params.splitlines():
    if ln.startswith("workloads="):
        wanted = ln.split("=", 1)[1].split()
metrics = []
for w in wanted:
    metrics.append(w)
    if w == "bonnie":
        metrics += ["bonnie_rd", "bonnie_create"]
for w in workloads:
    seen(metrics, w)
# bonnie's extra figures only when some target has them
metrics = [m for m in metrics if m not in PARENT or any(vals.get((t, m)) for t in targets)]


def order(t):
    k = {"ng": 0, "kernel": 1}.get(t.split("-")[0], 2)
    cache = t.split("-")[1] if k < 2 else "~"
    cache = {"none": "0", "loose": "1"}.get(cache, cache)
    return (cache, ["virtiofs", "ext4", "tmpfs"].index(t) if k == 2 and t in ("virtiofs", "ext4", "tmpfs") else 0,
            int(t.split("-")[2]) if k < 2 and t.split("-")[2].isdigit() else 0, k)


targets.sort(key=order)
kernels = [t for t in targets if t.startswith("kernel-")]


def ref(t):
    """The kernel client's target a target is compared with."""
    if t.startswith("kernel-"):
        return t
    if t.startswith("ng-"):
        k = "kernel-" + t[3:]
        if k in kernels:
            return k
        same = [k for k in kernels if k.split("-")[1] == t.split("-")[1]]
        return same[-1] if same else None
    loose = [k for k in kernels if k.split("-")[1] == "loose"]
    return loose[-1] if loose else (kernels[-1] if kernels else None)


def med(t, m):
    v = vals.get((t, m))
    return statistics.median(v) if v else None


def req_total(t, w):
    v = [sum(reqs[(r, t, w)].values()) for r in sorted(runs) if (r, t, w) in reqs]
    return statistics.median(v) if v else None


def fmt(x):
    if x is None:
        return ""
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.2f" % x


rows = []
for m in metrics:
    unit, hib = UNITS.get(m, ("", True))
    w = PARENT.get(m, m)
    for t in targets:
        v = vals.get((t, m), [])
        r = ref(t)
        md, rm = med(t, m), (med(r, m) if r else None)
        ratio = None
        if md is not None and rm:
            ratio = md / rm if hib else rm / md if md else None
        nf = len(fails.get((t, w), [])) + len(fails.get((t, "all"), []))
        rows.append(dict(target=t, workload=m, unit=unit, higher_is_better=int(hib), n=len(v),
                         median=md, min=min(v) if v else None, max=max(v) if v else None,
                         ref=r or "", ratio=ratio, failed=nf,
                         fail_reason=";".join(fails.get((t, w), []) + fails.get((t, "all"), [])),
                         requests=req_total(t, w) if m == w else None))

with open(os.path.join(out, "bench.csv"), "w") as f:
    cols = ["target", "workload", "unit", "higher_is_better", "n", "median", "min", "max",
            "ref", "ratio", "failed", "fail_reason", "requests"]
    f.write(",".join(cols) + "\n")
    for r in rows:
        f.write(",".join("" if r[c] is None else (("%.6g" % r[c]) if isinstance(r[c], float) else str(r[c])).replace(",", ";")
                         for c in cols) + "\n")

with open(os.path.join(out, "requests.csv"), "w") as f:
    f.write("run,target,workload,type,count\n")
    for (run, t, w), d in sorted(reqs.items()):
        for ty, n in sorted(d.items()):
            f.write("%s,%s,%s,%s,%d\n" % (run, t, w, ty, n))

R = {(r["target"], r["workload"]): r for r in rows}
md = []
md.append("Each cell: median [min-max] over %d run(s); (x.xx) = speed relative to the kernel's own 9p "
          "client with the same cache mode and msize (for v9fs-ng-only msizes: the kernel's largest; for "
          "virtiofs, ext4 and tmpfs: the kernel's cache=loose, largest msize); > 1 is better, whichever "
          "way the unit goes. FAIL = the workload failed in n run(s).\n" % len(runs))
md.append("| workload | unit | " + " | ".join(targets) + " |")
md.append("| --- | --- |" + " --- |" * len(targets))
for m in metrics:
    cells = []
    for t in targets:
        r = R[(t, m)]
        c = ""
        if r["median"] is not None:
            c = fmt(r["median"])
            if r["n"] > 1:
                c += " [%s-%s]" % (fmt(r["min"]), fmt(r["max"]))
            if r["ratio"] is not None and not t.startswith("kernel-"):
                c += " (%.2f)" % r["ratio"]
        if r["failed"]:
            c += (" " if c else "") + "FAIL x%d" % r["failed"]
        cells.append(c or "-")
    md.append("| %s | %s | %s |" % (m, UNITS.get(m, ("", 0))[0], " | ".join(cells)))
t9 = [t for t in targets if t.startswith(("ng-", "kernel-"))]
if t9:
    md.append("\n9P requests per workload (median over runs; v9fs-ng: its /proc/self/mountstats, the kernel's "
              "client: a hist trigger on the 9p:9p_client_req trace event; bonnie: all of its phases):\n")
    md.append("| workload | " + " | ".join(t9) + " |")
    md.append("| --- |" + " --- |" * len(t9))
    for w in wanted:
        md.append("| %s | %s |" % (w, " | ".join(fmt(req_total(t, w)) or "-" for t in t9)))
bad = ["%s run %s: exit %s" % (g, r, rc) for g, l in guests.items() for r, rc in l]
if bad:
    md.append("\nGuests that did not exit 0 (their finished workloads still count): " + "; ".join(bad) + "\n")
md.append("\nParameters:\n\n```\n" + params.strip() + "\n```")
with open(os.path.join(out, "bench.md"), "w") as f:
    f.write("\n".join(md) + "\n")

# chart: ratio to the kernel's client per workload, one bar per non-kernel target
ct = [t for t in targets if not t.startswith("kernel-")]
dat = os.path.join(out, "chart.dat")
with open(dat, "w") as f:
    f.write("workload " + " ".join(ct) + "\n")
    for m in metrics:
        f.write(m + " " + " ".join(fmt(R[(t, m)]["ratio"]) or "?" for t in ct) + "\n")
gp = """set terminal pngcairo size 1600,700 noenhanced
set output '%s'
set title 'speed relative to the kernel 9p client (1 = same; higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y 2
set yrange [0.03:128]
set grid ytics
set xtics rotate by -30
set key outside right
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2
plot for [i=2:%d] '%s' using i:xtic(1) title columnheader(i)
""" % (os.path.join(out, "bench.png"), len(ct) + 1, dat)
if ct:
    try:
        subprocess.run(["gnuplot"], input=gp.encode(), check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("report.py: no chart: %s" % e, file=sys.stderr)
print(open(os.path.join(out, "bench.md")).read())
