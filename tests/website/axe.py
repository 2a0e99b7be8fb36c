"""axe-core, the engine behind Lighthouse's accessibility audit, run in a page Playwright shows.

It comes from node_modules (an npm dev dependency), injected as an inline script: no
request leaves the site. A page is checked in each colour scheme by switching Material's
palette in place, so one load serves both; the rule that reads colours is all a second
scheme can change (COLOUR_RULES).

The tests leave KaTeX's drawn formulas out (KATEX_DRAWN): screen readers skip them
(aria-hidden, they read the MathML beside them), their glyphs take the text's colour, and
they are half of a section page's elements, so half of axe's time. benchmarks/bench_axe.py
checks whole pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tests.layout import ROOT

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}  # ours → Material's data-md-color-scheme
SEVERE = frozenset({"serious", "critical"})
# The rule a palette can break. (link-in-text-block passes by the links' underline, which no
# palette changes, and costs a section page as much again.)
COLOUR_RULES = ("color-contrast",)
KATEX_DRAWN = (".katex-html",)

RUN_AXE = """async ([rules, within, skip]) => {
  const options = { resultTypes: ["violations"], ...(rules ? { runOnly: rules } : {}) };
  const context = { exclude: skip.map((s) => [s]), ...(within ? { include: [[within]] } : {}) };
  const results = await axe.run(context, options);
  return results.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""

SET_SCHEME = """(wanted) => {
  if (document.body.getAttribute("data-md-color-scheme") === wanted) return;
  document.querySelector("form[data-md-component=palette] label:not([hidden])").click();
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one page in one scheme, and where."""

    page: str
    scheme: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def line(self) -> str:
        shown = ", ".join(self.targets[:3]) + (" …" if len(self.targets) > 3 else "")
        return f"{self.page} ({self.scheme}): {self.rule} ({self.impact}, {len(self.targets)} nodes): {shown}"


def set_scheme(page, scheme: str) -> None:
    """Switch Material's palette to `scheme` (light or dark) without reloading the page."""
    wanted = SCHEMES[scheme]
    page.evaluate(SET_SCHEME, wanted)
    page.wait_for_function(
        "(wanted) => document.body.getAttribute('data-md-color-scheme') === wanted", arg=wanted
    )


def violations(
    page,
    where: str,
    scheme: str,
    rules: tuple[str, ...] = (),
    within: str | None = None,
    skip: tuple[str, ...] = KATEX_DRAWN,
) -> list[Violation]:
    """axe's violations on the page as it is now (or the part `within` selects, less what `skip`
    selects), by every rule or only `rules` (axe is injected once per loaded page)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    return [
        Violation(where, scheme, v["rule"], v["impact"], v["help"], tuple(n["target"] for n in v["nodes"]))
        for v in page.evaluate(RUN_AXE, [list(rules) or None, within, list(skip)])
    ]


def nodes_per_rule(found: list[Violation]) -> Counter[tuple[str, str]]:
    """(rule, impact) → nodes, over every page and scheme: the closing note's table."""
    counts: Counter[tuple[str, str]] = Counter()
    for violation in found:
        counts[violation.rule, violation.impact] += len(violation.targets)
    return counts
