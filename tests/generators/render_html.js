// KaTeX HTML over stdin/stdout, for writers that render formulas server-side.
// Each input line is a JSON array of [tex, displayMode] pairs; each output line is
// a JSON array of HTML strings, in order: KaTeX's HTML+MathML markup (so the TeX
// stays in annotation[encoding="application/x-tex"]), or a .katex-error span
// holding the source when KaTeX refuses the formula.
"use strict";
const katex = require("katex");
const readline = require("readline");

function render(tex, displayMode) {
  return katex.renderToString(tex, {
    output: "htmlAndMathml", throwOnError: false, displayMode, strict: "ignore", trust: false,
  });
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  const out = JSON.parse(line).map(([tex, display]) => render(tex, !!display));
  process.stdout.write(JSON.stringify(out) + "\n");
});
