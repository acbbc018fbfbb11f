#!/usr/bin/env python3
"""Run one of CoSPLib's own solvers on an instance, unchanged, setting its config from the
command line instead of editing config.py, and write the solution it ends with.

    python run.py CHECKER_DIR hyper-heuristic|extended-ip INSTANCE.xlsx SECONDS SEED OUT.xlsx

CHECKER_DIR is CoSPLib's Solver folder (../shared/tools/cosplib). The integer program uses
HiGHS through PuLP with SECONDS as its time limit; SEED is the hyper-heuristic's.
"""
import logging
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    checker, method, instance, seconds, seed, out = sys.argv[1:]
    sys.path.insert(0, str(Path(checker).resolve()))
    import config  # CoSPLib's own settings module, set here before its solvers read it

    config.INPUT_PATH = instance
    config.TIME_LIMIT_IN_SEC = float(seconds)
    config.SEED = int(seed)
    config.SOLVER = "HiGHS"
    config.HYPER_HEURISTIC = method == "hyper-heuristic"
    config.EXTENDED_MILP = method == "extended-ip"
    config.MATHEURISTIC = config.EXACT_MILP = False
    logging.basicConfig(level=logging.WARNING)
    from domain.problem import Problem
    from optimisation import run_mode

    problem = Problem(file_path=Path(instance))
    problem.build()
    if config.HYPER_HEURISTIC:
        solution = run_mode.solve_with_hyper_heuristic(problem)
    elif config.EXTENDED_MILP:
        solution = run_mode.solve_with_extended_milp(problem)
    else:
        print(f"unknown method {method!r}", file=sys.stderr)
        return 2
    solution.to_excel(file_path=Path(out))
    print(f"objective {int(solution.evaluate_solution())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
