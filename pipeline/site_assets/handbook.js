// The handbook's page script: render the math with KaTeX.
//
// Material's instant navigation swaps pages without reloading them, so this runs
// on every page Material shows (its `document$` observable), not just the first.
// Only the elements arithmatex marks are rendered: a `$` in prose or code is
// never math.
//
// Opening the question a link points to needs no script of ours: each question
// is a <details> whose id is the link's anchor (permalinks, the table of
// contents, and search hits, since search indexes each question under that
// anchor), and Material opens a closed <details> that a link targets.
(function () {
  "use strict";

  var KATEX_OPTIONS = { throwOnError: false, strict: "ignore", trust: false };
  var DELIMITERS = { SPAN: ["\\(", "\\)"], DIV: ["\\[", "\\]"] };

  function texOf(element) {
    var text = element.textContent.trim();
    var pair = DELIMITERS[element.tagName];
    if (pair && text.startsWith(pair[0]) && text.endsWith(pair[1])) {
      return text.slice(pair[0].length, text.length - pair[1].length);
    }
    return text;
  }

  function showError(element, tex, error) {
    var span = document.createElement("span");
    span.className = "katex-error";
    span.title = String(error);
    span.textContent = tex;
    element.replaceChildren(span);
  }

  function renderMath(root) {
    root.querySelectorAll(".arithmatex:not([data-rendered])").forEach(function (element) {
      var tex = texOf(element);
      var options = Object.assign({ displayMode: element.tagName === "DIV" }, KATEX_OPTIONS);
      try {
        katex.render(tex, element, options);
      } catch (error) {
        showError(element, tex, error);
      }
      element.setAttribute("data-rendered", "");
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { renderMath(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { renderMath(document); });
  }
})();
