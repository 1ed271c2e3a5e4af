/* Vocahire interview room: connects the browser to the AI interviewer over WebRTC.
 *
 * The state machine of DESIGN section 7. The root element carries data-state (and data-error in
 * the error state); every transition is timed from the Start click and reported to /events.
 * An ES module, no framework, no bundler: HTTP in room/api.js, the peer in room/peer.js, what is
 * shown in room/view.js. A reload resumes: the transcript so far from the server, the timer from
 * the deadline, and the server tells the new call the conversation so far.
 */
import { RoomError, apiError, request, postOffer, EventQueue, inflight } from "./room/api.js";
import { microphone, meterStart, preparePeer, whenOpen, withTimeout } from "./room/peer.js";
import { RoomView, CONNECT_STAGES, clock } from "./room/view.js";

const root = document.getElementById("room");
const data = JSON.parse(document.getElementById("room-data").textContent);
const view = new RoomView(root);
const { urls } = data;
const isCase = data.kind === "case";
// Browser tests shorten the waits (window.vocahireRoomWaits) rather than sit out a real timeout.
const waits = window.vocahireRoomWaits || {};
const WAIT_CONNECT_MS = waits.connectMs || 15000;
const WAIT_SESSION_MS = waits.sessionMs || 10000;
const WAIT_GREETING_MS = waits.greetingMs || 10000; // the supervisor greets first; then the room asks
const ENDED_WAIT_MS = 20000; // longest the page waits for "vocahire:ended" listeners
const FINISHED = ["completed", "abandoned", "failed"];
// Errors the room causes and recovers from by itself; anything else is told to the candidate.
const QUIET_ERRORS = ["conversation_already_has_active_response", "response_cancel_not_active"];
const events = new EventQueue(urls.events);
const callsUrl = (n) => (isCase ? urls.question_calls.replace("{n}", String(n)) : urls.calls);

const room = {
  state: "idle", status: data.status, question: data.current_question, attempt: null,
  mic: null, pc: null, dc: null, meter: null, timer: null, retry: null, stopped: false,
  deadline: data.deadline ? Date.parse(data.deadline) : null,
  startedAt: data.started_at ? Date.parse(data.started_at) : null,
  mintSentAt: null, lastStage: "idle", resuming: false, heard: false,
  responding: false, // between response.created and response.done
  answerPending: false, // a typed answer waits for that response to finish
  muted: false, who: "none", turnCount: 0,
  get pending() { return inflight.count; }, // our API requests in flight (for browser tests)
  get queue() { return events.items; },
  quiesce,
};
window.vocahireRoom = room; // for debugging in the console and for browser tests

const randomId = () => crypto.randomUUID().slice(0, 13);
const sinceStart = () => (room.startedAt ? Math.max(0, Date.now() - room.startedAt) : 0);
const isLive = () => room.state === "active";
const isConnecting = () => CONNECT_STAGES.includes(room.state) && !isLive();
const focus = (element) => element?.focus({ preventScroll: false });

function quiesce() {
  // Stop talking to the server: used when the page goes away and by browser tests.
  room.stopped = true;
  events.stop();
  clearInterval(room.timer);
  closePeer();
  return inflight.count;
}

// --- State and screen ----------------------------------------------------------------------------
function setState(state, reason) {
  room.state = state;
  if (CONNECT_STAGES.includes(state) || state === "idle") room.lastStage = state;
  root.dataset.state = state;
  if (reason) root.dataset.error = reason;
  else delete root.dataset.error;
  root.dataset.phase = room.resuming && isConnecting() ? "reconnecting" : "";
  const { attempt } = room;
  if (attempt && state !== "idle") {
    const ms = Math.round(performance.now() - attempt.t0);
    const event = { type: "stage", attempt: attempt.id, question_number: attempt.question, stage: state, elapsed_ms: ms };
    events.push(reason ? { ...event, error: reason } : event);
  }
  view.progress(state, room.lastStage);
  renderStatus();
  renderControls();
}

function renderStatus() {
  const resuming = room.state === "idle" ? room.status === "in_progress" : room.resuming;
  view.status(room.state, { muted: room.muted, resuming });
  // Truthful: muted wins over "You are speaking"; nothing is said to be heard unless live.
  if (!isLive()) view.speaking("none");
  else if (room.who === "interviewer") view.speaking("interviewer");
  else view.speaking(room.muted ? "muted" : room.who === "candidate" ? "candidate" : "listening");
}

function enable(name, on) {
  const element = view.action(name);
  if (element) element.disabled = !on;
}

function renderControls() {
  const { state } = room;
  enable("start", state === "idle");
  enable("end", isLive() || isConnecting() || state === "error");
  enable("mute", Boolean(room.mic) && state !== "ended");
  enable("send-text", isLive());
  enable("next-question", isLive() && isCase);
  const typed = view.role("typed-answer");
  if (typed) typed.disabled = !isLive();
  const start = view.action("start");
  if (start) start.hidden = state !== "idle";
  view.role("error").hidden = state !== "error";
}

function fail(error) {
  if (!(error instanceof RoomError)) {
    console.error(error);
    error = new RoomError("network", String(error?.message || error));
  }
  closePeer();
  const reference = `${data.interview_id.slice(0, 8)}-${room.attempt ? room.attempt.id : "0"}`;
  view.error(error, { reference, pricing: urls.pricing, interviewUrl: urls.interview_page });
  setState("error", error.reason);
  events.flush();
  focus(view.role("error"));
}

// --- Microphone ----------------------------------------------------------------------------------
async function useMicrophone() {
  const stream = await microphone(room.mic);
  if (stream !== room.mic) {
    room.mic = stream;
    applyMute();
    room.meter ??= meterStart(stream, view.role("mic-level"), () => room.muted);
  }
  return stream;
}

function applyMute() {
  room.mic?.getAudioTracks().forEach((track) => { track.enabled = !room.muted; });
  root.dataset.muted = String(room.muted);
  const button = view.action("mute");
  if (button) {
    button.setAttribute("aria-pressed", String(room.muted));
    button.textContent = room.muted ? "Unmute" : "Mute";
  }
  renderStatus();
}

function toggleMute() {
  if (view.action("mute")?.disabled) return;
  room.muted = !room.muted;
  applyMute();
}

async function micCheck() {
  // Retry after a refused check repeats the check only: it must never start (charge) anything.
  room.retry = micCheck;
  try {
    await useMicrophone();
    view.set("mic-hint", "Speak: the bar should move. Use headphones so the interviewer does not hear itself.");
    if (room.state === "error") setState("idle");
    renderControls();
  } catch (error) {
    fail(error);
  }
}

// --- Connect: health, call, answer, data channel -----------------------------------------------
async function checkHealth() {
  const result = await request("GET", urls.health);
  if (!result.ok) throw apiError(result);
  if (result.json.breaker === "open") {
    throw new RoomError("upstream_unavailable", "The interviewer service is recovering from errors. No credits were used.");
  }
}

async function caseStarted() {
  // A case interview is started (subscription checked) before its first question's call; a job
  // interview is started (and charged) by its first call.
  if (!isCase || room.status === "in_progress") return;
  const result = await request("POST", urls.start, {});
  if (!result.ok) throw apiError(result);
  room.status = result.json.status || "in_progress";
  if (result.json.started_at) room.startedAt ??= Date.parse(result.json.started_at);
  if (result.json.deadline) room.deadline ??= Date.parse(result.json.deadline);
}

function onTrack(remote) {
  const audio = view.role("remote-audio");
  if (audio) audio.srcObject = remote;
  // For static/js/recorder.js (opt-in recording): both sides, and where they start.
  const detail = { local: room.mic, remote, offsetMs: sinceStart(), question: room.question };
  document.dispatchEvent(new CustomEvent("vocahire:streams", { detail }));
}

async function connect() {
  const attempt = { id: randomId(), t0: performance.now(), question: room.question };
  const asked = [...view.turns.values()].some((t) => Number(t.item.dataset.question) === room.question);
  Object.assign(room, { attempt, retry: connect, heard: false, resuming: room.status === "in_progress" && asked });
  const current = () => room.attempt === attempt;
  setState("requesting_mic");
  // The microphone prompt and the health check run side by side: neither moves money.
  const health = checkHealth();
  health.catch(() => {}); // reported below, in order
  let peer = null;
  try {
    const stream = await useMicrophone();
    peer = preparePeer(stream, { onEvent: (pc, event) => pc === room.pc && onServerEvent(event), onTrack });
    peer.catch(() => {}); // the offer is built while the service is checked
    setState("testing_api");
    await health;
    // fetching_token is the calls request (it carries the offer); exchanging_sdp its answer.
    setState("fetching_token");
    await caseStarted();
    const { pc, dc, sessionCreated } = await peer;
    Object.assign(room, { pc, dc, mintSentAt: Date.now() }); // a job interview starts as the server receives it
    const answer = await postOffer(callsUrl(room.question), pc.localDescription.sdp);
    noteStarted();
    setState("creating_offer");
    setState("exchanging_sdp");
    await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp }).catch((error) => {
      throw new RoomError("sdp_failed", `The answer could not be applied: ${error.message}`);
    });
    setState("connecting_webrtc");
    await whenOpen(pc, dc, WAIT_CONNECT_MS);
    setState("data_channel_open");
    watchPeer(pc, dc);
    await withTimeout(sessionCreated, WAIT_SESSION_MS, new RoomError("upstream_unavailable", "The interviewer did not answer."));
    if (!current()) return;
    setState("active");
    setTimeout(() => pc === room.pc && isLive() && !room.heard && askForResponse(), WAIT_GREETING_MS);
    startTimer();
    events.flush();
    refreshCredits();
    focus(view.role("stage"));
  } catch (error) {
    if (!current()) return;
    if (peer && !room.pc) peer.then(({ pc }) => pc.close(), () => {});
    fail(error);
  }
}

function noteStarted() {
  room.status = "in_progress";
  // The call's answer has no started_at; its send time is within a round trip of it.
  room.startedAt ??= room.mintSentAt || Date.now();
  room.deadline ??= room.startedAt + data.time_limit_minutes * 60000;
}

async function refreshCredits() {
  // The page showed the balance before the start charged it; show the new one once live.
  const badge = document.querySelector('[data-role="credits"]');
  if (!badge?.firstChild || isCase) return;
  try {
    const { ok, json } = await request("GET", urls.me);
    if (!ok || typeof json.credits !== "number") return;
    const text = `${json.credits} credit${json.credits === 1 ? "" : "s"}`;
    badge.firstChild.nodeValue = badge.firstChild.nodeValue.replace(/^\s*\d+ credits?/, text);
  } catch { /* the badge is a convenience */ }
}

function watchPeer(pc, dc) {
  const lost = () => {
    if (pc !== room.pc || !isLive()) return;
    if (room.deadline && Date.now() >= room.deadline) end("time_limit");
    else fail(new RoomError("session_expired", "The connection to the interviewer was lost."));
  };
  dc.addEventListener("close", lost);
  pc.addEventListener("connectionstatechange", () => ["failed", "closed"].includes(pc.connectionState) && lost());
}

function closePeer() {
  const { pc } = room;
  Object.assign(room, { pc: null, dc: null, responding: false, answerPending: false, who: "none" });
  try { pc?.close(); } catch { /* already closed */ }
}

// --- The live conversation ---------------------------------------------------------------------
function onServerEvent(event) {
  const id = event.item_id;
  switch (event.type) {
    case "response.created": Object.assign(room, { responding: true, heard: true }); break;
    case "response.done":
      room.responding = false;
      responseTrouble(event.response || {});
      if (room.answerPending) { room.answerPending = false; askForResponse(); }
      break;
    case "response.output_audio_transcript.delta": interviewerText(id, event.delta, false); break;
    case "response.output_audio_transcript.done": interviewerText(id, event.transcript, true); break;
    case "output_audio_buffer.started": speaking("interviewer"); break;
    case "output_audio_buffer.stopped": speaking("none"); break;
    case "input_audio_buffer.speech_started": speaking("candidate"); break;
    case "input_audio_buffer.speech_stopped": speaking("none"); break;
    case "conversation.item.input_audio_transcription.completed":
      // Shown live; the server records the transcript itself from upstream's events.
      turn(`you-${id}`, "candidate", event.transcript || "", true);
      break;
    case "conversation.item.input_audio_transcription.failed":
      view.notice("We could not make out what you just said. Please say it again, or type it below.");
      break;
    case "error": upstreamError(event.error || {}); break;
    default: break;
  }
}

function speaking(who) {
  room.who = who;
  renderStatus();
}

function upstreamError(error) {
  if (QUIET_ERRORS.includes(error.code)) return;
  const detail = error.message ? ` (${error.message})` : "";
  view.notice(`The interviewer ran into a problem${detail}. Keep going: say your answer again or type it below. If it keeps happening, end and reconnect for free.`);
}

function responseTrouble({ status }) {
  if (status === "failed") view.notice("The interviewer's reply failed. Say your answer again or type it below, and it will answer.");
  if (status === "incomplete") view.notice("The interviewer's reply was cut short. Ask it to go on, or continue with your answer.");
}

function turn(key, speaker, text, final, typed = false) {
  return view.turn(`${room.attempt.id}-${key}`, { speaker, question: room.question, text, final, typed });
}

function interviewerText(itemId, text, final) {
  const said = turn(`ai-${itemId || room.turnCount}`, "interviewer", text, final);
  if (final && !isCase) view.question(said); // the pinned question follows the interviewer
}

function askForResponse() {
  if (room.dc?.readyState === "open") room.dc.send(JSON.stringify({ type: "response.create" }));
}

function sendText(event) {
  event?.preventDefault();
  const input = view.role("typed-answer");
  const text = input.value.trim();
  if (!text || !isLive() || room.dc?.readyState !== "open") return;
  const item = { type: "message", role: "user", content: [{ type: "input_text", text }] };
  room.dc.send(JSON.stringify({ type: "conversation.item.create", item }));
  // Upstream refuses a response.create while a response is under way (and does not queue it).
  if (room.responding) room.answerPending = true;
  else askForResponse();
  room.turnCount += 1;
  turn(`typed-${room.turnCount}`, "candidate", text, true, true);
  input.value = "";
  input.focus();
}

// --- Resume, timer, questions, end ---------------------------------------------------------------
async function resumeTranscript() {
  // After a reload the conversation so far comes from the server, which recorded it.
  if (room.status !== "in_progress") return;
  try {
    const { ok, json } = await request("GET", urls.transcript);
    if (!ok || !Array.isArray(json)) return;
    for (const t of json) {
      const options = { speaker: t.speaker, question: t.question_number, text: t.text, final: true, typed: t.typed, history: true };
      view.turn(`server-${t.id}`, options);
    }
    const asked = json.filter((t) => t.speaker === "interviewer").pop();
    if (asked && !isCase) view.question(asked.text);
  } catch { /* the transcript is on the interview page too */ }
}

function startTimer() {
  if (room.timer || !room.deadline) return;
  const tick = () => {
    const left = room.deadline - Date.now();
    const timer = view.role("timer");
    timer.textContent = clock(left);
    timer.dataset.low = String(left < 120000);
    if (left <= 0 && isLive()) end("time_limit");
  };
  tick();
  room.timer = setInterval(tick, 1000);
}

function renderQuestion() {
  view.set("question-number", String(room.question));
  if (isCase) {
    const question = data.questions.find((q) => Number(q.number) === room.question);
    view.question(question?.prompt, `Question ${room.question} of ${data.question_count}`);
  }
  const next = view.action("next-question");
  if (next) next.textContent = room.question >= data.question_count ? "Finish the case" : "Next question";
  document.dispatchEvent(new CustomEvent("vocahire:question-opened", { detail: { number: room.question } }));
}

async function nextQuestion() {
  // From the error state this is the Retry of a completion that did not reach the server.
  if (!isLive() && !(room.state === "error" && room.retry === nextQuestion)) return;
  const number = room.question;
  enable("next-question", false);
  room.retry = nextQuestion;
  try {
    await events.flush();
    const result = await request("POST", urls.complete.replace("{n}", String(number)), {});
    if (!result.ok && result.json.code !== "future_question") throw apiError(result);
    closePeer();
    if (result.json.status === "completed" || number >= data.question_count) { finish(); return; }
    room.question = result.json.current_question || number + 1;
    renderQuestion();
    await connect();
  } catch (error) {
    fail(error);
  }
}

function confirmEnd() {
  const dialog = view.role("end-dialog");
  if (view.action("end")?.disabled) return;
  dialog.showModal();
}

async function end(reason) {
  if (room.state === "ending" || room.state === "ended") return;
  room.retry = () => end(reason);
  room.attempt ??= { id: randomId(), t0: performance.now(), question: room.question };
  setState("ending");
  clearInterval(room.timer);
  room.timer = null;
  try {
    await events.flush();
    // The server hangs the call up itself; the peer closes after, so the end is recorded as ours.
    const result = await request("POST", urls.end, { reason });
    // Already finished (expired, or the last question completed) is fine: the report awaits.
    if (!result.ok && result.status !== 400 && result.status !== 409) throw apiError(result);
    finish();
  } catch (error) {
    fail(error);
  }
}

async function finish() {
  closePeer();
  setState("ended");
  view.role("ended").hidden = false;
  focus(view.role("report-link"));
  // Listeners (the recorder's last upload) may hold the page for a few seconds at most.
  const holds = [events.flush({ keepalive: true })];
  const waitUntil = (promise) => holds.push(promise);
  document.dispatchEvent(new CustomEvent("vocahire:ended", { detail: { waitUntil } }));
  const cap = new Promise((resolve) => setTimeout(resolve, ENDED_WAIT_MS));
  await Promise.race([Promise.all(holds.map((h) => h.catch(() => {}))), cap]);
  window.location.assign(urls.interview_page);
}

// --- Wiring ----------------------------------------------------------------------------------------
const on = (name, handler) => view.action(name)?.addEventListener("click", handler);
on("start", () => connect());
on("retry", () => (room.retry ? room.retry() : connect()));
on("end", confirmEnd);
on("confirm-end", () => end("ended_by_candidate"));
on("cancel-end", () => view.role("end-dialog").close());
on("next-question", nextQuestion);
on("mute", toggleMute);
on("mic-check", micCheck);
view.role("typed-form")?.addEventListener("submit", sendText);
view.role("typed-answer")?.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) sendText(event);
});
document.addEventListener("keydown", (event) => {
  // M mutes and unmutes, unless the candidate is typing or holds a modifier.
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if (event.key.toLowerCase() === "m" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    toggleMute();
  }
});
window.addEventListener("beforeunload", (event) => {
  // Leaving a live interview asks first; the time keeps running while the candidate is away.
  if (room.stopped || !(isLive() || isConnecting())) return;
  event.preventDefault();
  event.returnValue = "";
});
window.addEventListener("pagehide", () => events.flush({ keepalive: true }));

renderQuestion();
if (FINISHED.includes(room.status)) {
  setState("ended");
} else {
  setState("idle");
  if (room.status === "in_progress") {
    startTimer(); // the interview's clock runs from the server's deadline, also while away
    resumeTranscript();
  }
}
