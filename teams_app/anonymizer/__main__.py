"""Command line: measure the anonymiser, or anonymise standard input.

python -m teams_app.anonymizer --report CASES.jsonl GOLD.json [--verbose]
python -m teams_app.anonymizer --language en < case.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from teams_app.anonymizer.core import Anonymizer
from teams_app.anonymizer.report import evaluate, format_report, load_cases, load_gold
from teams_app.anonymizer.spans import PLACEHOLDERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m teams_app.anonymizer",
        description="Remove personal data from text, or measure recall on annotated cases.",
    )
    parser.add_argument(
        "--report",
        nargs=2,
        type=Path,
        metavar=("CASES_JSONL", "GOLD_JSON"),
        help="print per-kind recall and false positives for the cases against the gold file",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="with --report, list every miss and false positive",
    )
    parser.add_argument(
        "--language",
        choices=sorted(PLACEHOLDERS),
        default="ru",
        help="placeholder language when anonymising standard input (default: ru)",
    )
    arguments = parser.parse_args(argv)

    anonymizer = Anonymizer()
    if arguments.report is None:
        sys.stdout.write(
            anonymizer.anonymize(sys.stdin.read(), arguments.language).text
        )
        return 0

    cases_path, gold_path = arguments.report
    for path in (cases_path, gold_path):
        if not path.is_file():
            parser.error(f"file not found: {path}")
    evaluation = evaluate(load_cases(cases_path), load_gold(gold_path), anonymizer)
    print(format_report(evaluation, verbose=arguments.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
