"""The reading door: regular files within their kind's limit, strict UTF-8, schemas, bounded numbers."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from pipeline import inputs
from pipeline.errors import HandbookError

TINY = inputs.Kind("a snapshot", 10)


class Entry(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    count: int = 0


class File(msgspec.Struct, forbid_unknown_fields=True):
    entry: list[Entry] = []


def test_inputs_must_be_regular_files_under_the_limit(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(
        HandbookError, match=r"pipe is a named pipe \(FIFO\): a snapshot must be a regular file"
    ):
        inputs.read_bytes(tmp_path / "pipe", TINY)
    with pytest.raises(HandbookError, match="is a folder"):
        inputs.read_bytes(tmp_path, TINY)
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(HandbookError, match="is 11 bytes, over the 10 bytes limit"):
        inputs.read_bytes(tmp_path / "big", TINY)
    assert inputs.read_bytes(tmp_path / "big", inputs.Kind("a snapshot", 11)) == b"x" * 11


def test_a_symlink_counts_only_where_its_kind_allows(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(HandbookError, match="link is a symbolic link: an errata file must be a regular file"):
        inputs.read_text(tmp_path / "link", inputs.ERRATA)
    assert inputs.read_text(tmp_path / "link", inputs.SNAPSHOT) == "x"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[entry]]\nname = 5\n", r"entry\[0\].name: expected `str`, got `int`"),
        ("[[entry]]\ncount = 1\n", r"entry\[0\]: object missing required field `name`"),
        ('[[entry]]\nname = "a"\nnmae = "b"\n', r"entry\[0\]: object contains unknown field `nmae`"),
        ("entry = 5\n", r"entry: expected `array`, got `int`"),
        ("x = " + "[" * 50_000 + "]" * 50_000 + "\n", "nested too deeply"),
        ("entry = [\n", "not valid TOML"),
    ],
)
def test_a_toml_file_is_read_into_its_schema_or_refused_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "file.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HandbookError, match=message) as raised:
        inputs.read_toml(path, inputs.ERRATA, File)
    assert "\n" not in str(raised.value) and str(path) in str(raised.value)


@pytest.mark.parametrize("schema", [File, object])
def test_deep_json_is_one_line(tmp_path: Path, schema: type) -> None:
    """A typed decode stops at the first value of the wrong shape; an untyped one at the depth limit."""
    path = tmp_path / "manifest.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(HandbookError, match="expected `object`, got `array`|nested too deeply") as raised:
        inputs.read_json(path, inputs.MANIFEST, schema)
    assert str(raised.value).startswith(str(path)) and "\n" not in str(raised.value)


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "-inf", "1e309", "soon", "1e5", "²"])
def test_an_environment_number_is_finite_and_bounded(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("HANDBOOK_X", value)
    with pytest.raises(HandbookError, match="HANDBOOK_X must be a number from 0.001 to 3600"):
        inputs.env_number("HANDBOOK_X", 60, low=0.001, high=3600)


def test_an_unset_environment_number_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDBOOK_X", raising=False)
    assert inputs.env_number("HANDBOOK_X", 60, low=0.001, high=3600) == 60
    monkeypatch.setenv("HANDBOOK_X", "2.5")
    assert inputs.env_number("HANDBOOK_X", 60, low=0.001, high=3600) == 2.5
