// Case tools in the interview room: the brief, the exhibit of the open question, a scratchpad
// saved as you type, hints on request (button, or asking "can I have a hint"), and a guard so
// Next question does not leave the interviewer's follow-up hanging. It listens to the events the
// room dispatches on `document` (vocahire:question-opened) and to the transcript it renders,
// and owns nothing else.
(function () {
  "use strict";

  var root = document.getElementById("room");
  var dataNode = document.getElementById("room-data");
  if (!root || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var tools = data.case_tools;
  if (!tools) return;

  var SAVE_DELAY_MS = 600;
  var HINT_REQUEST = /\b(?:(?:can|could|may)\s+i\s+(?:have|get)|(?:can|could)\s+you\s+give\s+me|give\s+me|i\s+(?:need|would\s+like)|any)\s+(?:a\s+|another\s+|one\s+more\s+)?(?:small\s+)?hints?\b/i;
  var state = { question: data.current_question || 1, saveTimer: null, dirty: false, lastTurn: {}, answered: {}, skip: false };

  function $(selector) { return root.querySelector(selector); }
  function role(name) { return $('[data-role="' + name + '"]'); }
  function action(name) { return $('[data-action="' + name + '"]'); }
  function url(name, n) { return tools.urls[name].replace("{n}", String(n)); }
  function question(n) { return tools.questions[String(n)] || { hints: [], hints_total: 0, scratchpad: "" }; }
  function finished() { return ["completed", "abandoned", "failed"].indexOf(root.dataset.status) >= 0 || root.dataset.state === "ended"; }

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(method, target, body, keepalive) {
    return fetch(target, {
      method: method,
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }

  // --- Brief and exhibit ----------------------------------------------------------------------
  function showQuestion(n) {
    saveNow();
    state.question = n;
    Array.prototype.forEach.call(root.querySelectorAll('[data-role="exhibit"]'), function (el) {
      el.hidden = Number(el.dataset.question) !== n;
    });
    var brief = role("case-brief");
    // Open at question 1; afterwards it folds away but stays one click from view.
    if (brief) brief.open = n === 1;
    var pad = role("scratchpad");
    if (pad) pad.value = question(n).scratchpad || "";
    setText("scratchpad-status", "");
    renderHints();
    hideGuard();
  }

  function setText(name, text) {
    var el = role(name);
    if (el) el.textContent = text;
  }

  // --- Scratchpad -------------------------------------------------------------------------------
  function scheduleSave() {
    state.dirty = true;
    question(state.question).scratchpad = role("scratchpad").value;
    setText("scratchpad-status", "Saving…");
    clearTimeout(state.saveTimer);
    state.saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  }

  function saveNow(keepalive) {
    clearTimeout(state.saveTimer);
    if (!state.dirty) return;
    state.dirty = false;
    var n = state.question;
    var text = question(n).scratchpad || "";
    send("PUT", url("scratchpad", n), { text: text }, keepalive).then(function (result) {
      if (n !== state.question) return;
      setText("scratchpad-status", result.ok ? "Saved" : (result.json.detail || "Not saved: check your connection."));
      root.dispatchEvent(new CustomEvent("vocahire:scratchpad-saved", { bubbles: true, detail: { number: n, ok: result.ok } }));
    }, function () {
      state.dirty = true;
      setText("scratchpad-status", "Not saved: check your connection. It will be saved when you type again.");
    });
  }

  // --- Hints ------------------------------------------------------------------------------------
  function renderHints() {
    var list = role("hints");
    var q = question(state.question);
    if (list) {
      list.textContent = "";
      (q.hints || []).forEach(function (hint) {
        var item = document.createElement("li");
        item.textContent = hint;
        list.appendChild(item);
      });
    }
    var button = action("hint");
    var left = (q.hints_total || 0) - (q.hints || []).length;
    if (button) button.disabled = left <= 0 || finished();
    setText("hint-status", q.hints_total ? (left > 0 ? left + " hint" + (left === 1 ? "" : "s") + " left" : "No hints left") : "No hints for this question");
  }

  function revealHint() {
    var n = state.question;
    var button = action("hint");
    if (button) button.disabled = true;
    return send("POST", url("hints", n)).then(function (result) {
      if (result.ok) question(n).hints = result.json.revealed;
      if (n === state.question) {
        renderHints();
        if (!result.ok) setText("hint-status", result.json.detail || "No hint now.");
      }
    }, function () {
      renderHints();
      setText("hint-status", "The hint did not load: check your connection and try again.");
    });
  }

  // --- Follow-up guard --------------------------------------------------------------------------
  function onTurn(event) {
    var turn = event.detail || {};
    var n = Number(turn.question_number || state.question);
    state.lastTurn[n] = { speaker: turn.speaker, text: turn.text || "" };
    if (turn.speaker === "candidate") {
      state.answered[n] = true;
      hideGuard();
      if (HINT_REQUEST.test(turn.text || "") && n === state.question) revealHint();
    }
  }

  function followUpPending() {
    var last = state.lastTurn[state.question];
    // A follow-up: after the candidate's answer, the interviewer spoke last and ended on a
    // question, so it is waiting for an answer. (The question itself may be skipped at once.)
    return !!state.answered[state.question] && !!last && last.speaker === "interviewer" &&
      /\?\s*["”']?\s*$/.test(last.text.trim());
  }

  function hideGuard() {
    var guard = role("follow-up-guard");
    if (guard) guard.hidden = true;
  }

  function onNextClick(event) {
    var next = event.target.closest && event.target.closest('[data-action="next-question"]');
    if (!next || !root.contains(next)) return;
    saveNow();
    if (state.skip || !followUpPending()) { state.skip = false; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var guard = role("follow-up-guard");
    if (guard) guard.hidden = false;
  }

  // --- Wiring -----------------------------------------------------------------------------------
  var pad = role("scratchpad");
  if (pad) pad.addEventListener("input", scheduleSave);
  var hint = action("hint");
  if (hint) hint.addEventListener("click", revealHint);
  var answer = action("answer-follow-up");
  if (answer) answer.addEventListener("click", function () {
    hideGuard();
    var box = root.querySelector('[data-role="typed-answer"]');
    if (box && !box.disabled) box.focus();
  });
  var skip = action("skip-follow-up");
  if (skip) skip.addEventListener("click", function () {
    hideGuard();
    state.skip = true;
    var next = action("next-question");
    if (next) next.click();
  });
  // Capture phase: the guard runs before the room's own Next question handler.
  document.addEventListener("click", onNextClick, true);
  document.addEventListener("vocahire:question-opened", function (event) {
    var n = Number((event.detail || {}).number);
    if (n && n !== state.question) showQuestion(n);
  });
  // Turns are read from the transcript as the room finalises them (data-final="true"), so the
  // room's own code needs no hook for them.
  var transcript = root.querySelector('[data-role="transcript"]');
  if (transcript && window.MutationObserver) {
    var seen = function (item) {
      if (!item.dataset || item.dataset.final !== "true" || item.dataset.seen) return;
      item.dataset.seen = "true";
      var text = item.querySelector(".turn-text");
      onTurn({ detail: { speaker: item.dataset.speaker, question_number: item.dataset.question, text: text ? text.textContent : "" } });
    };
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        seen(mutation.target);
        Array.prototype.forEach.call(mutation.addedNodes || [], seen);
      });
    }).observe(transcript, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-final"] });
  }
  window.addEventListener("pagehide", function () { saveNow(true); });

  showQuestion(state.question);
})();
