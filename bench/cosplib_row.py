#!/usr/bin/env python3
"""One row of the CoSPLib table from the checker's verdicts (score.py's JSON lines) on every
solution of one instance, named NAME-hallway-SECONDS-SEED.xlsx, NAME-hh.xlsx, NAME-ip.xlsx.

    python cosplib_row.py NAME DATA_DIR BOUND HALLWAY_SAYS_JSON < verdicts

HALLWAY_SAYS_JSON maps each Hallway solution file to the objective Hallway printed for it;
a difference from the checker's objective fails the run.
"""
import csv
import json
import re
import statistics
import sys


def main() -> int:
    name, data, bound, says = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    verdicts = [json.loads(line) for line in sys.stdin if line.strip()]
    hallway = {10: [], 60: []}
    peers = {}
    for v in verdicts:
        file = v["solution"].rsplit("/", 1)[-1]
        ok = v.get("loaded") and v.get("all_submissions_scheduled") and v.get("valid")
        objective = v["objective"] if ok else None
        m = re.fullmatch(rf"{re.escape(name)}-hallway-(\d+)-(\d+)\.xlsx", file)
        if m:
            if objective is None or says[v["solution"]] != objective:
                print(f"{file}: Hallway says {says[v['solution']]}, the checker {v}", file=sys.stderr)
                return 1
            hallway[int(m.group(1))].append(objective)
        else:
            peers[file[len(name) + 1 : -len(".xlsx")]] = objective
    refs = [
        int(r["official_checker_objective"])
        for r in csv.DictReader(open(f"{data}/reference_objectives.csv"))
        if r["instance"] == name
    ]
    best = min(refs) if refs else None

    def runs(values):
        if not values:
            return "–"
        return f"{statistics.median(values):,.0f} ({min(values):,}–{max(values):,})"

    def show(v):
        return "–" if v is None else f"{v:,}"

    h60 = statistics.median(hallway[60]) if hallway[60] else None
    verdict = []
    if best is not None and h60 is not None:
        verdict.append("≤ best reference" if h60 <= best else "above best reference")
    hh = peers.get("hh")
    if hh is not None and h60 is not None:
        verdict.append("below HH" if h60 < hh else "not below HH")
    if h60 is not None and bound.isdigit() and h60 == int(bound):
        # Nothing can be below a proven optimum, the peer's included.
        verdict.append("optimal (= bound)")
    print(
        f"| {name} | {show(best)} | {bound} | {runs(hallway[10])} | {runs(hallway[60])} "
        f"| {show(hh)} | {show(peers.get('ip'))} | {'; '.join(verdict) or '–'} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
