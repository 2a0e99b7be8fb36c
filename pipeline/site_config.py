"""mkdocs.yml, read through the door: one YAML document whose addresses are data.

MkDocs reads its configuration itself; `build_site` hands it the bytes read here
instead (`config_stream`), so mkdocs.yml is held to the same rules as every input
(a regular file, bounded, strict UTF-8) and a YAML error is one line naming it.
Its addresses (`site_url`, `repo_url`, `edit_uri`) reach every page's `<head>`
and links, and the Pages workflow writes `site_url` from its environment: each
must be an absolute http(s) URL of URL characters only (RFC 3986: no quote, angle
bracket, space or control character), so nothing in it can leave its attribute.
The export reads `site_url` from here too, for the cards' links to the site.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.paths import MKDOCS_CONFIG

URL_KEYS = ("site_url", "repo_url", "edit_uri")
# RFC 3986's unreserved, reserved and percent characters, less the quote MkDocs' templates use.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]*", re.ASCII)


class _ConfigLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs' own tags (`!ENV`, `!relative`, `!!python/name`) as nothing."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_config(path: Path = MKDOCS_CONFIG) -> dict[str, Any]:
    """mkdocs.yml as data, its addresses checked (see the module's docstring)."""
    text = inputs.read_text(path, inputs.MKDOCS_CONFIG)
    try:
        data = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as error:
        raise HandbookError(f"{path} is not valid YAML: {inputs.one_line(str(error))}") from None
    except (RecursionError, MemoryError):
        raise HandbookError(f"{path} is nested too deeply to be read: is it the right file?") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise HandbookError(f"{path} must be a mapping of MkDocs settings")
    for key in URL_KEYS:
        value = data.get(key)
        if value is not None and value != "":
            check_web_url(value, f"{path}: {key}")
    return data


def check_web_url(value: object, where: str) -> str:
    """`value` if it is an absolute http(s) URL of URL characters only, else one line naming `where`."""
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text) if URL_CHARACTERS.fullmatch(text) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise HandbookError(
            f"{where} must be an http(s) address of URL characters only (no quotes, spaces or angle brackets), "
            f"not {inputs.shown(str(value)[:80])}"
        )
    return text


def configured_site_url(path: Path = MKDOCS_CONFIG) -> str:
    """`site_url` from mkdocs.yml, or "" when it has none (or there is no mkdocs.yml)."""
    if not path.exists():
        return ""
    url = read_site_config(path).get("site_url")
    return url.strip() if isinstance(url, str) else ""


def config_stream(path: Path = MKDOCS_CONFIG) -> io.BytesIO:
    """mkdocs.yml's bytes, checked, as the stream MkDocs' `load_config` reads (named like the file,
    so its relative paths, such as the hooks, resolve from the file's folder)."""
    read_site_config(path)
    stream = io.BytesIO(inputs.read_bytes(path, inputs.MKDOCS_CONFIG))
    stream.name = str(path)
    return stream
