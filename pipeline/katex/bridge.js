// KaTeX over stdin/stdout for the Python pipeline.
// Each input line is a JSON array of [tex, displayMode] pairs; each output line is
// a JSON array of results, in order: {"text": MathML text content} or {"error": message}.
// The MathML text is what a browser's textContent gives for KaTeX's MathML
// (annotation excluded): the characters a scrape of the rendered page keeps.
"use strict";
const katex = require("katex");
const readline = require("readline");

const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'", nbsp: "\u00a0" };

function mathmlText(tex, displayMode) {
  const html = katex.renderToString(tex, {
    output: "mathml", throwOnError: true, displayMode, strict: "ignore", trust: false,
  });
  return html
    .replace(/<annotation[\s\S]*?<\/annotation>/g, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, name) => {
      if (name in ENTITIES) return ENTITIES[name];
      if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return m;
    });
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", (line) => {
  const out = JSON.parse(line).map(([tex, display]) => {
    try {
      return { text: mathmlText(tex, !!display) };
    } catch (err) {
      return { error: String(err && err.message ? err.message : err).split("\n")[0] };
    }
  });
  process.stdout.write(JSON.stringify(out) + "\n");
});
