#!/usr/bin/env python3
"""One sitting: workload W1 (p_fail = 0) by the SimPy peer and by cdsim, point by point.

    python3 benches/sitting.py --peer PEER_DIR [--python PY] [--reps 3]
        [--configs HalfAtATime,AllAtOnce] [--sizes 1000,10000,100000] [--json OUT]

PEER_DIR is the SimPy peer's folder (holding w1_inplace_rolling.py); PY a Python with
simpy (default: this interpreter). cdsim is `examples/w1.rs`, built here with
`cargo build --release --example w1` (set CARGO_TARGET_DIR as you like).

Each point runs REPS times per engine, peer then cdsim, each run a fresh process under
`/usr/bin/time -v`, seed 42, as the peer's own bench.py does; the median is kept. Wall
seconds are each program's own figure: the peer's `wall_s` times `env.run` only, cdsim's
times `simulation::run` only (model set-up, every event, the outcome), or with --report
`simulation::simulate` (the same plus building the report). Max RSS is the whole process.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 42


def build_example():
    cmd = ["cargo", "build", "--release", "--example", "w1", "--message-format=json"]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True).stdout
    exe = None
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "w1" and msg.get("executable"):
            exe = msg["executable"]
    if exe is None:
        sys.exit("cargo did not report the w1 example's executable")
    return exe


def timed(cmd, cwd):
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{proc.stderr}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["max_rss_mib"] = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)) / 1024
    return r


def point(runs):
    walls = [r["wall_s"] for r in runs]
    for key in ("sim_end_s", "events_processed", "status"):
        assert len({r[key] for r in runs}) == 1, key  # same seed, same run
    first = runs[0]
    return {
        "wall_s": statistics.median(walls), "wall_s_runs": walls,
        "max_rss_mib": statistics.median(r["max_rss_mib"] for r in runs),
        "sim_end_s": first["sim_end_s"], "status": first["status"],
        "events_processed": first["events_processed"], "model_events": first.get("model_events"),
    }


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": cpu}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", required=True, help="the SimPy peer's folder")
    ap.add_argument("--python", default=sys.executable, help="a Python with simpy (default: this one)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--configs", default="HalfAtATime,AllAtOnce")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--json", metavar="OUT", help="also write every run here")
    args = ap.parse_args()
    peer = os.path.abspath(args.peer)
    exe = build_example()

    load_before = os.getloadavg()
    rows = []
    for config in args.configs.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            peer_cmd = [args.python, "w1_inplace_rolling.py", str(n), str(SEED), "--config", config, "--p-fail", "0"]
            ours_cmd = [exe, str(n), config, str(SEED)]
            p = point([timed(peer_cmd, peer) for _ in range(args.reps)])
            c = point([timed(ours_cmd, REPO) for _ in range(args.reps)])
            s = point([timed(ours_cmd + ["--report"], REPO) for _ in range(args.reps)])
            row = {"config": config, "n": n, "peer": p, "cdsim_run": c, "cdsim_simulate": s}
            rows.append(row)
            print(f"{config} N={n}: peer {p['wall_s']:.3f}s {p['max_rss_mib']:.1f}MiB | cdsim run {c['wall_s']:.4f}s "
                  f"{c['max_rss_mib']:.1f}MiB | simulate {s['wall_s']:.4f}s {s['max_rss_mib']:.1f}MiB | "
                  f"ratio {p['wall_s'] / c['wall_s']:.0f}", file=sys.stderr, flush=True)
    load_after = os.getloadavg()

    m = machine()
    print(f"Machine: {m['nproc']} cores, {m['cpu']}. Load average (1, 5, 15 min) before "
          f"{load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f}; after "
          f"{load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}. Seed {SEED}, median of {args.reps} runs.\n")
    print("| Point | SimPy wall s (min-max) | cdsim `run` wall s (min-max) | SimPy / cdsim | cdsim `simulate` wall s "
          "| SimPy max RSS MiB | cdsim `run` max RSS MiB | cdsim `simulate` max RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p, c, s = r["peer"], r["cdsim_run"], r["cdsim_simulate"]
        print(f"| {r['config']} N={r['n']:,} | {p['wall_s']:.3f} ({min(p['wall_s_runs']):.3f}-{max(p['wall_s_runs']):.3f}) "
              f"| {c['wall_s']:.4f} ({min(c['wall_s_runs']):.4f}-{max(c['wall_s_runs']):.4f}) "
              f"| {p['wall_s'] / c['wall_s']:,.0f} | {s['wall_s']:.4f} | {p['max_rss_mib']:.1f} "
              f"| {c['max_rss_mib']:.1f} | {s['max_rss_mib']:.1f} |")
    print("\n| Point | SimPy sim end (s) | cdsim sim end (s) | SimPy events processed | SimPy model events "
          "| cdsim events delivered |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        p, c = r["peer"], r["cdsim_run"]
        print(f"| {r['config']} N={r['n']:,} | {p['sim_end_s']:.3f} | {c['sim_end_s']:.3f} | {p['events_processed']:,} "
              f"| {p['model_events']:,} | {c['events_processed']:,} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": m, "load_before": load_before, "load_after": load_after, "seed": SEED,
                       "reps": args.reps, "points": rows}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
