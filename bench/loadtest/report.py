"""Turn locust's <prefix>_stats.csv into the Markdown table of docs/loadtest.md."""

from __future__ import annotations

import csv
import json
import statistics
import sys


def main(path: str, runs: str | None = None) -> None:
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    print("| request | count | errors | error rate | p50 ms | p95 ms | p99 ms | max ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        n, fails = int(r["Request Count"]), int(r["Failure Count"])
        name = "**all requests**" if r["Name"] == "Aggregated" else r["Name"]
        print(f"| {name} | {n} | {fails} | {fails / n * 100 if n else 0:.1f} % | {r['50%']} | "
              f"{r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} | "
              f"{float(r['Requests/s']):.1f} |")
    if runs:
        with open(runs) as fh:
            done = [json.loads(line) for line in fh if line.strip()]
        if done:
            secs = sorted(d["seconds"] for d in done)
            print(f"\nConsultants' matching requests: {len(done)} submitted, "
                  f"{sum(d['finished'] for d in done)} finished; submit to finished "
                  f"median {statistics.median(secs):.1f} s, max {secs[-1]:.1f} s.")


if __name__ == "__main__":
    main(*sys.argv[1:3])
