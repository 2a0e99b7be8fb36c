"""Figures in the decks, imported into real Anki collections: media files, cards that show them, updates."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection

from pipeline.anki import export_anki
from pipeline.book import markdown_book
from pipeline.model import Handbook
from pipeline.writers.markdown import write_markdown
from tests.anki_export.anki_fixtures import REAL, SOURCE_TIME, book_deck, import_package, set_mtime
from tests.builders import figure, handbook, para, question, section
from tests.layout import BOOK
from tests.session_builds import DECKS_SITE_URL, DECKS_TIMESTAMP

SVG = (BOOK.handbook_dir / "figures" / "mse-loss.svg").read_bytes()


def figure_handbook() -> Handbook:
    return handbook(
        section(
            "plots",
            "Plots",
            question(
                "plot-q", "Plot?", para("Below is a plot."), figure("mse-loss", "A parabola", "MSE loss")
            ),
        ),
        title="Figures",
    )


def export(source: Path, out: Path, svg: bytes, mtime: int) -> Path:
    write_markdown(figure_handbook(), source, force=True, figures={"mse-loss.svg": svg})
    set_mtime(source, mtime)
    (source / "figures" / "mse-loss.svg").touch()
    report = export_anki(
        markdown_book(source),
        out,
        None,
        site_url="",
        state_file=source.parent / "state.tsv",
        timestamp=mtime,
        force=True,
    )
    return report.out_dir / "plots.apkg"


def media_files(col: Collection) -> dict[str, bytes]:
    folder = Path(col.media.dir())
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".svg"}


def answer_html(col: Collection) -> str:
    card = col.get_card(col.find_cards("")[0])
    return card.answer()


def test_figures_reach_the_media_folder_and_the_answer_and_updates_replace_them(
    collection: Collection, tmp_path: Path
) -> None:
    first = export(tmp_path / "handbook", tmp_path / "decks", SVG, SOURCE_TIME)
    import_package(collection, first)
    media = media_files(collection)
    assert list(media.values()) == [SVG]
    (name,) = media
    assert name.startswith("mse-loss.") and name.endswith(".svg")
    rendered = answer_html(collection)
    assert f'src="{name}"' in rendered and "<figcaption>MSE loss</figcaption>" in rendered
    assert f'src="{name}"' not in collection.get_card(collection.find_cards("")[0]).question()  # back only

    updated_svg = SVG.replace(b"MSE", b"Mse", 1)
    assert updated_svg != SVG
    second = export(tmp_path / "handbook", tmp_path / "decks", updated_svg, SOURCE_TIME + 3600)
    import_package(collection, second)
    rendered = answer_html(collection)
    (new_name,) = [n for n, data in media_files(collection).items() if data == updated_svg]
    assert new_name != name and f'src="{new_name}"' in rendered and f'src="{name}"' not in rendered


def test_each_deck_carries_exactly_the_figures_its_notes_show(canonical_decks: Path, tmp_path: Path) -> None:
    import json
    import shutil
    import zipfile

    out = canonical_decks  # the session's export, made again here with the same inputs
    shutil.copy(out.parent / "question-state.tsv", tmp_path / "state.tsv")
    again = tmp_path / "again"
    export_anki(
        BOOK,
        again,
        None,
        site_url=DECKS_SITE_URL,
        state_file=tmp_path / "state.tsv",
        timestamp=DECKS_TIMESTAMP,
    )
    for deck in sorted((out / REAL).glob("*.apkg")):
        assert deck.read_bytes() == (again / REAL / deck.name).read_bytes(), deck.name  # byte-identical
        with zipfile.ZipFile(deck) as package:
            index = json.loads(package.read("media"))
            collection = package.read("collection.anki2")
            for number, name in index.items():
                assert name.encode() in collection, (deck.name, name)
                assert (
                    package.read(number)
                    == (BOOK.handbook_dir / "figures" / (name.split(".")[0] + ".svg")).read_bytes()
                )
    with zipfile.ZipFile(book_deck(out, REAL)) as package:
        assert len(json.loads(package.read("media"))) == len(
            list((BOOK.handbook_dir / "figures").glob("*.svg"))
        )
