"""Everything from a page, a stray file or a state file is untrusted.

Each row tampers with a copy of the project (the committed snapshot, Markdown,
ids and errata, with its site and decks built once) and runs one `handbook`
command in it through the shared row harness (tests/cli_rows.py): exit 1, one line on
stderr naming the problem, no traceback, every file of the project as it was. The rows that
must succeed (hostile metadata escaped, a BOM, an accepted dropped question,
a hostile saved page end to end) follow the table.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.model import Meta
from tests import builders as build
from tests.cli_rows import Row, digests, run_row
from tests.cli_runs import CliRun, run_handbook
from tests.generators.original_html import write_original_html
from tests.layout import BOOK_DIR, ROOT

HANDBOOK = BOOK_DIR / "handbook"
SNAPSHOT = BOOK_DIR / "raw" / "dl-concepts.txt"
IDS = BOOK_DIR / "question-ids.tsv"
BUILT = ("site", "decks")  # what the commands replace as a whole
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
PAYLOAD = "<img src=x class=pwned onerror=alert(7)>"
MARKUP_TABLE = Path(__file__).with_name("fixtures") / "hostile_markup.toml"


def handbook(project: Path, *args: str) -> CliRun:
    """The command line, run in `project` (paths in pipeline.paths are relative), in-process."""
    return run_handbook(project, *args, env=EPOCH)


def new_project(root: Path) -> Path:
    """A project folder: its own source/ and mkdocs.yml (the code and node_modules are the checkout's)."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, canonical_site, canonical_decks: Path) -> Iterator[Path]:
    """A copy of the project with its Markdown, and the session's decks and site."""
    project = new_project(tmp_path_factory.mktemp("built") / "project")
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copytree(canonical_site.site_dir, project / "site")
    shutil.copytree(canonical_decks, project / "decks")
    before = digests(project)
    yield project
    assert digests(project) == before, (
        "a test changed a file its project shares (hard-linked) with the others"
    )


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of `built` to tamper with: source/ copied, the site's and decks' files hard-linked.

    Linking saves copying 5 MB per test, and is safe because handbook never writes an
    output file in place: it renames a new folder over the old one (pipeline.fileio). A
    tamper that changes an output file replaces it (`replace_file`); `built` checks at the
    end that no linked file changed.
    """
    copy = tmp_path / "project"
    shutil.copytree(
        built, copy, symlinks=True, ignore=lambda folder, _: BUILT if folder == str(built) else ()
    )
    for folder in BUILT:
        shutil.copytree(built / folder, copy / folder, copy_function=os.link)
    return copy


# --- tampering ----------------------------------------------------------------


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def section_file(project: Path, number: int) -> Path:
    return next((project / HANDBOOK).glob(f"{number:02d}-*.md"))


def first_id(project: Path, number: int) -> str:
    return re.search(r"\{#([\w-]+)\}", section_file(project, number).read_text(encoding="utf-8")).group(1)


def duplicate_markdown_id(project: Path) -> None:
    taken = first_id(project, 1)
    edit(
        section_file(project, 2),
        lambda text: text.replace(f"{{#{first_id(project, 2)}}}", f"{{#{taken}}}", 1),
    )


def set_front_matter(key: str, value: str) -> Callable[[Path], None]:
    def tamper(project: Path) -> None:
        edit(
            project / HANDBOOK / "index.md",
            lambda text: re.sub(rf"^{key}: .*$", f"{key}: {json.dumps(value)}", text, count=1, flags=re.M),
        )

    return tamper


def duplicate_ids_row(project: Path) -> None:
    def change(text: str) -> str:
        lines = text.splitlines(keepends=True)
        lines[3] = lines[2].split("\t")[0] + "\t" + lines[3].split("\t", 1)[1]
        return "".join(lines)

    edit(project / IDS, change)


def truncated(text: str) -> str:
    """The snapshot cut inside its last section: its last question is gone."""
    cut = text.rindex("Why is it hard to defend against adversarial examples?")
    return text[:cut]


def rescrape_without_last_question(project: Path) -> None:
    """A page that lost its last question, scraped anew: the manifest's digest matches it."""
    from pipeline.scrape import scrape

    text = (project / SNAPSHOT).read_text(encoding="utf-8")
    saved = project / "saved.txt"
    saved.write_text(truncated(text) + text[text.rindex("References and Resources") :], encoding="utf-8")
    scrape(str(saved), project / BOOK_DIR / "raw")


def replace_file(path: Path, change: Callable[[str], str]) -> None:
    """`edit` for a hard-linked output file: a new file in its place, the linked one untouched."""
    text = change(path.read_text(encoding="utf-8"))
    path.unlink()
    path.write_text(text, encoding="utf-8")


def inject_into_header(project: Path) -> None:
    replace_file(
        project / "site" / "index.html",
        lambda text: text.replace('<span class="md-ellipsis">', f'<span class="md-ellipsis">{PAYLOAD}', 1),
    )


def row(tamper: Callable[[Path], None], command: tuple[str, ...], phrases: tuple[str, ...]) -> Row:
    """A row of the shared harness (tests/cli_rows.py): `command` after `tamper`, refused naming `phrases`."""
    return Row(command, phrases[0], setup=tamper, env=EPOCH, more=phrases[1:])


ROWS = {
    # A stray file in the handbook folder would be published as it is.
    "stray .md page": row(
        lambda p: (p / HANDBOOK / "notes.md").write_text("# Notes <script>alert(1)</script>\n"),
        ("build-site",),
        ("notes.md", "not a handbook page"),
    ),
    "stray .html file": row(
        lambda p: (p / HANDBOOK / "evil.html").write_text("<script>alert(1)</script>"),
        ("build-site",),
        ("evil.html", "not a handbook page"),
    ),
    "stray folder": row(
        lambda p: (p / HANDBOOK / "extra").mkdir(), ("build-site",), ("extra", "not a handbook page")
    ),
    "section file out of order": row(
        lambda p: section_file(p, 7).rename(section_file(p, 7).with_name("09-adversarial-attacks.md")),
        ("build-site",),
        ("09-adversarial-attacks.md", "expected 07-adversarial-attacks.md"),
    ),
    # Metadata that cannot be made safe by escaping is refused.
    "javascript: source_url": row(
        set_front_matter("source_url", "javascript:alert(1)"), ("build-site",), ("not an http(s) address",)
    ),
    "unknown front matter key": row(
        lambda p: edit(
            p / HANDBOOK / "index.md", lambda t: t.replace("---\n", '---\ntemplate: "x.html"\n', 1)
        ),
        ("build-site",),
        ("unknown front matter key 'template'",),
    ),
    # One id, one question: an HTML id on the site, a note's identity in Anki.
    "duplicate {#id}, site": row(
        duplicate_markdown_id, ("build-site",), ("is used twice", "01-machine-learning-in-general.md")
    ),
    "duplicate {#id}, decks": row(
        duplicate_markdown_id, ("export-anki",), ("is used twice", "02-optimization-procedures.md")
    ),
    "duplicate id in the ids file": row(
        duplicate_ids_row, ("normalize",), ("question-ids.tsv:4", "is given to two questions")
    ),
    "invalid UTF-8 in the ids file": row(
        lambda p: (p / IDS).write_bytes((p / IDS).read_bytes() + b"caf\xe9\tx\ty\n"),
        ("normalize",),
        ("question-ids.tsv is not UTF-8",),
    ),
    "markup as an id in the ids file": row(
        lambda p: edit(p / IDS, lambda t: t.replace("\n", "\nid<b>\tx\ty\n", 1)),
        ("normalize",),
        ("is not an id",),
    ),
    # State files that used to fail silently.
    "errata deleted, normalize": row(
        lambda p: (p / BOOK_DIR / "errata.toml").unlink(), ("normalize",), ("errata.toml is missing",)
    ),
    "errata deleted, build": row(
        lambda p: (p / BOOK_DIR / "errata.toml").unlink(), ("build",), ("errata.toml is missing",)
    ),
    "snapshot truncated after scrape": row(
        lambda p: edit(p / SNAPSHOT, truncated), ("normalize",), ("no longer matches the sha256",)
    ),
    "page without its last question scraped": row(
        rescrape_without_last_question,
        ("normalize",),
        ("lacks 1 question(s)", "why-is-it-hard-to-defend-against", "--allow-dropped"),
    ),
    # check reads the built site's titles and navigation as text.
    "element injected into the site's header": row(
        inject_into_header, ("check",), ("markup in its titles or navigation", "<img>")
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_untrusted_input_is_refused_in_one_line(project: Path, name: str) -> None:
    ROWS[name].setup(project)
    run_row(project, ROWS[name])


# --- what must succeed ---------------------------------------------------------


def test_hostile_metadata_is_text_everywhere(project: Path) -> None:
    """Title, subtitle and author hold markup, source_url breaks out of its attribute."""
    for key in ("title", "subtitle", "author"):
        set_front_matter(key, f"{key} {PAYLOAD}")(project)
    set_front_matter("source_url", 'https://example.org/"><script>alert(1)</script>')(project)
    for command in ("build-site", "export-anki", "check"):
        handbook(project, command).assert_ok()
    for page in (project / "site").glob("**/*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.select(".pwned"), page
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], page
        assert not [e for e in soup.find_all(True) if "onerror" in e.attrs], page
    home = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text().startswith(f"title {PAYLOAD}")
    assert home.select_one(".credit a")["href"] == 'https://example.org/"><script>alert(1)</script>'


def test_a_bom_is_not_part_of_the_title(project: Path) -> None:
    from pipeline.scrape import scrape

    saved = project / "saved.txt"
    saved.write_bytes(b"\xef\xbb\xbf" + (project / SNAPSHOT).read_bytes())
    scrape(str(saved), project / BOOK_DIR / "raw")
    handbook(project, "normalize").assert_ok()
    index = (project / HANDBOOK / "index.md").read_text(encoding="utf-8")
    assert index.startswith('---\ntitle: "Deep Learning Concepts')


def test_an_accepted_dropped_question_keeps_its_id(project: Path) -> None:
    rescrape_without_last_question(project)
    result = handbook(project, "normalize", "--allow-dropped")
    result.assert_ok()
    assert "93 questions" in result.stdout
    rows = (project / IDS).read_text(encoding="utf-8").splitlines()
    assert rows[-1].startswith("why-is-it-hard-to-defend-against") and rows[-1].split("\t")[1] == ""
    handbook(project, "normalize").assert_ok()  # accepted once, not asked again


MARKUP = {row["name"]: row for row in tomllib.loads(MARKUP_TABLE.read_text(encoding="utf-8"))["markup"]}
ACCEPTED = [name for name, row in MARKUP.items() if "refused" not in row and not row.get("ends_the_page")]
# What may never reach a page's content or a card: elements that run or load something, event
# handlers, and URLs of the schemes that run script.
RUNNING_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "base",
    "meta",
    "style",
    "form",
    "svg",
    "math",
}
RUNNING_TAGS |= {"template", "link", "video", "audio", "source", "marquee", "button", "input", "textarea"}
SCRIPT_URL = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
}


def running_parts(html: str) -> list[str]:
    """The tags, handlers and URLs in `html` that could run script (none, in anything we publish)."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        found += [tag.name] if tag.name in RUNNING_TAGS else []
        for name, value in tag.attrs.items():
            text = re.sub(r"[\x00-\x20]", "", " ".join(value) if isinstance(value, list) else value)
            if name.lower().startswith("on") or (name in URL_ATTRIBUTES and SCRIPT_URL.match(text)):
                found.append(f"{tag.name}[{name}={text[:40]}]")
    return found


def page_with(answers: dict[str, str]) -> str:
    """The original post's shape, each question's answer holding raw markup (by question id)."""
    questions = [
        build.question(qid, f"What does {qid} do?", build.para(f"Before @{qid}@ after.")) for qid in answers
    ]
    page = write_original_html(
        build.handbook(build.section("s", "Section", *questions), title="Hostile page")
    )
    for qid, markup in answers.items():
        page = page.replace(f"@{qid}@", markup)
    return page


def published(page: str) -> list[str]:
    """A saved page as the site's questions and the cards' fields, through every stage but KaTeX's
    (the canonical Markdown must read back as the page read, as `normalize` requires)."""
    from pipeline.readers.html_page import read_html_page
    from pipeline.readers.markdown import read_files
    from pipeline.repair import repair
    from pipeline.tex_allowlist import check_card_html, check_formulas
    from pipeline.writers.anki import note_fields, section_cards
    from pipeline.writers.markdown import markdown_files
    from pipeline.writers.site import question_html

    repaired, _ = repair(read_html_page(page, "https://ok.example/"))
    check_formulas(repaired)
    book = read_files(markdown_files(repaired))
    assert book == repaired, "the canonical Markdown does not read back the same (normalize refuses that)"
    html = []
    for section in book.sections:
        html += [question_html(question) for question in section.questions]
        for card in (card for cards in section_cards(section) for card in cards):
            fields = note_fields(book, section, card, "https://site.example/")
            for field in fields:
                check_card_html(field, f"question {card.note.id!r}")
            html += fields
    return html


@pytest.mark.parametrize("name", list(MARKUP))
def test_hostile_markup_in_a_saved_page_reaches_no_page_and_no_card(name: str) -> None:
    from pipeline.errors import HandbookError

    row = MARKUP[name]
    page = page_with({"q": row["html"]})
    if "refused" in row:
        with pytest.raises(HandbookError, match=re.escape(row["refused"])):
            published(page)
        return
    assert [part for html in published(page) for part in running_parts(html)] == []


def hostile_page() -> str:
    """A saved page whose title, subtitle and author are script payloads."""
    return write_original_html(
        build.handbook(
            build.section(
                "s",
                "Basics <img src=y onerror=alert(4)>",
                build.question("q", "Why <script>alert(5)</script>?", build.para("Because.")),
            ),
            title=f"DL {PAYLOAD}",
            subtitle="<script>alert(2)</script>",
            author='"><svg onload=alert(3)>',
            intro=[build.para("Intro.")],
        )
    )


def test_a_hostile_saved_page_end_to_end(tmp_path: Path) -> None:
    """scrape → normalize → build-site → export-anki → check, in a project of its own; then a
    second book made of every hostile markup row, published beside it."""
    project = new_project(tmp_path / "project")
    (project / "evil.html").write_text(hostile_page(), encoding="utf-8")
    markup = {f"m{number}": MARKUP[name]["html"] for number, name in enumerate(ACCEPTED)}
    (project / "markup.html").write_text(page_with(markup), encoding="utf-8")
    for command in (
        ("scrape", "evil.html", "--book", BOOK_DIR.name),
        ("scrape", "markup.html", "--book", "hostile-markup"),
        ("normalize",),
        ("build-site",),
        ("export-anki",),
    ):
        handbook(project, *command).assert_ok()
    (project / "source" / "books" / "hostile-markup" / "audit-accepted.toml").write_text(
        _accepted("what-does-m{}-do".format(ACCEPTED.index("dollar-prose"))), encoding="utf-8"
    )
    handbook(project, "check").assert_ok()
    index = (project / HANDBOOK / "index.md").read_text(encoding="utf-8")
    assert f"DL {PAYLOAD}" in json.loads(index.split("\n")[1].split(": ", 1)[1])
    for page in (project / "site").glob("**/*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.select(".pwned, svg[onload], img[src=y]"), page
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], page
        for content in soup.select("details.question .question-title, details.question .answer"):
            assert running_parts(str(content)) == [], page
    shown = BeautifulSoup(
        (project / "site" / "hostile-markup" / "01-s" / "index.html").read_text(), "html.parser"
    )
    assert len(shown.select("details.question")) == len(ACCEPTED)  # every row reached the site, as text
    for deck in (project / "decks").glob("*/*.apkg"):
        for field in deck_fields(deck):
            assert running_parts(field) == [], deck
    home = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text().startswith(f"DL {PAYLOAD}")  # the home tab shows the site name


def _accepted(question: str) -> str:
    """The review of the one finding the markup leaves: TeX written as prose (it stays text)."""
    return (
        f'[[accepted]]\nquestion = "{question}"\nkind = "tex-in-prose"\n'
        "text = 'Before $\\href{javascript:alert(1)}{x}$ after.'\nreason = \"a hostile page's text, kept as text\"\n"
    )


def deck_fields(deck: Path) -> list[str]:
    """Every field of every note of an .apkg."""
    with zipfile.ZipFile(deck) as package:
        collection = package.read("collection.anki2")
    database = sqlite3.connect(":memory:")
    database.deserialize(collection)
    rows = database.execute("select flds from notes").fetchall()
    database.close()
    return [field for (fields,) in rows for field in fields.split("\x1f")]


# --- the escaping layer itself ------------------------------------------------


@pytest.mark.parametrize(
    "url, href",
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&amp;c=2"),
        ('http://example.org/"><script>', "http://example.org/&#34;&gt;&lt;script&gt;"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("mailto:someone@example.org", None),
        ("//example.org/path", None),
        ("relative/path", None),
        ("https://exa\nmple.org/", None),
    ],
)
def test_only_http_source_urls_become_links(url: str, href: str | None) -> None:
    from pipeline.writers.meta_html import meta_html

    assert meta_html(Meta("t", source_url=url)).source_href == href


def test_metadata_is_escaped_once_even_by_escaping_templates() -> None:
    from markupsafe import escape

    from pipeline.writers.meta_html import meta_html

    meta = meta_html(Meta('A <b>&</b> "q"', "<i>s</i>", "<script>x</script>"))
    assert str(meta.title) == "A &lt;b&gt;&amp;&lt;/b&gt; &#34;q&#34;"
    assert escape(meta.title) == meta.title  # Jinja's `| e` leaves it as it is
    assert "<" not in meta.subtitle + meta.author


def test_deck_names_hold_no_markup() -> None:
    from pipeline.writers.anki import deck_name
    from tests import builders as build

    book = build.handbook(build.section("s", "A <b>::</b> B"), title="DL <img src=x onerror=alert(1)>")
    assert (
        deck_name(book, book.sections[0], "S <i>")
        == "S ‹i›::DL ‹img src=x onerror=alert(1)›::01 A ‹b›:‹/b› B"
    )


def test_a_question_id_the_page_uses_itself_is_refused(tmp_path: Path) -> None:
    from pipeline.errors import HandbookError
    from pipeline.readers.markdown import read_markdown
    from pipeline.writers.markdown import write_markdown

    for qid in ("__search", "section-s"):
        book = build.handbook(
            build.section("s", "S", build.question(qid, "Why?", build.para("Because."))), title="t"
        )
        write_markdown(book, tmp_path / qid)
        with pytest.raises(HandbookError, match=f"question id '{qid}' is taken by the page itself"):
            read_markdown(tmp_path / qid)
