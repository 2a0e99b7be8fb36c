"""Share of catalogue formulas the repair recovers exactly, and its throughput.

Builds a corpus of random handbooks from tests.generators.math_catalogue (a
fixed seed, so every run is the same corpus), damages it with the text-dump
writer, reads and repairs it, and counts each formula that comes back with
exactly its TeX. Prints the share recovered (goal: 99.5 %), every formula
that was not, how many questions did not come back exactly and whether the
residue audit (pipeline.audit) flags each of them, and formulas per second against a baseline in the
same process (rendering the corpus once with KaTeX, which the repair must do
at least once too). Starts a fresh KaTeX process so nothing is cached.

    .venv/bin/python benchmarks/bench_formulas.py [--formulas 1000] [--seed 10]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from pipeline import katex
from pipeline.audit import audit_blocks
from pipeline.model import Handbook, Paragraph, Question, question_formulas
from pipeline.readers.text_dump import read_text_dump
from pipeline.repair import repair
from tests.generators.math_catalogue import random_handbook
from tests.generators.text_dump import write_text_dump


def corpus(formulas: int, seed: int) -> Handbook:
    rng = random.Random(seed)
    questions = 8
    handbook = random_handbook(rng, questions)
    while sum(len(question_formulas(q)) for _, q in handbook.questions()) < formulas:
        questions += 8
        handbook = random_handbook(random.Random(seed), questions)
    return handbook


def _residue(question: Question) -> list[str]:
    """What the audit says of a question's title and answer (formula residue and the rest)."""
    return [f.text for f in audit_blocks(question.id, (Paragraph(question.title), *question.answer))]


@dataclass
class Tally:
    formulas: int = 0
    recovered: int = 0
    lost: list[str] = field(default_factory=list)
    damaged: int = 0  # questions not given back exactly (formulas or prose)
    silent: int = 0  # of those, how many the residue audit would not flag


def tally(original: Handbook, repaired: Handbook) -> Tally:
    result = Tally()
    for (_, want), (_, got) in zip(original.questions(), repaired.questions(), strict=True):
        expected = Counter(tex for tex, _ in question_formulas(want))
        matched = expected & Counter(tex for tex, _ in question_formulas(got))
        result.formulas += sum(expected.values())
        result.recovered += sum(matched.values())
        result.lost += list((expected - matched).elements())
        if (want.title, want.answer) != (got.title, got.answer):
            result.damaged += 1
            result.silent += not _residue(got)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formulas", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    handbook = corpus(args.formulas, args.seed)
    dump = write_text_dump(handbook)
    items = [(tex, display) for _, q in handbook.questions() for tex, display in question_formulas(q)]

    katex._mathml.reset()
    start = time.perf_counter()
    katex.mathml_texts(items)
    baseline = time.perf_counter() - start

    katex._mathml.reset()
    start = time.perf_counter()
    repaired, _ = repair(read_text_dump(dump))
    seconds = time.perf_counter() - start

    result = tally(handbook, repaired)
    total, found = result.formulas, result.recovered
    print(
        f"corpus     : {total} formulas in {len(handbook.sections[0].questions)} questions, "
        f"{len(dump) / 1e6:.2f} MB of dump (seed {args.seed})"
    )
    print(f"recovered  : {found}/{total} = {100 * found / total:.2f} % exactly (goal 99.5 %)")
    print(
        f"repair     : {seconds:.2f} s -> {total / seconds:.0f} formulas/s; "
        f"{seconds / baseline:.1f}x the time KaTeX takes to render the corpus once ({baseline:.2f} s)"
    )
    print(
        f"questions  : {result.damaged} not given back exactly, {result.silent} of them "
        f"without a residue finding"
    )
    for tex in result.lost:
        print(f"  lost: {tex}")


if __name__ == "__main__":
    main()
