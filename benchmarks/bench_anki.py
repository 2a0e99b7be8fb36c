"""Time `export_anki` against a minimal genanki script writing the same notes.

The baseline is what anyone would write first: genanki's basic note type,
plain-text fields, `Package.write_to_file`, one file per section plus a
combined one. Ours adds reading the Markdown, highlighted code, sanitizing,
template escaping and reproducible zips. Both run here, in the same process,
best of several rounds; the ratio is what to watch.

    .venv/bin/python benchmarks/bench_anki.py [--rounds N]

`--once baseline|export` runs one side once, for timing whole processes in
pairs (start-up and imports included), the baseline reading the same Markdown:

    farm-bench -n 7 --vs '.venv/bin/python benchmarks/bench_anki.py --once baseline' \
        -- .venv/bin/python benchmarks/bench_anki.py --once export
"""

from __future__ import annotations

import argparse
import html
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import genanki

from pipeline.anki import export_anki
from pipeline.model import Block, Handbook, block_inlines, plain_text
from pipeline.parts import answer_parts
from pipeline.readers.markdown import read_markdown
from pipeline.writers.anki import apkg_bytes, parent_decks, section_decks
from tests.layout import BOOK

TIMESTAMP = 1_700_000_000


def answer_text(blocks: tuple[Block, ...]) -> str:
    return "\n".join(
        plain_text(tuple(block_inlines(block))) or getattr(block, "tex", "") or getattr(block, "code", "")
        for block in blocks
    )


def baseline(handbook: Handbook, out: Path) -> None:
    """The minimal genanki script: basic model, plain fields, genanki's own writer."""
    model = genanki.BASIC_MODEL
    decks = []
    for number, section in enumerate(handbook.sections, start=1):
        deck = genanki.Deck(2_000_000_000 + number, f"{handbook.meta.title}::{section.title}")
        for question in section.questions:
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[
                        html.escape(plain_text(question.title)),
                        html.escape(answer_text(question.answer)),
                    ],
                    guid=genanki.guid_for(question.id),
                )
            )
        genanki.Package(deck).write_to_file(str(out / f"{section.slug}.apkg"), timestamp=TIMESTAMP)
        decks.append(deck)
    genanki.Package(decks).write_to_file(str(out / "handbook.apkg"), timestamp=TIMESTAMP)


def writers_only(handbook: Handbook, out: Path) -> None:
    """Our note building and package writing, without reading the Markdown."""
    decks = section_decks(handbook, BOOK.slug, handbook.sections, series="Series", site_url="")
    for section, deck in zip(handbook.sections, decks, strict=True):
        (out / f"{section.slug}.apkg").write_bytes(apkg_bytes([deck], TIMESTAMP))
    (out / "handbook.apkg").write_bytes(
        apkg_bytes([*parent_decks(handbook, BOOK.slug, "Series"), *decks], TIMESTAMP)
    )


def best_of(runs: list[Callable[[Path], object]], rounds: int) -> list[float]:
    """Each run's best time; runs alternate within a round so load hits them alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, samples in zip(runs, times, strict=True):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "decks"
                out.mkdir()
                start = time.perf_counter()
                run(out)
                samples.append(time.perf_counter() - start)
    return [min(samples) for samples in times]


def export(out: Path) -> None:
    """`export_anki` as a first export: a fresh state file, every note dated and the state written."""
    export_anki(
        BOOK,
        out,
        None,
        timestamp=TIMESTAMP,
        site_url="",
        state_file=out.parent / "question-state.tsv",
    )


def once(side: str) -> None:
    """One side once, in a fresh temporary folder: what a whole process of it costs."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "decks"
        out.mkdir()
        if side == "baseline":
            baseline(read_markdown(BOOK.handbook_dir), out)
        else:
            export(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--once", choices=("baseline", "export"), help="run one side once, time nothing")
    arguments = parser.parse_args()
    if arguments.once:
        once(arguments.once)
        return
    rounds = arguments.rounds
    handbook = read_markdown(BOOK.handbook_dir)
    questions = sum(len(s.questions) for s in handbook.sections)
    parts = sum(len(answer_parts(q)) for _, q in handbook.questions())

    base, ours, writers = best_of(
        [
            lambda out: baseline(handbook, out),
            export,  # a fresh state file each round
            lambda out: writers_only(handbook, out),
        ],
        rounds,
    )
    print(
        f"{questions} questions (ours adds {parts} part notes), {len(handbook.sections)} sections "
        f"+ combined deck, best of {rounds}"
    )
    print(f"minimal genanki script : {base * 1000:8.1f} ms")
    print(f"export_anki (all)      : {ours * 1000:8.1f} ms   ratio {ours / base:5.2f}x")
    print(f"  of which writers     : {writers * 1000:8.1f} ms   ratio {writers / base:5.2f}x")


if __name__ == "__main__":
    main()
