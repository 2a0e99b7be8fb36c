"""mkdocs.yml, read through the door: the site's settings, whose addresses are data.

The engines never read the checkout's mkdocs.yml themselves: `build_site` writes its
settings, as read here, into the site's source (pipeline/site_source.py, as JSON). So
it is held to the same rules as every input (a regular file, bounded, strict UTF-8),
a YAML error is one line naming it, and what is read here is all an engine gets. It is
read as MkDocs would read it: `!ENV` takes the environment's value (pyyaml_env_tag,
MkDocs' own), `INHERIT` names a parent file, read here through the door and merged
under it (a chain that comes back to itself is refused). Other tags (`!relative`,
`!!python/name`) are code an engine would resolve, read as nothing here.

Each file is bounded in what it expands to (an alias counts as often as it is used,
so a "billion laughs" file is refused at once) and holds JSON's kinds of values only
(text without lone surrogates, numbers, true/false, lists, mappings with text keys;
a date or binary value is refused, naming its key). Its addresses reach every page's
`<head>`, links and navigation, and the Pages workflow writes `site_url` from its
environment: every address (`site_url`, `repo_url`, `edit_uri`, any key named like
`…_url`, `…_uri`, `link`, `href`, `homepage`, and every entry of `nav`) must be of
URL characters only (RFC 3986: no quote, angle bracket, space or control character),
so nothing in it can leave its attribute, and either relative or http(s) or mailto;
`site_url` and `repo_url` must be absolute http(s). The export reads `site_url` from
here too, for the cards' links to the site.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
import yaml_env_tag

from pipeline import inputs
from pipeline.errors import HandbookError
from pipeline.paths import MKDOCS_CONFIG

URL_KEYS = ("site_url", "repo_url")  # absolute http(s); edit_uri may be relative to repo_url
ADDRESS_KEY = re.compile(r"(?:url|uri|link|href|homepage)", re.IGNORECASE)  # the whole key, or after a _
LINK_SCHEMES = ("http", "https", "mailto")
# RFC 3986's unreserved, reserved and percent characters, less the quote MkDocs' templates use.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]*", re.ASCII)
MOST_NODES = 100_000  # values a configuration expands to; this project's has about a hundred
MOST_PARENTS = 10  # files in an INHERIT chain


class _ConfigLoader(yaml.SafeLoader):
    """A safe loader that reads `!ENV` as MkDocs does, and MkDocs' other tags as nothing."""


_ConfigLoader.add_constructor("!ENV", yaml_env_tag.construct_env_tag)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_config(path: Path = MKDOCS_CONFIG) -> dict[str, Any]:
    """mkdocs.yml as data (its INHERIT parents' settings under its own), every file checked (see
    the module's docstring)."""
    return _read(path, ())


def _read(path: Path, children: tuple[Path, ...]) -> dict[str, Any]:
    data = _load(path)
    _check_addresses(data, str(path))
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise HandbookError(f"{path}: INHERIT must name a file, not {inputs.shown(str(parent)[:80])}")
    parent_path = Path(os.path.normpath(path.parent / parent))  # as MkDocs finds it
    chain = (*children, path)
    if parent_path.resolve() in {p.resolve() for p in chain} or len(chain) > MOST_PARENTS:
        raise HandbookError(f"{path}: INHERIT {parent!r} comes back to a file of its own chain")
    if not os.path.lexists(parent_path):
        raise HandbookError(f"{path}: INHERIT names {parent_path}, which does not exist")
    return _read(parent_path, chain) | data  # its own top-level settings win, as in MkDocs


def _load(path: Path) -> dict[str, Any]:
    text = inputs.read_text(path, inputs.MKDOCS_CONFIG)
    try:
        data = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as error:
        raise HandbookError(f"{path} is not valid YAML: {inputs.one_line(str(error))}") from None
    except (RecursionError, MemoryError):
        raise HandbookError(f"{path} is nested too deeply to be read: is it the right file?") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise HandbookError(f"{path} must be a mapping of MkDocs settings")
    _check_values(data, path)
    return data


def _check_values(data: dict[str, Any], path: Path) -> None:
    """At most MOST_NODES values once aliases are expanded, no value that contains itself, JSON's
    kinds of values only (the site's source holds them as JSON)."""
    sizes: dict[int, int] = {}
    counting: set[int] = set()

    def size(value: object) -> int:
        if isinstance(value, str):
            if not inputs.is_text(value):
                raise HandbookError(f"{path} holds a lone surrogate ({inputs.shown(value[:40])}), not text")
            return 1
        if value is None or isinstance(value, (bool, int, float)):
            return 1
        if not isinstance(value, (dict, list)) or (
            isinstance(value, dict) and not all(isinstance(key, str) for key in value)
        ):
            raise HandbookError(
                f"{path} holds {inputs.shown(str(value)[:40])}, a {type(value).__name__}: a setting is text, "
                "a number, true or false, a list or a mapping with text keys (quote a date)"
            )
        if id(value) in sizes:
            return sizes[id(value)]
        if id(value) in counting:
            raise HandbookError(f"{path} holds a value that contains itself (a YAML alias to its own anchor)")
        counting.add(id(value))
        parts = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for part in parts:
            total += size(part)
            if total > MOST_NODES:
                raise HandbookError(
                    f"{path} expands to more than {MOST_NODES:,} values (YAML aliases count each time they "
                    "are used): is it the right file?"
                )
        sizes[id(value)] = total
        return total

    try:
        size(data)
    except RecursionError:
        raise HandbookError(f"{path} is nested too deeply to be read: is it the right file?") from None


def _check_addresses(config: Mapping[str, Any], where: str) -> None:
    """Every address of a configuration is one a page can hold."""
    for key, value in _addresses(config, ""):
        if key in URL_KEYS:
            if value is not None and value != "":
                check_web_url(value, f"{where}: {key}")
        else:
            check_link(value, f"{where}: {key}")


def _addresses(value: object, key: str, nav: bool = False) -> Iterator[tuple[str, object]]:
    """(key path, value) for every address below `value`: the URL keys, any key named like an
    address, and every entry of the navigation."""
    if isinstance(value, Mapping):
        for name, item in value.items():
            path = f"{key}.{name}" if key else str(name)
            named = isinstance(name, str) and (name in URL_KEYS or _is_address_key(name))
            if named and not isinstance(item, (Mapping, list)):
                yield path, item
            else:
                yield from _addresses(item, path, nav or path == "nav" or named)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _addresses(item, f"{key}[{number}]", nav)
    elif nav:
        yield key, value


def _is_address_key(name: str) -> bool:
    return any(ADDRESS_KEY.fullmatch(part) for part in (name, name.rpartition("_")[2]))


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


def check_link(value: object, where: str) -> None:
    """A link of the configuration: URL characters only, and relative or http(s) or mailto."""
    if value is None or isinstance(value, (bool, int, float)):
        return  # no address (MkDocs refuses a wrong type in its own words)
    text = value.strip() if isinstance(value, str) else None
    if (
        text is None
        or not URL_CHARACTERS.fullmatch(text)
        or urlsplit(text).scheme.lower() not in ("", *LINK_SCHEMES)
    ):
        raise HandbookError(
            f"{where} must be a relative, http(s) or mailto address of URL characters only "
            f"(no quotes, spaces or angle brackets), not {inputs.shown(str(value)[:80])}"
        )


def configured_site_url(path: Path = MKDOCS_CONFIG) -> str:
    """`site_url` from mkdocs.yml, or "" when it has none (or there is no mkdocs.yml)."""
    if not inputs.present(path):
        return ""
    url = read_site_config(path).get("site_url")
    return url.strip() if isinstance(url, str) else ""
