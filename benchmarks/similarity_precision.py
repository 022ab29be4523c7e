"""Precision of the issue suggestions on the generator's known links (issue 5).

    uv run python benchmarks/similarity_precision.py [--size small] [--seed 7]

Every generated ticket written about an issue is a known link. The index is built over all
generated issues (key, summary); for each linked ticket we rank with its
subject and body and count the true issue at rank 1 and within the top 3. Issues generated from
the same object and predicate read the same, so a second pair of numbers also counts a
same-summary issue as a hit (a human could not tell them apart either).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prodops_tui.services.generator import generate  # noqa: E402
from prodops_tui.services.similarity import IssueIndex, feedback_text  # noqa: E402

TODAY = date(2025, 6, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    company = generate(args.size, args.seed, TODAY)
    issues = list(company.issues())
    started = time.perf_counter()
    index = IssueIndex((i["id"], i["key"], i["summary"]) for i in issues)
    built = time.perf_counter() - started
    base = {i["id"]: i["summary"].lower() for i in issues}
    links = dict(company.true_links())
    hits1 = hits3 = same1 = same3 = total = 0
    started = time.perf_counter()
    for row in company.feedback():
        truth = links.get(row["id"])
        if truth is None:
            continue
        total += 1
        ranked = [s.id for s in index.rank(feedback_text(row["subject"], row["body"]), 3)]
        hits1 += ranked[:1] == [truth]
        hits3 += truth in ranked
        same = [base[i].startswith(base[truth]) or base[truth].startswith(base[i]) for i in ranked]
        same1 += bool(same[:1] and same[0])
        same3 += any(same)
    ranking = (time.perf_counter() - started) / max(total, 1) * 1000
    print(f"{args.size} seed {args.seed}: {len(issues)} issues, {total} known links")
    print(f"index built in {built:.2f} s; {ranking:.2f} ms per ranked feedback")
    print(f"precision@1 {hits1 / total:.3f}  precision@3 {hits3 / total:.3f}  (exact issue)")
    print(f"precision@1 {same1 / total:.3f}  precision@3 {same3 / total:.3f}  (same-summary issue)")


if __name__ == "__main__":
    main()
