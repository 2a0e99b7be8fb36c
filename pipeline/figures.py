"""Figures as code: each `<name>.py` in a scripts folder draws `<name>.svg`.

A script runs as `python <name>.py <out.svg>` (its own process, so no state
is shared between figures) and draws with pipeline/figure_style.py. An SVG is
drawn again only when its script, or the shared style, changed: the folder of
SVGs keeps a stamp with the digest each one was drawn from. The entry points
take their folders as arguments, so a book keeps its scripts where it likes.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.fileio import write_atomic
from pipeline.formats import FIGURE_STAMP

SCRIPT_NAME = re.compile(r"^([a-z0-9][a-z0-9-]*)\.py$")
TIMEOUT_SECONDS = 120

# Read as a file (its bytes are part of every figure's digest), never imported here:
# importing it loads matplotlib, which every command would then pay for.
FIGURE_STYLE = Path(__file__).with_name("figure_style.py")


@dataclass(frozen=True)
class FigureReport:
    drawn: tuple[str, ...]  # names whose SVG was drawn by running the script
    kept: tuple[str, ...]  # names whose SVG was up to date

    @property
    def total(self) -> int:
        return len(self.drawn) + len(self.kept)

    def summary(self) -> str:
        return f"{self.total} figures, {len(self.drawn)} drawn, {len(self.kept)} up to date"


def figure_scripts(scripts_dir: Path) -> dict[str, Path]:
    """Figure name → script, for every `<name>.py` in the folder (none if it is missing)."""
    if not scripts_dir.is_dir():
        return {}
    return {
        match.group(1): path
        for path in sorted(scripts_dir.iterdir())
        if (match := SCRIPT_NAME.match(path.name)) and path.is_file()
    }


def script_digest(script: Path) -> str:
    """What an SVG is drawn from: the script and the shared style."""
    digest = hashlib.sha256(inputs.read_bytes(script, inputs.FIGURE_SCRIPT))
    digest.update(inputs.read_bytes(FIGURE_STYLE, inputs.FIGURE_SCRIPT))
    return digest.hexdigest()


def read_stamp(svg_dir: Path) -> dict[str, str]:
    """Figure name → the digest its SVG was drawn from (none without a stamp); a stamp that is no
    regular file, or no text, is refused (it could not be replaced either)."""
    text = inputs.read_optional_text(svg_dir / FIGURE_STAMP, inputs.STAMP) or ""
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


def stamp_text(digests: dict[str, str]) -> str:
    return "".join(f"{name} {digest}\n" for name, digest in sorted(digests.items()))


def draw(script: Path) -> bytes:
    """Run one script; its SVG's bytes."""
    with tempfile.TemporaryDirectory(prefix="handbook-figure-") as scratch:
        out = Path(scratch) / "figure.svg"
        env = {**os.environ, "MPLBACKEND": "svg", "MPLCONFIGDIR": scratch}
        try:
            result = subprocess.run(
                [sys.executable, str(script), str(out)],
                capture_output=True,
                text=True,
                env=env,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise HandbookError(f"{script} did not finish within {TIMEOUT_SECONDS} s") from None
        if result.returncode != 0 or not out.is_file():
            last = (result.stderr.strip().splitlines() or ["it wrote no SVG"])[-1]
            raise HandbookError(f"{script} failed: {last}")
        return inputs.read_bytes(out, inputs.FIGURE)


def figure_files(
    scripts_dir: Path, previous_dir: Path | None, names: set[str]
) -> tuple[dict[str, bytes], FigureReport]:
    """The SVGs of the figures `names` (file name → bytes) plus the stamp, reusing up-to-date ones from `previous_dir`.

    A name with no script is an error naming it; a script no page shows is not run.
    """
    scripts = figure_scripts(scripts_dir)
    missing = sorted(names - set(scripts))
    if missing:
        raise HandbookError(
            f"the handbook shows figures/{missing[0]}.svg, but {scripts_dir} has no {missing[0]}.py to draw it"
        )
    stamp = read_stamp(previous_dir) if previous_dir else {}
    files: dict[str, bytes] = {}
    digests = {name: script_digest(scripts[name]) for name in sorted(names)}
    drawn, kept = [], []
    for name, digest in digests.items():
        old = previous_dir / f"{name}.svg" if previous_dir else None
        if old is not None and stamp.get(name) == digest and old.is_file():
            files[f"{name}.svg"] = inputs.read_bytes(old, inputs.FIGURE)
            kept.append(name)
        else:
            drawn.append(name)
    # Each script is its own process: drawing them side by side uses every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for name, svg in zip(drawn, pool.map(draw, [scripts[name] for name in drawn]), strict=True):
            files[f"{name}.svg"] = svg
    files = dict(sorted(files.items()))
    if files:
        files[FIGURE_STAMP] = stamp_text(digests).encode("utf-8")
    return files, FigureReport(tuple(drawn), tuple(kept))


def update_figures(scripts_dir: Path, svg_dir: Path, names: set[str]) -> FigureReport:
    """Draw again, in place, the SVGs whose script changed; drop those we drew whose script is gone.

    Each file is replaced atomically and the stamp is written last, so an
    interrupted run only draws again what it had not finished.
    """
    old_stamp = read_stamp(svg_dir)
    files, report = figure_files(scripts_dir, svg_dir, names)
    if not report.drawn and set(old_stamp) == {n.removesuffix(".svg") for n in files if n != FIGURE_STAMP}:
        return report
    svg_dir.mkdir(parents=True, exist_ok=True)
    for name in report.drawn:
        write_atomic(svg_dir / f"{name}.svg", files[f"{name}.svg"])
    for gone in set(old_stamp) - set(report.drawn) - set(report.kept):
        (svg_dir / f"{gone}.svg").unlink(missing_ok=True)
    write_atomic(svg_dir / FIGURE_STAMP, files.get(FIGURE_STAMP, b""))
    return report
