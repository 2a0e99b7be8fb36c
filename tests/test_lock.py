"""The lock (requirements.txt, written by bin/lock) agrees with pyproject.toml and decides the install.

pyproject.toml says what the project needs (lower bounds); the lock says exactly what is
installed, every file checked against its sha256. These tests fail when the two disagree
(a dependency added, removed or bounded out of its pin without `bin/lock`), when the
venv is not the lock, and show that a newer release on an index never reaches an
install made from the lock.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.layout import ROOT

LOCK = ROOT / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")
OURS = "handbook (pyproject.toml)"  # how pip-compile marks a pin pyproject.toml asked for


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: int
    via: tuple[str, ...]


def read_lock(text: str) -> dict[str, Pin]:
    """name → its pin, the number of its hashes, and what required it (pip-compile's `# via`)."""
    pins: dict[str, Pin] = {}
    name = version = ""
    hashes: list[str] = []
    via: list[str] = []

    def close() -> None:
        if name:
            pins[canonicalize_name(name)] = Pin(version, len(hashes), tuple(via))

    in_via = False
    for line in text.splitlines():
        if match := PIN.match(line):
            close()
            name, version, hashes, via, in_via = match.group(1), match.group(2), [], [], False
        elif line.strip().startswith("--hash=sha256:"):
            hashes.append(line)
        elif line.startswith("    # via"):
            rest = line.removeprefix("    # via").strip()
            in_via = not rest
            via += [rest] if rest else []
        elif in_via and line.startswith("    #   "):
            via.append(line.removeprefix("    #   ").strip())
    close()
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    build = project["build-system"]["requires"]
    wanted = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["test"]]
    return [Requirement(text) for text in [*wanted, *build]]


LOCKED = read_lock(LOCK.read_text(encoding="utf-8"))


def test_every_declared_dependency_is_locked_within_its_bounds() -> None:
    stale = [
        f"{req} (locked: {LOCKED[canonicalize_name(req.name)].version})"
        if canonicalize_name(req.name) in LOCKED
        else f"{req} (not in the lock)"
        for req in declared()
        if canonicalize_name(req.name) not in LOCKED
        or not req.specifier.contains(LOCKED[canonicalize_name(req.name)].version, prereleases=True)
    ]
    assert not stale, f"pyproject.toml and requirements.txt disagree, run bin/lock: {stale}"


def test_the_lock_holds_nothing_pyproject_no_longer_asks_for() -> None:
    asked = {canonicalize_name(req.name) for req in declared()}
    direct = {name for name, pin in LOCKED.items() if OURS in pin.via}
    assert direct <= asked, f"locked for pyproject.toml but no longer in it, run bin/lock: {direct - asked}"
    orphans = [name for name, pin in LOCKED.items() if not pin.via]
    assert not orphans, f"pins nothing requires: {orphans}"


def test_every_pin_carries_hashes() -> None:
    assert LOCKED and all(pin.hashes for pin in LOCKED.values())
    assert "--hash=sha256:" in LOCK.read_text(encoding="utf-8")


def test_the_venv_is_the_lock() -> None:
    """bin/setup installed exactly the locked versions (anything else means it did not use the lock)."""
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {
        name: (pin.version, installed.get(name))
        for name, pin in LOCKED.items()
        if name not in {"pip"} and installed.get(name) != pin.version
    }
    assert not differ, f"(locked, installed) differ: run bin/setup: {differ}"


# --- a newer release on an index ---------------------------------------------------


def fake_wheel(folder: Path, name: str, version: str) -> Path:
    """A tiny, valid wheel of `name` `version` (nothing inside but its metadata)."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-py3-none-any.whl"
    files = {
        f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    with zipfile.ZipFile(path, "w") as wheel:
        for file, text in files.items():
            wheel.writestr(file, text)
        wheel.writestr(
            f"{dist}.dist-info/RECORD", "".join(f"{f},,\n" for f in [*files, f"{dist}.dist-info/RECORD"])
        )
    return path


NEWER = ("matplotlib", "mkdocs-material", "anki")  # the releases whose output the tests pin


def locked_lines(names: tuple[str, ...]) -> str:
    """The lock's own entries (pin and hashes) for these packages."""
    text = LOCK.read_text(encoding="utf-8")
    entries = re.findall(r"^[A-Za-z0-9._-]+==.*?(?=^\S|\Z)", text, flags=re.M | re.S)
    wanted = {canonicalize_name(n) for n in names}
    return "".join(e for e in entries if canonicalize_name(PIN.match(e).group(1)) in wanted)  # type: ignore[union-attr]


def dry_run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--no-index",
        "--isolated",
        "--no-deps",
        "--ignore-installed",
    ]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def newer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel index offering a release of each pinned package newer than anything real."""
    folder = tmp_path_factory.mktemp("newer-index")
    for name in NEWER:
        fake_wheel(folder, name, "999.0")
    return folder


def test_without_the_lock_the_index_would_give_the_newer_release(newer_index: Path) -> None:
    result = dry_run("--find-links", str(newer_index), *NEWER)
    assert result.returncode == 0, result.stderr
    assert all(f"{name}-999.0" in result.stdout for name in NEWER), result.stdout


def test_the_lock_never_takes_a_newer_release(newer_index: Path, tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(locked_lines(NEWER), encoding="utf-8")
    result = dry_run("--require-hashes", "--find-links", str(newer_index), "-r", str(lock))
    assert result.returncode != 0 and "999.0" not in result.stdout
    assert "No matching distribution" in result.stderr, result.stderr


def test_a_file_that_is_not_the_locked_one_is_refused(tmp_path: Path) -> None:
    """The same version under another file (a rebuilt or tampered wheel) fails its hash."""
    name, version = "matplotlib", LOCKED["matplotlib"].version
    fake_wheel(tmp_path, name, version)
    lock = tmp_path / "lock.txt"
    lock.write_text(locked_lines((name,)), encoding="utf-8")
    result = dry_run("--require-hashes", "--find-links", str(tmp_path), "-r", str(lock))
    assert result.returncode != 0 and "DO NOT MATCH THE HASHES" in result.stderr, result.stderr
