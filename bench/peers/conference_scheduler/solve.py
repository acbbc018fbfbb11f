#!/usr/bin/env python3
"""The PyCon UK conference-scheduler (PuLP + CBC) on a Hallway timetabling problem.

Reads what `hallway schedule problem` writes and writes a placement list that
`hallway schedule score` evaluates with Hallway's own evaluator, so both optimizers are scored
the same way. The peer assigns each session to one of the organizer's slots (the rooms and times
the work in progress uses) with its "equity" objective (the largest overflow in any slot), and
keeps as hard no-clash pairs the sessions that share a speaker and the most co-bookmarked pairs.

    solve.py PROBLEM.json PLACEMENTS.json [--time-limit SECONDS] [--pairs N]

Prints one JSON line: build and solve seconds, the solver status, the pairs it kept.
"""
import argparse
import collections
import datetime
import itertools
import json
import sys
import time

import pulp
from conference_scheduler import scheduler
from conference_scheduler.lp_problem import objective_functions
from conference_scheduler.resources import Event, Slot


def fits(problem, s, pl):
    """The hard rules of Hallway's model for one placement (days, kinds, availability, breaks)."""
    x = problem["sessions"][s]
    room = problem["rooms"][pl["room"]]
    day = problem["days"][pl["day"]]
    start, end = pl["start"], pl["start"] + x["minutes"]
    if x["days"] is not None and pl["day"] not in x["days"]:
        return False
    if end > day["end"] or any(start < b and a < end for a, b in day["breaks"]):
        return False
    if room["kinds"] is not None and x["kind"] not in room["kinds"]:
        return False
    if room["available"] is not None and not any(
        w["day"] == pl["day"] and w["start"] <= start and end <= w["end"] for w in room["available"]
    ):
        return False
    return x["pinned"] is None or x["pinned"] == pl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("problem")
    ap.add_argument("output")
    ap.add_argument("--time-limit", type=int, default=600)
    ap.add_argument("--pairs", type=int, default=100)
    args = ap.parse_args()
    started = time.monotonic()
    file = json.load(open(args.problem))
    problem, current = file["problem"], file["current"]
    sessions, rooms = problem["sessions"], problem["rooms"]
    base = datetime.datetime(2026, 1, 1)

    # The organizer's slots: every room and time the work in progress uses, as long as the
    # session there. A slot holds one session at most (the peer's model).
    slot_places = sorted(
        {(pl["room"], pl["day"], pl["start"], sessions[s]["minutes"]) for s, pl in enumerate(current) if pl}
    )
    slots = [
        Slot(
            venue=rooms[r]["name"],
            starts_at=base + datetime.timedelta(days=d, minutes=m),
            duration=length,
            capacity=rooms[r]["capacity"] if rooms[r]["capacity"] is not None else 1_000_000,
            session=f"day {d}",
        )
        for r, d, m, length in slot_places
    ]
    places = [{"room": r, "day": d, "start": m} for r, d, m, _ in slot_places]

    # Hard no-clash pairs: shared speakers, then the most co-bookmarked pairs.
    together = collections.Counter()
    for bookmarks in problem["attendees"]:
        for a, b in itertools.combinations(sorted(set(bookmarks)), 2):
            together[(a, b)] += 1
    by_speaker = collections.defaultdict(list)
    for s, x in enumerate(sessions):
        for sp in x["speakers"]:
            by_speaker[sp].append(s)
    apart = {(a, b) for group in by_speaker.values() for a, b in itertools.combinations(sorted(group), 2)}
    speaker_pairs = len(apart)
    for pair, _ in together.most_common(args.pairs):
        apart.add(pair)

    events = [
        Event(name=str(s), duration=x["minutes"], demand=x["audience"], tags=[], unavailability=[])
        for s, x in enumerate(sessions)
    ]
    for s, event in enumerate(events):
        event._unavailability.extend(slots[j] for j, pl in enumerate(places) if not fits(problem, s, pl))
    # One direction is enough: the peer makes the unavailability symmetric.
    for a, b in sorted(apart):
        events[a]._unavailability.append(events[b])

    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=args.time_limit, threads=2)
    status = "solved"
    placement = [None] * len(sessions)
    try:
        built = time.monotonic()
        chosen = scheduler.solution(
            events, slots, objective_function=objective_functions.equity_capacity_demand_difference, solver=solver
        )
        for s, j in chosen:
            placement[s] = places[j]
    except ValueError as e:
        status = f"no solution: {e}"
    done = time.monotonic()
    json.dump(placement, open(args.output, "w"))
    print(
        json.dumps(
            {
                "status": status,
                "sessions": len(sessions),
                "slots": len(slots),
                "speaker_pairs": speaker_pairs,
                "bookmark_pairs": args.pairs,
                "prepare_seconds": round(built - started, 1),
                "solve_seconds": round(done - built, 1),
                "seconds": round(done - started, 1),
            }
        )
    )
    return 0 if status == "solved" else 1


if __name__ == "__main__":
    sys.exit(main())
