// Case tools in the interview room: the brief, the exhibit of the open question, a scratchpad
// saved as you type, hints on request (button, or asking "can I have a hint"), and a guard so
// Next question does not leave the interviewer's follow-up hanging. It listens to the events the
// room dispatches on `document` (vocahire:question-opened) and to the transcript it renders,
// and owns nothing else. An ES module.
const root = document.getElementById("room");
const data = JSON.parse(document.getElementById("room-data").textContent);
const tools = data.case_tools;
const SAVE_DELAY_MS = 600;
const HINT_REQUEST = /\b(?:(?:can|could|may)\s+i\s+(?:have|get)|(?:can|could)\s+you\s+give\s+me|give\s+me|i\s+(?:need|would\s+like)|any)\s+(?:a\s+|another\s+|one\s+more\s+)?(?:small\s+)?hints?\b/i;
const state = { question: data.current_question, saveTimer: null, dirty: false, lastTurn: {}, answered: {}, skip: false };

const role = (name) => root.querySelector(`[data-role="${name}"]`);
const action = (name) => root.querySelector(`[data-action="${name}"]`);
const url = (name, n) => tools.urls[name].replace("{n}", String(n));
const question = (n) => tools.questions[String(n)] || { hints: [], hints_total: 0, scratchpad: "" };
const finished = () => ["completed", "abandoned", "failed"].includes(root.dataset.status) || root.dataset.state === "ended";
const setText = (name, text) => { const el = role(name); if (el) el.textContent = text; };

async function send(method, target, body, keepalive = false) {
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const response = await fetch(target, {
    method, credentials: "same-origin", keepalive,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ok: response.ok, status: response.status, json: await response.json().catch(() => ({})) };
}

// --- Brief and exhibit ----------------------------------------------------------------------
function showQuestion(n) {
  saveNow();
  state.question = n;
  for (const el of root.querySelectorAll('[data-role="exhibit"]')) el.hidden = Number(el.dataset.question) !== n;
  const brief = role("case-brief");
  if (brief) brief.open = n === 1; // open at question 1; afterwards one click from view
  const pad = role("scratchpad");
  if (pad) pad.value = question(n).scratchpad || "";
  setText("scratchpad-status", "");
  renderHints();
  hideGuard();
}

// --- Scratchpad -------------------------------------------------------------------------------
function scheduleSave() {
  state.dirty = true;
  question(state.question).scratchpad = role("scratchpad").value;
  setText("scratchpad-status", "Saving…");
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
}

async function saveNow(keepalive = false) {
  clearTimeout(state.saveTimer);
  if (!state.dirty) return;
  state.dirty = false;
  const n = state.question;
  try {
    const result = await send("PUT", url("scratchpad", n), { text: question(n).scratchpad || "" }, keepalive);
    if (n !== state.question) return;
    setText("scratchpad-status", result.ok ? "Saved" : result.json.detail || "Not saved: check your connection.");
    root.dispatchEvent(new CustomEvent("vocahire:scratchpad-saved", { bubbles: true, detail: { number: n, ok: result.ok } }));
  } catch {
    state.dirty = true;
    setText("scratchpad-status", "Not saved: check your connection. It will be saved when you type again.");
  }
}

// --- Hints ------------------------------------------------------------------------------------
function renderHints() {
  const q = question(state.question);
  const hints = q.hints || [];
  role("hints")?.replaceChildren(...hints.map((hint) => Object.assign(document.createElement("li"), { textContent: hint })));
  const left = (q.hints_total || 0) - hints.length;
  const button = action("hint");
  if (button) button.disabled = left <= 0 || finished();
  const status = left > 0 ? `${left} hint${left === 1 ? "" : "s"} left` : "No hints left";
  setText("hint-status", q.hints_total ? status : "No hints for this question");
}

async function revealHint() {
  const n = state.question;
  const button = action("hint");
  if (button) button.disabled = true;
  try {
    const result = await send("POST", url("hints", n));
    if (result.ok) question(n).hints = result.json.revealed;
    if (n !== state.question) return;
    renderHints();
    if (!result.ok) setText("hint-status", result.json.detail || "No hint now.");
  } catch {
    renderHints();
    setText("hint-status", "The hint did not load: check your connection and try again.");
  }
}

// --- Follow-up guard --------------------------------------------------------------------------
function onTurn({ speaker, question_number: number, text = "", history = false }) {
  const n = Number(number || state.question);
  state.lastTurn[n] = { speaker, text };
  if (speaker !== "candidate") return;
  state.answered[n] = true;
  hideGuard();
  // A hint asked for before a reload was given then: the history only restores the guard's state.
  if (!history && HINT_REQUEST.test(text) && n === state.question) revealHint();
}

function followUpPending() {
  const last = state.lastTurn[state.question];
  // A follow-up: after the candidate's answer, the interviewer spoke last and ended on a
  // question, so it is waiting for an answer. (The question itself may be skipped at once.)
  return Boolean(state.answered[state.question]) && last?.speaker === "interviewer" && /\?\s*["”']?\s*$/.test(last.text.trim());
}

function hideGuard() {
  const guard = role("follow-up-guard");
  if (guard) guard.hidden = true;
}

function onNextClick(event) {
  const next = event.target.closest?.('[data-action="next-question"]');
  if (!next || !root.contains(next)) return;
  saveNow();
  if (state.skip || !followUpPending()) { state.skip = false; return; }
  event.preventDefault();
  event.stopImmediatePropagation();
  role("follow-up-guard").hidden = false;
}

// --- Wiring -----------------------------------------------------------------------------------
if (tools) {
  role("scratchpad")?.addEventListener("input", scheduleSave);
  action("hint")?.addEventListener("click", revealHint);
  action("answer-follow-up")?.addEventListener("click", () => {
    hideGuard();
    const box = root.querySelector('[data-role="typed-answer"]');
    if (box && !box.disabled) box.focus();
  });
  action("skip-follow-up")?.addEventListener("click", () => {
    hideGuard();
    state.skip = true;
    action("next-question")?.click();
  });
  // Capture phase: the guard runs before the room's own Next question handler.
  document.addEventListener("click", onNextClick, true);
  document.addEventListener("vocahire:question-opened", ({ detail }) => {
    const n = Number(detail?.number);
    if (n && n !== state.question) showQuestion(n);
  });
  // Turns are read from the transcript as the room finalises them (data-final="true"), so the
  // room's own code needs no hook for them; those loaded after a reload carry data-history.
  const seen = (item) => {
    if (item.dataset?.final !== "true" || item.dataset.seen) return;
    item.dataset.seen = "true";
    const { speaker, question: number, history } = item.dataset;
    onTurn({ speaker, question_number: number, text: item.querySelector(".turn-text")?.textContent, history: Boolean(history) });
  };
  const transcript = role("transcript");
  if (transcript) {
    new MutationObserver((mutations) => mutations.forEach((mutation) => {
      seen(mutation.target);
      mutation.addedNodes.forEach(seen);
    })).observe(transcript, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-final"] });
  }
  window.addEventListener("pagehide", () => saveNow(true));
  showQuestion(state.question);
}
