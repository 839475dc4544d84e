"""Command line: ``matcher solve | cover | validate`` (docs/matching-model.md)."""

from __future__ import annotations

import argparse
import json
import sys

from .cover import cover_dict
from .schema import collect_cover, collect_problem
from .solve import TIME_LIMIT_RULE, WORKERS_RULE, is_time_limit, is_workers, solve_dict
from .validate import validate, validate_cover

SOLVE_HELP = """\
Read a problem file (format mentor-match/1) and write the best matching.

Problem: {"weights": {...}, "participants": [...], "placements": [...], "mentors": [...]}.
A match gives a participant one placement, one mentor and whole support hours; it must
pass rules 1-11 (areas, requirements, skills, a common day, travel, colleague-or-in-reach
mentor, exclusions, hours, slots, mentor capacity, pins). The objective is the sum of
  priority*(match + area*(k-r) + keep_mentor*[same] + keep_placement*[same])
  + hours*priority*h - travel_km*distance.
Result (mentor-match-result/1): status OPTIMAL|FEASIBLE|INFEASIBLE|INVALID, objective,
bound, seconds, matches (with score and reasons), unmatched (with reasons).
Exit status: 0 when a result was written, 2 for a file that breaks a field rule.
Full contract: docs/matching-model.md.
"""


def _option(parse, ok, rule: str):
    """An argparse type: the text read by ``parse`` (``float``, ``int``) and passing
    ``ok``, else an error saying ``rule`` and what was given."""

    def convert(text: str):
        try:
            value = parse(text)
        except ValueError:
            value = None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{rule}, got {text!r}")
        return value

    return convert


# --time-limit: a finite number of seconds above 0; --workers: a whole number of at least 1.
_seconds = _option(float, is_time_limit, TIME_LIMIT_RULE)
_workers = _option(int, is_workers, WORKERS_RULE)


def _load(path: str) -> tuple[object, list[str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh), []
    except OSError as exc:
        return None, [f"{path}: cannot read ({exc.strerror})"]
    except json.JSONDecodeError as exc:
        return None, [f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})"]


def _cannot_write(out: str | None) -> list[str]:
    """Why ``out`` cannot be written, asked of the file system before a solve spends its
    time (opened to append: an existing file is kept as it is until the result is in)."""
    if out:
        try:
            with open(out, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            return [f"{out}: cannot write ({exc.strerror})"]
    return []


def _write(result: dict, out: str | None) -> None:
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        print(text)


def _run(args: argparse.Namespace, solver, warm_first: bool = False) -> int:
    data, errors = _load(args.file)
    errors = errors or _cannot_write(args.out)
    if errors:
        print(*errors, sep="\n", file=sys.stderr)
        return 2
    if warm_first:
        # Load the compiled kernels before the clock starts, as the worker does before it
        # forks its jobs. Loaded inside a solve, beside CP-SAT on a whole model, the
        # moves held up its proof: bench M seed 1, 1.44-1.51 s against 0.95-1.13 s warm.
        from .solve import warm

        warm()
    result = solver(data, time_limit=args.time_limit, num_workers=args.workers)
    _write(result, args.out)
    if result["status"] == "INVALID":
        print(*result["errors"], sep="\n", file=sys.stderr)
        return 2
    return 0


def _validate(args: argparse.Namespace) -> int:
    data, errors = _load(args.file)
    is_cover = isinstance(data, dict) and (
        data.get("format") == "mentor-cover/1" or "assignments" in data)
    if not errors:
        errors = (collect_cover if is_cover else collect_problem)(data)[1]
    if errors:
        print(*errors, sep="\n", file=sys.stderr)
        return 2
    if args.result:
        result, errors = _load(args.result)
        if not errors:
            errors = (validate_cover if is_cover else validate)(data, result)
        if errors:
            print(*errors, sep="\n", file=sys.stderr)
            return 1
    print("valid")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``matcher`` argument parser."""
    parser = argparse.ArgumentParser(prog="matcher", description="Mentor Match solver.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text, limit in (("solve", SOLVE_HELP, 10.0),
                              ("cover", "Find substitutes for absent mentors "
                                        "(format mentor-cover/1, section 5 of "
                                        "docs/matching-model.md).", 5.0)):
        p = sub.add_parser(name, help=text.splitlines()[0], description=text,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("file", metavar=name.upper() + ".json")
        p.add_argument("--out", metavar="RESULT.json", help="result file (default: stdout)")
        p.add_argument("--time-limit", type=_seconds, default=limit, metavar="S",
                       help=f"seconds for the whole solve (default {limit:g})")
        p.add_argument("--workers", type=_workers, default=2, metavar="N",
                       help="CP-SAT workers (default 2)")
    v = sub.add_parser("validate", help="check a problem or cover file (and a result)")
    v.add_argument("file", metavar="FILE")
    v.add_argument("--result", metavar="RESULT.json", help="also check this result file")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``matcher`` command."""
    args = build_parser().parse_args(argv)
    if args.command == "solve":
        return _run(args, solve_dict, warm_first=True)
    if args.command == "cover":
        return _run(args, cover_dict)
    return _validate(args)


if __name__ == "__main__":
    sys.exit(main())
