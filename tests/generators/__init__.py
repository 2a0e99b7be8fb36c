"""Generators for tests and benchmarks, kept out of the package as pandoc keeps its own.

- `text_dump`: a handbook printed as a scrape damaged the way the seed was.
- `original_html`: a handbook as one page shaped like the original post (KaTeX-typeset).
- `katex_html`: KaTeX's server-side HTML+MathML for formulas (`render_html.js` through Node).
- `math_catalogue`: random handbooks from a catalogue of KaTeX constructs and prose contexts.
"""
