// The handbook's page script: render the math with KaTeX, and the study tools.
//
// Material's instant navigation swaps pages without reloading them, so the page
// set-up runs on every page Material shows (its `document$` observable), not just
// the first; listeners on `document` and `window` are added once.
// Only the elements arithmatex marks are rendered: a `$` in prose or code is
// never math.
//
// Opening the question a link points to needs no script of ours: each question
// is a <details> whose id is the link's anchor (permalinks, the table of
// contents, and search hits, since search indexes each question under that
// anchor), and Material opens a closed <details> that a link targets.
//
// Study tools (markup from pipeline/writers/study.py, found by `data-study`):
// "Test yourself" shows a section's questions one at a time, answer hidden;
// "Show answer" (space) shows its lead, the rest under "Full answer" as on the
// cards; then "I knew it" (1) or "Not yet" (2); Esc stops (in
// the answer box, Esc first leaves it, so the keys work again). What the reader
// knows is kept in localStorage per question id, and counted on section pages
// and the home page. Printing opens every answer. Search shows every hit.
//
// Without a mouse: focus moves to what each step shows (the question, the
// answer, the round's result; back to "Test yourself" when it stops), and the
// bar's status line (role=status) says each step aloud: "Question 3 of 5",
// "Answer shown", "Marked known". Nothing here animates: scrolling jumps.
(function () {
  "use strict";

  // --- math ------------------------------------------------------------------

  var KATEX_OPTIONS = { throwOnError: false, strict: "ignore", trust: false };
  var DELIMITERS = { SPAN: ["\\(", "\\)"], DIV: ["\\[", "\\]"] };
  // KaTeX's faces most formulas use. A closed answer's formulas are laid out but
  // not shown, so the browser never fetches their fonts, and a print made right
  // after opening them would catch the fonts still loading: fetch them early.
  var KATEX_FACES = [
    "1em KaTeX_Main", "bold 1em KaTeX_Main", "italic 1em KaTeX_Main", "italic 1em KaTeX_Math",
    "1em KaTeX_AMS", "1em KaTeX_Size1", "1em KaTeX_Size2", "1em KaTeX_Size3", "1em KaTeX_Size4",
  ];

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

  // A display formula wider than the column scrolls sideways (handbook.css); the
  // keyboard can scroll it only once it takes the focus, so those that overflow
  // now (open, at this width) do. Re-checked when a question opens or closes and
  // when the window is resized.
  function markWideFormulas(root) {
    root.querySelectorAll(".katex-display").forEach(function (display) {
      if (display.scrollWidth > display.clientWidth) display.tabIndex = 0;
      else display.removeAttribute("tabindex");
    });
  }

  var wideCheck = 0;

  function markWideFormulasSoon() {
    if (!wideCheck) wideCheck = window.requestAnimationFrame(function () {
      wideCheck = 0;
      markWideFormulas(document);
    });
  }

  function loadMathFonts() {
    if (!document.fonts || !document.querySelector(".katex")) return;
    KATEX_FACES.forEach(function (face) { document.fonts.load(face).catch(function () {}); });
  }

  // --- progress, kept in this browser ---------------------------------------

  var STORE = "handbook-study-v1"; // {question id: "known" | "missed"}
  var KNOWN = "known";
  var MISSED = "missed";

  function readProgress() {
    try {
      var value = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (error) {
      return {}; // storage blocked or garbled: start afresh, never break the page
    }
  }

  function writeProgress(progress) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(progress));
    } catch (error) {
      // private mode or full: progress lasts for this page only
    }
  }

  function idsOf(element) {
    return (element.getAttribute("data-study-ids") || "").split(" ").filter(Boolean);
  }

  // A later book's grades are kept as "<book>/<id>" (its study elements carry
  // data-study-book), so two books that share a question id never share a grade;
  // the first book's stay under the bare id, as they always were.
  function keyOf(scope, id) {
    var book = scope && scope.getAttribute("data-study-book");
    return book ? book + "/" + id : id;
  }

  function withState(scope, ids, state) {
    var progress = readProgress();
    return ids.filter(function (id) { return progress[keyOf(scope, id)] === state; });
  }

  function showProgress(root) {
    root.querySelectorAll(".study-progress").forEach(function (element) {
      var ids = idsOf(element);
      var known = withState(element, ids, KNOWN).length;
      element.textContent = known + " of " + ids.length + " known";
      element.classList.toggle("study-progress--done", ids.length > 0 && known === ids.length);
    });
    root.querySelectorAll("[data-study-ids]:not(.study-progress)").forEach(function (scope) {
      var ids = idsOf(scope);
      var missed = withState(scope, ids, MISSED).length;
      var touched = missed + withState(scope, ids, KNOWN).length;
      scope.querySelectorAll("[data-study='missed']").forEach(function (button) {
        button.hidden = missed === 0;
        button.textContent = "Review the ones I missed (" + missed + ")";
      });
      scope.querySelectorAll("[data-study='reset']").forEach(function (button) {
        button.hidden = touched === 0;
      });
    });
  }

  function resetProgress(scope, ids) {
    var progress = readProgress();
    ids.forEach(function (id) { delete progress[keyOf(scope, id)]; });
    writeProgress(progress);
  }

  // --- test yourself: one question at a time ---------------------------------

  var quiz = null; // {ids, index, known, missed, panel, revealed}

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function button(label, action, primary, key) {
    var element = make("button", "md-button" + (primary ? " md-button--primary" : ""), label);
    element.type = "button";
    element.setAttribute("data-quiz", action);
    if (key) element.setAttribute("aria-keyshortcuts", key);
    return element;
  }

  // A step's content takes the focus (read out by a screen reader, ringed on
  // screen when the keyboard brought it there); the page never scrolls smoothly.
  function focusOn(element) {
    element.tabIndex = -1;
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest", behavior: "instant" });
  }

  // The status line is in the page from the start, so screen readers watch it.
  function announce(text) {
    var status = document.querySelector(".study-status");
    if (status) status.textContent = text;
  }

  function questionCount() {
    return "Question " + (quiz.index + 1) + " of " + quiz.ids.length;
  }

  function article() {
    return document.querySelector("article.md-content__inner") || document.querySelector("article");
  }

  function questionBlock(id) {
    var block = document.getElementById(id);
    return block && block.matches("details.question") ? block : null;
  }

  function startQuiz(ids) {
    var bar = document.querySelector(".study-bar");
    if (!bar || ids.length === 0) return;
    stopQuiz();
    var panel = make("section", "study-quiz");
    panel.setAttribute("aria-label", "Test yourself");
    bar.after(panel);
    article().classList.add("study-active");
    document.body.classList.add("study-quizzing");
    quiz = { ids: ids, index: 0, known: 0, missed: [], panel: panel, revealed: false };
    showQuestion();
    announce(questionCount());
  }

  function stopQuiz() {
    if (quiz) quiz.panel.remove();
    quiz = null;
    var page = article();
    if (page) page.classList.remove("study-active");
    document.body.classList.remove("study-quizzing");
  }

  // Stopped by the reader: focus goes back where the test started.
  function leaveQuiz() {
    var inPanel = quiz && quiz.panel.contains(document.activeElement);
    stopQuiz();
    announce("Test stopped");
    var start = document.querySelector(".study-bar [data-study=start]");
    if (inPanel && start) start.focus();
  }

  // A link to a question (contents, permalink, search) while testing yourself:
  // leave the quiz first, so the question is shown where the browser scrolls to.
  // Capturing runs this before Material's own handling of the click.
  function onLinkDuringQuiz(event) {
    if (!quiz) return;
    var link = event.target.closest("a[href]");
    if (link && !quiz.panel.contains(link)) stopQuiz();
  }

  function quizHeader(text) {
    var header = make("div", "study-quiz__header");
    var stop = make("span");
    stop.append(button("Stop", "stop", false, "Escape"), make("span", "study-quiz__key", "esc"));
    header.append(make("span", "study-quiz__count", text), stop);
    return header;
  }

  function showQuestion() {
    var id = quiz.ids[quiz.index];
    var block = questionBlock(id);
    var panel = quiz.panel;
    quiz.revealed = false;
    panel.replaceChildren(quizHeader(questionCount()));
    panel.setAttribute("data-question", id);
    var title = make("p", "study-quiz__question");
    title.innerHTML = block.querySelector(".question-title").innerHTML;
    var note = make("textarea", "study-quiz__note");
    note.rows = 3;
    note.placeholder = "Your answer: write it down, or think it through (not saved).";
    note.setAttribute("aria-label", "Your answer (not saved)");
    var answer = make("div", "study-quiz__answer");
    fillAnswer(answer, block.querySelector(".answer"));
    answer.hidden = true;
    var reveal = make("div", "study-quiz__actions");
    reveal.append(button("Show answer", "reveal", true, "Space"), make("span", "study-quiz__key", "space"));
    var grade = make("div", "study-quiz__actions");
    grade.hidden = true;
    grade.append(
      button("I knew it", "grade-known", true, "1"), make("span", "study-quiz__key", "1"),
      button("Not yet", "grade-missed", false, "2"), make("span", "study-quiz__key", "2")
    );
    panel.append(title, note, reveal, answer, grade);
    renderMath(panel);
    focusOn(title);
  }

  // The answer's lead first and the rest folded under "Full answer", as on the Anki
  // cards (pipeline/leads.py). `data-lead` counts the lead's pieces: blocks, and a
  // list's items one by one (a lead may end inside a list, which the rest goes on with).
  function fillAnswer(target, source) {
    var lead = Number(source.getAttribute("data-lead")) || 0;
    if (!lead) {
      target.innerHTML = source.innerHTML;
      return;
    }
    var rest = make("details", "study-quiz__rest");
    rest.append(make("summary", "", "Full answer"));
    var shown = 0;
    Array.prototype.forEach.call(source.children, function (block) {
      var copy = block.cloneNode(true);
      var pieces = /^(UL|OL)$/.test(copy.tagName) ? copy.children.length : 1;
      if (shown >= lead) rest.append(copy);
      else if (shown + pieces <= lead) target.append(copy);
      else {
        var others = copy.cloneNode(false);
        Array.prototype.slice.call(copy.children, lead - shown).forEach(function (item) { others.append(item); });
        if (copy.tagName === "OL") others.start = copy.start + lead - shown;
        target.append(copy);
        rest.append(others);
      }
      shown += pieces;
    });
    target.append(rest);
  }

  function asking() {
    return quiz !== null && quiz.index < quiz.ids.length;
  }

  function reveal() {
    if (!asking() || quiz.revealed) return;
    quiz.revealed = true;
    var parts = quiz.panel.querySelectorAll(".study-quiz__actions");
    parts[0].hidden = true;
    var answer = quiz.panel.querySelector(".study-quiz__answer");
    answer.hidden = false;
    parts[1].hidden = false;
    markWideFormulas(answer);
    focusOn(answer);
    announce("Answer shown");
  }

  function grade(state) {
    if (!asking() || !quiz.revealed) return;
    var id = quiz.ids[quiz.index];
    var progress = readProgress();
    progress[keyOf(document.querySelector(".study-bar"), id)] = state;
    writeProgress(progress);
    if (state === KNOWN) quiz.known += 1; else quiz.missed.push(id);
    showProgress(document);
    quiz.index += 1;
    var graded = state === KNOWN ? "Marked known. " : "Marked not yet. ";
    if (quiz.index < quiz.ids.length) {
      showQuestion();
      announce(graded + questionCount());
    } else {
      showSummary();
      announce(graded + "Round done");
    }
  }

  function showSummary() {
    var panel = quiz.panel;
    panel.removeAttribute("data-question");
    panel.replaceChildren(quizHeader("Done"));
    var summary = make("p", "study-quiz__summary",
      "You knew " + quiz.known + " of " + quiz.ids.length + " this round.");
    panel.append(summary);
    var actions = make("div", "study-quiz__actions");
    if (quiz.missed.length) actions.append(button("Review the ones I missed (" + quiz.missed.length + ")", "again-missed", true));
    actions.append(button("Start again", "again-all"), button("Back to the questions", "stop"));
    panel.append(actions);
    focusOn(summary);
  }

  function sectionIds() {
    var bar = document.querySelector(".study-bar");
    return bar ? idsOf(bar) : [];
  }

  // --- open all, close all, print --------------------------------------------

  function questions() {
    return document.querySelectorAll("details.question");
  }

  function setAllOpen(open) {
    questions().forEach(function (block) { block.open = open; });
  }

  var closedBeforePrint = null;

  function beforePrint() {
    if (closedBeforePrint) return;
    closedBeforePrint = Array.prototype.filter.call(questions(), function (block) { return !block.open; });
    setAllOpen(true);
    renderMath(document);
  }

  function afterPrint() {
    (closedBeforePrint || []).forEach(function (block) { block.open = false; });
    closedBeforePrint = null;
  }

  // --- search results ----------------------------------------------------------
  // Material shows one hit per page and folds the others under "N more on this
  // page". Here every question is a hit of its own (and a section page holds
  // many), so the folded hits, titles only and in rank order, are shown too.

  function unfoldSearchResults(list) {
    list.querySelectorAll("details.md-search-result__more:not([open])").forEach(function (more) {
      more.open = true;
    });
  }

  function watchSearchResults() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list.hasAttribute("data-unfolded")) return;
    list.setAttribute("data-unfolded", "");
    new MutationObserver(function () { unfoldSearchResults(list); }).observe(list, { childList: true });
  }

  // --- events ----------------------------------------------------------------

  function onClick(event) {
    var target = event.target.closest("[data-study], [data-quiz]");
    if (!target) return;
    var action = target.getAttribute("data-study") || target.getAttribute("data-quiz");
    var scope = target.closest("[data-study-ids]");
    switch (action) {
      case "start": case "again-all": startQuiz(sectionIds()); break;
      case "missed": startQuiz(withState(document.querySelector(".study-bar"), sectionIds(), MISSED)); break;
      case "again-missed": startQuiz(quiz ? quiz.missed.slice() : []); break;
      case "reset":
        resetProgress(scope, scope ? idsOf(scope) : []);
        stopQuiz();
        showProgress(document);
        announce("Progress reset");
        break;
      case "open-all": setAllOpen(true); break;
      case "close-all": setAllOpen(false); break;
      case "reveal": reveal(); break;
      case "grade-known": grade(KNOWN); break;
      case "grade-missed": grade(MISSED); break;
      case "stop": leaveQuiz(); break;
    }
  }

  function onKey(event) {
    if (!quiz || !quiz.panel.isConnected || event.ctrlKey || event.metaKey || event.altKey) return;
    var typing = event.target.closest && event.target.closest("textarea, input, select, [contenteditable]");
    if (event.key === "Escape" && (quiz.panel.contains(event.target) || event.target === document.body)) {
      if (typing && asking()) focusOn(quiz.panel.querySelector(".study-quiz__question"));
      else leaveQuiz();
      event.preventDefault();
      return;
    }
    if (!asking() || typing || (event.target.tagName === "BUTTON" && event.key === " ")) return;
    if (event.key === " " && !quiz.revealed) reveal();
    else if (event.key === "1" && quiz.revealed) grade(KNOWN);
    else if (event.key === "2" && quiz.revealed) grade(MISSED);
    else return;
    event.preventDefault();
  }

  function setUpPage() {
    quiz = null; // instant navigation replaced the page, and any quiz with it
    document.body.classList.remove("study-quizzing");
    renderMath(document);
    markWideFormulas(document);
    showProgress(document);
    watchSearchResults();
    if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(loadMathFonts);
    else window.setTimeout(loadMathFonts, 500);
  }

  document.addEventListener("click", onClick);
  document.addEventListener("click", onLinkDuringQuiz, true);
  document.addEventListener("keydown", onKey);
  document.addEventListener("toggle", markWideFormulasSoon, true); // toggle does not bubble
  window.addEventListener("resize", markWideFormulasSoon);
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  // Print emulation (and some browsers' print preview) changes the media without the events.
  var print = window.matchMedia ? window.matchMedia("print") : null;
  if (print && print.addEventListener) {
    print.addEventListener("change", function (event) { if (event.matches) beforePrint(); else afterPrint(); });
  }
  // Another tab (or window) graded questions: keep this page's counts true.
  window.addEventListener("storage", function (event) { if (event.key === STORE) showProgress(document); });

  if (typeof document$ !== "undefined") {
    document$.subscribe(setUpPage);
  } else {
    document.addEventListener("DOMContentLoaded", setUpPage);
  }
})();
