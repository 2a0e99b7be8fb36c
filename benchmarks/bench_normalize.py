"""Time `normalize` on the snapshot and on a synthetic handbook 100 times its size.

Prints throughput (questions and megabytes per second). The synthetic input is
the canonical handbook's sections repeated, written back into a damaged dump by
tests.generators.text_dump, so it exercises every repair. Each run starts a
fresh KaTeX process so no rendering is cached from the previous one.

    .venv/bin/python benchmarks/bench_normalize.py [--copies 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pipeline import katex
from pipeline.normalize import normalize
from pipeline.readers.markdown import read_markdown
from tests.generators.text_dump import write_text_dump
from tests.layout import BOOK


def synthetic_dump(copies: int) -> str:
    handbook = read_markdown(BOOK.handbook_dir)
    sections = tuple(
        replace(
            section,
            slug="",
            title=f"{section.title} {n}",
            questions=tuple(replace(q, id="") for q in section.questions),
        )
        for n in range(copies)
        for section in handbook.sections
    )
    return write_text_dump(replace(handbook, sections=sections))


def timed(snapshot: Path, errata: Path, work: Path) -> tuple[float, int]:
    katex._mathml.reset()
    start = time.perf_counter()
    report = normalize(snapshot, work / "out", errata, work / "ids.tsv")
    return time.perf_counter() - start, report.questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        snapshot = BOOK.snapshot_file()
        seconds, questions = timed(snapshot, BOOK.errata_file, work)
        size = snapshot.stat().st_size
        print(
            f"snapshot   : {questions:6d} questions, {size / 1e6:6.2f} MB in {seconds:6.2f} s"
            f" -> {questions / seconds:8.1f} questions/s, {size / 1e6 / seconds:5.2f} MB/s"
        )
        big = work / "synthetic.txt"
        big.write_text(synthetic_dump(args.copies), encoding="utf-8")
        (work / "none.toml").write_text("", encoding="utf-8")
        (work / "ids.tsv").unlink()
        seconds_big, questions_big = timed(big, work / "none.toml", work)
        size_big = big.stat().st_size
        print(
            f"synthetic  : {questions_big:6d} questions, {size_big / 1e6:6.2f} MB in {seconds_big:6.2f} s"
            f" -> {questions_big / seconds_big:8.1f} questions/s, {size_big / 1e6 / seconds_big:5.2f} MB/s"
        )
        print(f"ratio      : {args.copies}x the input took {seconds_big / seconds:.1f}x the time")


if __name__ == "__main__":
    main()
