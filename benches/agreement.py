#!/usr/bin/env python3
"""Agreement of cdsim with the SimPy peer on workload W1 (p_fail = 0): mean simulated end.

    python3 benches/agreement.py --peer PEER_DIR [--python PY] [--seeds 100]
        [--points HalfAtATime:1000,AllAtOnce:1000,OneAtATime:20] [--jobs 1] [--json OUT]

PEER_DIR is the SimPy peer's folder (the one holding w1_inplace_rolling.py); PY is a Python
with simpy installed (default: this interpreter). The peer runs once per seed, from its
folder, writing nothing there. cdsim runs through `cargo run --release --example w1` from
this repository (set CARGO_TARGET_DIR as you like), once per point with every seed.

The two draw from different generators (MT19937 there, ChaCha8 here) and cdsim keeps time
in whole milliseconds, so single runs differ; the means over seeds should agree within
their standard errors. For each point this prints the mean, the standard error of the
mean, the difference, and z = difference / sqrt(se_peer^2 + se_cdsim^2).
"""

import argparse
import concurrent.futures
import json
import math
import os
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def peer_run(python, peer, n, seed, config):
    cmd = [python, "w1_inplace_rolling.py", str(n), str(seed), "--config", config, "--p-fail", "0"]
    out = subprocess.run(cmd, cwd=peer, capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    assert r["status"] == "Succeeded", r
    return r


def cdsim_runs(n, config, seeds):
    cmd = ["cargo", "run", "--release", "--quiet", "--example", "w1", "--", str(n), config] + [
        str(s) for s in seeds
    ]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["seed"] for r in rows] == list(seeds)
    for r in rows:
        assert r["status"] == "Succeeded", r
    return rows


def summary(xs):
    mean = statistics.fmean(xs)
    se = statistics.stdev(xs) / math.sqrt(len(xs))
    return mean, se


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", required=True, help="the SimPy peer's folder")
    ap.add_argument("--python", default=sys.executable, help="a Python with simpy (default: this one)")
    ap.add_argument("--seeds", type=int, default=100, help="seeds per point, 1..SEEDS (default 100)")
    ap.add_argument("--points", default="HalfAtATime:1000,AllAtOnce:1000,OneAtATime:20",
                    help="comma-separated CONFIG:N")
    ap.add_argument("--jobs", type=int, default=1, help="peer runs in parallel (default 1)")
    ap.add_argument("--json", metavar="OUT", help="also write every run's end time here")
    args = ap.parse_args()
    peer = os.path.abspath(args.peer)
    if not os.path.isfile(os.path.join(peer, "w1_inplace_rolling.py")):
        ap.error(f"no w1_inplace_rolling.py in {args.peer}")
    seeds = list(range(1, args.seeds + 1))

    results = []
    print("| Point | Seeds | SimPy mean end (s) ± se | cdsim mean end (s) ± se | cdsim − SimPy | z |")
    print("|---|---:|---:|---:|---:|---:|")
    for point in args.points.split(","):
        config, n = point.split(":")
        n = int(n)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            peer_rows = list(pool.map(lambda s: peer_run(args.python, peer, n, s, config), seeds))
        ours = cdsim_runs(n, config, seeds)
        p = [r["sim_end_s"] for r in peer_rows]
        c = [r["sim_end_s"] for r in ours]
        (pm, pse), (cm, cse) = summary(p), summary(c)
        diff = cm - pm
        z = diff / math.hypot(pse, cse)
        print(f"| W1 {config} N={n:,} | {len(seeds)} | {pm:.2f} ± {pse:.2f} | {cm:.2f} ± {cse:.2f} "
              f"| {diff:+.2f} ({100 * diff / pm:+.2f} %) | {z:+.2f} |", flush=True)
        results.append({
            "config": config, "n": n, "seeds": seeds,
            "peer_sim_end_s": p, "cdsim_sim_end_s": c,
            "peer_min_in_service": sorted({r["min_in_service"] for r in peer_rows}),
            "cdsim_min_in_service": sorted({r["min_in_service"] for r in ours}),
            "peer_capacity_changes": sorted({r["capacity_changes"] for r in peer_rows}),
            "cdsim_capacity_changes": sorted({r["capacity_changes"] for r in ours}),
            "peer_events_processed_mean": statistics.fmean(r["events_processed"] for r in peer_rows),
            "peer_model_events_mean": statistics.fmean(r["model_events"] for r in peer_rows),
            "cdsim_events_processed_mean": statistics.fmean(r["events_processed"] for r in ours),
        })
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
