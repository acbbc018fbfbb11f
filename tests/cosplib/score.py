#!/usr/bin/env python3
"""Score many solutions of one CoSPLib instance with CoSPLib's official checker, loading the
instance once (building it is most of the checker's time).

    python score.py CHECKER_DIR INSTANCE.xlsx SOLUTION.xlsx...

CHECKER_DIR holds the checker unchanged (solution.py, domain/, config.py). Prints one JSON
object per solution, in order: {"solution", "loaded", "error", "all_submissions_scheduled",
"valid", "terms", "objective"}; "terms" holds every term the checker evaluates, zero or not,
under its own name less the trailing colon.
"""
import json
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    checker, instance, solutions = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path.insert(0, str(Path(checker).resolve()))
    import config  # the checker's own module: its loader reads the instance path from it
    from domain.problem import Problem
    from solution import Solution

    config.INPUT_PATH = instance
    problem = Problem(file_path=Path(instance))
    problem.build()
    for path in solutions:
        result = {"solution": path}
        sol = Solution(problem)
        try:
            sol.load_solution(file_path=path)
        except Exception as e:  # an unknown name is a KeyError in the checker
            result.update(loaded=False, error=f"{type(e).__name__}: {e}")
            print(json.dumps(result), flush=True)
            continue
        terms = {}
        for evaluation in sol.get_evaluations_list():
            name = sol.get_evaluation_name(evaluation).rstrip(":").strip()
            terms[name] = int(evaluation())
        result.update(
            loaded=True,
            all_submissions_scheduled=bool(sol.evaluate_all_submissions_scheduled()),
            valid=bool(sol.validate_solution()),
            terms=terms,
            objective=int(sol.evaluate_solution()),
        )
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
