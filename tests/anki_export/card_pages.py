"""Cards as Anki draws them, in Chromium: the answer sides in Anki's `.card` frame, typeset by
MathJax 3 (npm `mathjax`, from node_modules, never a CDN) at a phone's size."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from urllib.parse import unquote

from tests.layout import ROOT

MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"
ORIGIN = "http://cards.test/"
PHONE = {"width": 390, "height": 844}
# Anki's own MathJax 3 set-up: only \(..\) and \[..\], no bare environments.
MATHJAX_CONFIG = {
    "tex": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": False,
    },
    "startup": {"typeset": True},
}


def card_page(bodies: list[str], night: bool | list[bool], mathjax: bool = True) -> str:
    """One page holding several card backs, each in Anki's `.card` frame (night mode: all, or per card)."""
    nights = night if isinstance(night, list) else [night] * len(bodies)
    cards = "\n".join(
        f'<div class="card{" nightMode" if dark else ""}" data-card="{n}"><div id="qa">{body}</div></div>'
        for n, (body, dark) in enumerate(zip(bodies, nights, strict=True))
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cards</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        + (
            f"<script>window.MathJax = {json.dumps(MATHJAX_CONFIG)};</script>"
            '<script src="/mathjax/tex-chtml-full.js"></script>'
            if mathjax
            else ""
        )
        + f'</head><body style="margin: 0">{cards}</body></html>'
    )


def open_cards(
    browser,
    bodies: list[str],
    *,
    night: bool | list[bool] = False,
    mathjax: bool = True,
    media: Mapping[str, bytes] | None = None,
):
    """A phone-sized tab with the cards typeset, their `media` (file name → bytes: the figures)
    served beside them as Anki's media folder would; every request must stay on our origin."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    html = card_page(bodies, night, mathjax)
    foreign: list[str] = []

    def serve(route) -> None:
        url = route.request.url
        if not url.startswith(ORIGIN):
            foreign.append(url)
            route.abort()
        elif url == ORIGIN:
            route.fulfill(body=html, content_type="text/html")
        elif (name := unquote(url[len(ORIGIN) :])) in (media or {}):
            route.fulfill(body=(media or {})[name], content_type="image/svg+xml")
        else:
            path = MATHJAX / url[len(ORIGIN + "mathjax/") :].split("?")[0]
            if url.startswith(ORIGIN + "mathjax/") and path.is_file():
                route.fulfill(path=str(path), content_type=mimetypes.guess_type(path.name)[0] or "")
            else:
                route.fulfill(status=404)

    context.route("**/*", serve)
    page.goto(ORIGIN)
    if mathjax:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
    return context, page, foreign
