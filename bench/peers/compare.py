#!/usr/bin/python3
"""Runs triage and every available peer on one workload, checks that they agree, prints the tables.
Called by run.sh (which finds and builds the peers); see bench/README.md.

usage: compare.py --build DIR --work DIR --tickets N --reps R [--scales "8 80 ..."]
                  [--pack-scales "1 10 ..."] [--clips BIN] [--hyperscan BIN] [--node]
                  [--missing "engine: how to install" ...]"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = os.path.join(HERE, "workload.py")
PY = "/usr/bin/python3"
SLOW = {"python", "clips", "zen-engine", "json-rules-engine"}
CLIPS_MAX_RULES = 10000  # salience range


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, what):
    # zen-engine evaluates on libuv's thread pool: one thread, so that it stays on one core.
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, UV_THREADPOOL_SIZE="1"))
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
    try:
        return json.loads(p.stdout.strip().splitlines()[-1]), None
    except (ValueError, IndexError):
        return None, f"{what}: unreadable output: {p.stdout[:200]!r}"


def write(path, cmd):
    with open(path, "w", encoding="utf-8") as f:
        subprocess.run(cmd, stdout=f, check=True)
    return path


def head(src, n, dst):
    if not os.path.exists(dst):
        with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
            for i, line in enumerate(f):
                if i >= n:
                    break
                out.write(line)
    return dst


def fmt_rate(x):
    return f"{x:,.0f}"


def fmt_ratio(x):
    return f"{x:,.0f}×" if x >= 10 else f"{x:.2f}×"


def mismatch(rules, engine, n, ref, got):
    cats = sorted(set(ref) | set(got), key=lambda c: (c == "none", c))
    lines = [f"CHECKSUM MISMATCH at {rules} rules on {n:,} tickets: {engine} disagrees with triage",
             f"| category | triage | {engine} |", "|---|---|---|"]
    for c in cats:
        mark = "" if ref.get(c, 0) == got.get(c, 0) else "  <<"
        lines.append(f"| {c} | {ref.get(c, 0)} | {got.get(c, 0)} |{mark}")
    lines.append(f"| total | {sum(ref.values())} | {sum(got.values())} |")
    log("\n".join(lines))
    sys.exit(1)


def versions(a):
    v = {"triage": "this tree", "python": platform.python_version()}
    for engine, pkg in (("clips", "libclips-dev"), ("hyperscan", "libhyperscan-dev")):
        try:
            got = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg],
                                 capture_output=True, text=True).stdout.split("-")[0]
            if got:
                v[engine] = got
        except OSError:
            pass
    for engine, pkg in (("zen-engine", "@gorules/zen-engine"), ("json-rules-engine", "json-rules-engine")):
        try:
            with open(os.path.join(HERE, "node_modules", pkg, "package.json")) as f:
                v[engine] = json.load(f)["version"]
        except OSError:
            pass
    return v


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--tickets", type=int, default=100000)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--scales", default="8 80 800 8000")
    p.add_argument("--pack-scales", default="1 10 100")
    p.add_argument("--clips")
    p.add_argument("--hyperscan")
    p.add_argument("--node", action="store_true")
    p.add_argument("--missing", action="append", default=[])
    a = p.parse_args()
    triage = os.path.join(a.build, "bench", "bench_peer_triage")
    w = a.work
    n_all, reps = a.tickets, a.reps
    ver = versions(a)
    results = {"date": datetime.date.today().isoformat(), "tickets": n_all, "repetitions": reps,
               "keyword_rules": [], "default_pack": [], "missing": a.missing, "versions": ver}

    load_start = os.getloadavg()[0]
    log(f"generating {n_all:,} tickets")
    tickets = write(os.path.join(w, "tickets.jsonl"),
                    [PY, WORKLOAD, "tickets", "--count", str(n_all), "--seed", "1"])
    rows = []
    for rules in [int(s) for s in a.scales.split()]:
        rs = write(os.path.join(w, f"rules{rules}.json"), [PY, WORKLOAD, "rules", "--rules", str(rules)])
        conv = lambda to, ext: write(os.path.join(w, f"rules{rules}.{to}.{ext}"),
                                     [PY, WORKLOAD, "convert", "--to", to, rs])
        # Slow engines see the first N·8/R tickets (at least 100): about the same time per scale.
        n_slow = min(n_all, max(100, n_all * 8 // rules))
        subset = head(tickets, n_slow, os.path.join(w, f"tickets{n_slow}.jsonl"))
        pack = conv("triage", "json")
        log(f"{rules} rules: triage")
        ref, err = run_json([triage, pack, tickets, str(reps)], "triage")
        if err:
            sys.exit(f"triage failed at {rules} rules: {err}")
        refs = {n_all: ref["counts"]}
        if n_slow < n_all:
            sub, err = run_json([triage, pack, subset, "1"], "triage")
            if err:
                sys.exit(f"triage failed at {rules} rules: {err}")
            refs[n_slow] = sub["counts"]
        hit = sum(v for k, v in ref["counts"].items() if k != "none") / n_all
        entry = {"rules": rules, "matched_share": hit, "engines": {"triage": ref}}
        rows.append((rules, "triage", n_all, ref["tickets_per_s"], None))
        peers = []
        if a.hyperscan:
            peers.append(("hyperscan", n_all, lambda t: [a.hyperscan, "rules", conv("hyperscan", "tsv"), t, str(reps)]))
        peers.append(("python", n_slow, lambda t: [PY, os.path.join(HERE, "python_peer.py"), rs, t, str(reps)]))
        if a.clips and rules <= CLIPS_MAX_RULES:
            peers.append(("clips", n_slow, lambda t: [a.clips, conv("clips", "clp"), t, str(reps)]))
        if a.node:
            peers.append(("zen-engine", n_slow, lambda t: ["node", os.path.join(HERE, "zen_peer.mjs"), conv("zen", "json"), t, str(reps)]))
            peers.append(("json-rules-engine", n_slow, lambda t: ["node", os.path.join(HERE, "jre_peer.mjs"), conv("jre", "json"), t, str(reps)]))
        for engine, n, cmd in peers:
            log(f"{rules} rules: {engine} on {n:,} tickets")
            res, err = run_json(cmd(tickets if n == n_all else subset), engine)
            if err:
                rows.append((rules, engine, n, None, f"failed: {err}"))
                entry["engines"][engine] = {"error": err}
                continue
            if res["counts"] != refs[n]:
                mismatch(rules, engine, n, refs[n], res["counts"])
            entry["engines"][engine] = res
            rows.append((rules, engine, n, res["tickets_per_s"], None))
        if a.clips and rules > CLIPS_MAX_RULES:
            rows.append((rules, "clips", 0, None, f"not run: salience allows at most {CLIPS_MAX_RULES} rules"))
        results["keyword_rules"].append(entry)
        log(f"{rules} rules: every engine agrees ({hit:.0%} of tickets matched a rule)")

    def label(engine):
        return f"{engine} {ver[engine]}" if engine in ver and engine != "triage" else engine

    load_end = os.getloadavg()[0]
    results["load_average"] = [load_start, load_end]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    out = [f"{results['date']}, {cpu}, {os.cpu_count()} cores, load average {load_start:.1f} at the start "
           f"and {load_end:.1f} at the end of the first table (other work shares the machine).", "",
           f"Keyword rules, first match wins; {n_all:,} tickets of ~116 bytes, median of {reps} runs, "
           f"one core; per-category counts agree for every engine. Slow engines run the first "
           f"max(100, N·8/rules) tickets (column \"tickets\"). build s: compiling the rules, not timed.", "",
           "| rules | engine | tickets | tickets/s | triage/engine | build s |", "|---:|---|---:|---:|---:|---:|"]
    triage_rate = {r: rate for r, e, _, rate, _ in rows if e == "triage"}
    load = {(e["rules"], k): v.get("load_s") for e in results["keyword_rules"] for k, v in e["engines"].items()}
    for r, e, n, rate, note in rows:
        ls = load.get((r, e))
        ls = f"{ls:.2f}" if ls is not None else ""
        if note:
            out.append(f"| {r:,} | {label(e)} | | {note} | | |")
        elif e == "triage":
            out.append(f"| {r:,} | **triage** | {n:,} | **{fmt_rate(rate)}** | | {ls} |")
        else:
            out.append(f"| {r:,} | {label(e)} | {n:,} | {fmt_rate(rate)} | {fmt_ratio(triage_rate[r] / rate)} | {ls} |")
    if a.missing:
        out += ["", "Not run (missing): " + "; ".join(a.missing)]

    # The default pack scaled by bench_gen: triage's classification vs Hyperscan's literal scan.
    gen = os.path.join(a.build, "bench", "bench_gen")
    out.append("")
    if not os.path.exists(gen):
        out.append(f"Default pack vs Hyperscan: skipped ({gen} not found; build the bench_gen target).")
    elif not a.hyperscan:
        out.append("Default pack vs Hyperscan: skipped (Hyperscan missing).")
    else:
        log(f"default pack: generating {n_all:,} tickets with bench_gen")
        gt = write(os.path.join(w, "gen_tickets.jsonl"),
                   [gen, "tickets", "--count", str(n_all), "--bytes", "116", "--seed", "1"])
        out += [f"Default pack scaled by bench_gen, {n_all:,} bench_gen tickets of ~116 bytes, median of "
                f"{reps} runs: triage classifies (problem_type: scan, rules, decision); Hyperscan only "
                "finds whether any keyword occurs (literals, no folding, variants or word boundaries).", "",
                "| pack scale | rules | keywords | triage tickets/s | Hyperscan tickets/s | triage/Hyperscan | tickets with a keyword hit (triage / Hyperscan) |",
                "|---:|---:|---:|---:|---:|---:|---|"]
        for s in [int(x) for x in a.pack_scales.split()]:
            pk = write(os.path.join(w, f"pack{s}.json"), [gen, "pack", "--scale", str(s)])
            kw = write(os.path.join(w, f"keywords{s}.txt"), [gen, "keywords", "--scale", str(s)])
            log(f"default pack x{s}: triage")
            t, terr = run_json([triage, pk, gt, str(reps), "--dimension", "problem_type"], "triage")
            log(f"default pack x{s}: hyperscan")
            h, herr = run_json([a.hyperscan, "keywords", kw, gt, str(reps)], "hyperscan")
            results["default_pack"].append({"scale": s, "triage": t or {"error": terr},
                                            "hyperscan": h or {"error": herr}})
            tr = fmt_rate(t["tickets_per_s"]) if t else f"failed: {terr}"
            hr = fmt_rate(h["tickets_per_s"]) if h else f"failed: {herr}"
            ratio = fmt_ratio(t["tickets_per_s"] / h["tickets_per_s"]) if t and h else ""
            nkw = h["keywords"] if h else sum(1 for _ in open(kw, encoding="utf-8"))
            hits = f"{t['tickets_with_hit']:,}" if t else "?"
            hits += f" / {h['tickets_with_hit']:,}" if h else " / ?"
            out.append(f"| {s} | {t['rules'] if t else 0:,} | {nkw:,} | {tr} | {hr} | {ratio} | {hits} |")
            for f in (pk, kw):
                os.remove(f)
    with open(os.path.join(w, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\n".join(out))


if __name__ == "__main__":
    main()
