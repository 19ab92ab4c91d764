#!/usr/bin/python3
"""The plain-Python baseline: for each ticket, the rules in order, `any(k in text ...)`, first wins.

usage: python_peer.py RULES.json TICKETS.jsonl REPETITIONS   (JSON result on stdout)
Reading the files is not timed."""
import json
import statistics
import sys
import time


def main():
    rules_path, tickets_path, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(rules_path, encoding="utf-8") as f:
        rules = [(r["category"], tuple(r["keywords"])) for r in json.load(f)["rules"]]
    with open(tickets_path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"].lower() for line in f if line.strip()]
    rates, counts = [], None
    for _ in range(reps):
        c = {}
        start = time.perf_counter()
        for t in texts:
            cat = "none"
            for category, keywords in rules:
                if any(k in t for k in keywords):
                    cat = category
                    break
            c[cat] = c.get(cat, 0) + 1
        rates.append(len(texts) / (time.perf_counter() - start))
        if counts is not None and c != counts:
            sys.exit("python_peer: repetitions counted differently")
        counts = c
    json.dump({"engine": "python", "tickets": len(texts), "repetitions": reps,
               "tickets_per_s": statistics.median(rates), "counts": counts}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
