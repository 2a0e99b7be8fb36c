// KaTeX HTML over stdin/stdout, for writers that render formulas server-side.
// Each input line is a JSON array of [tex, displayMode] pairs; each output line is
// a JSON array of HTML strings, in order: KaTeX's HTML+MathML markup (so the TeX
// stays in annotation[encoding="application/x-tex"]), or a .katex-error span
// holding the source when KaTeX refuses the formula.
"use strict";
const katex = require("katex");
const readline = require("readline");

const escape = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// KaTeX's own error span (throwOnError: false) prints "undefined" instead of the source
// when a refused formula holds a letter with an accent, so the span is made here, as
// KaTeX makes it otherwise.
function render(tex, displayMode) {
  try {
    return katex.renderToString(tex, {
      output: "htmlAndMathml", throwOnError: true, displayMode, strict: "ignore", trust: false,
    });
  } catch (error) {
    if (!(error instanceof katex.ParseError)) throw error;
    return `<span class="katex-error" title="${escape(error.toString())}" style="color:#cc0000">${escape(tex)}</span>`;
  }
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  const out = JSON.parse(line).map(([tex, display]) => render(tex, !!display));
  process.stdout.write(JSON.stringify(out) + "\n");
});
