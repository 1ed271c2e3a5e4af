// What the room shows: the one status line (the page's only polite live region), the connection
// steps, the error box, the speaking indicator, the pinned question and the transcript.

export const CONNECT_STAGES = [
  "requesting_mic", "testing_api", "fetching_token", "creating_offer", "exchanging_sdp",
  "connecting_webrtc", "data_channel_open", "active",
];
const LABELS = {
  idle: "Ready when you are. Press Start to begin.",
  resumable: "This interview is still running. Press Reconnect to continue where you left off; reconnecting is free.",
  requesting_mic: "Checking your microphone…",
  testing_api: "Checking the interviewer service…",
  fetching_token: "Preparing your session…",
  creating_offer: "Setting up audio…",
  exchanging_sdp: "Calling the interviewer…",
  connecting_webrtc: "Opening the audio link…",
  data_channel_open: "Almost there…",
  active: "Live: the interviewer can hear you.",
  muted: "Muted: the interviewer cannot hear you. Press M or Unmute to speak.",
  ending: "Ending the interview…",
  ended: "The interview has ended. Your report is on its way.",
  error: "There is a problem: what happened and how to fix it are below.",
};
const PROBLEMS = {
  mic_denied: "Vocahire cannot use your microphone.",
  insufficient_credits: "You have no interview credits left.",
  subscription_required: "Case interviews need an active subscription.",
  upstream_unavailable: "The interviewer service is not available right now.",
  network: "We could not reach Vocahire. Your connection may have dropped.",
  sdp_failed: "The interviewer could not accept the audio connection.",
  ice_failed: "The audio connection could not be set up. A firewall or VPN may be blocking it.",
  session_expired: "The interview session was closed.",
};
const FIXES = {
  mic_denied: "Allow microphone access for this site (the icon in the address bar), then press Retry.",
  insufficient_credits: "Buy credits, then press Retry.",
  subscription_required: "Choose a plan, then press Retry.",
  upstream_unavailable: "Wait a minute and press Retry. Retrying is free.",
  network: "Check your internet connection and press Retry. Retrying is free.",
  sdp_failed: "Press Retry. Reconnecting never uses another credit.",
  ice_failed: "Press Retry, or try another network. Reconnecting never uses another credit.",
  session_expired: "Press Retry to reconnect. Reconnecting never uses another credit.",
};
const SPEAKING = { interviewer: "Interviewer is speaking", candidate: "You are speaking", listening: "Listening…", muted: "Muted" };

export class RoomView {
  constructor(root) {
    this.root = root;
    this.turns = new Map();
  }

  role(name) { return this.root.querySelector(`[data-role="${name}"]`); }
  action(name) { return this.root.querySelector(`[data-action="${name}"]`); }
  set(name, text) { const el = this.role(name); if (el) el.textContent = text; }

  /** The status line: a state's label, "Reconnecting: …" while a running interview reconnects. */
  status(state, { muted = false, resuming = false } = {}) {
    let label = LABELS[state === "active" && muted ? "muted" : state];
    if (resuming && CONNECT_STAGES.includes(state) && state !== "active") label = `Reconnecting: ${label}`;
    if (state === "idle" && resuming) label = LABELS.resumable;
    this.set("stage", label);
  }

  progress(state, lastStage) {
    let reached = CONNECT_STAGES.indexOf(state === "error" ? lastStage : state);
    if (state === "ending" || state === "ended") reached = CONNECT_STAGES.length;
    const step = this.role("step");
    if (step) step.textContent = reached >= 0 && reached < CONNECT_STAGES.length - 1 ? `Step ${reached + 1} of ${CONNECT_STAGES.length}` : "";
    for (const item of this.root.querySelectorAll('[data-role="progress"] [data-stage]')) {
      const index = CONNECT_STAGES.indexOf(item.dataset.stage);
      item.classList.toggle("done", reached >= 0 && index < reached);
      item.classList.toggle("current", index === reached);
    }
  }

  error(error, { reference, pricing, interviewUrl }) {
    const { reason } = error;
    this.set("error-problem", PROBLEMS[reason]);
    this.set("error-detail", error.message || "");
    this.set("error-fix", error.over ? "Open the interview to see your transcript and report." : FIXES[reason]);
    this.set("error-reference", reference);
    const open = this.action("open-interview");
    Object.assign(open, { href: interviewUrl, hidden: !error.over });
    this.action("retry").hidden = error.over;
    const buy = this.action("buy-credits");
    buy.href = pricing;
    buy.hidden = reason !== "insufficient_credits" && reason !== "subscription_required";
    buy.textContent = reason === "subscription_required" ? "See plans" : "Buy credits";
  }

  speaking(who) {
    this.root.dataset.speaking = who;
    this.set("speaking", SPEAKING[who] || "");
  }

  notice(text) {
    const box = this.role("notice");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { box.hidden = true; box.textContent = ""; }, 12000);
  }

  /** The pinned question: a case's prompt, or a job interview's latest interviewer line. */
  question(text, heading) {
    if (heading) this.set("question-progress", heading);
    if (text) this.set("question-text", text);
    const card = this.role("question");
    if (card) card.hidden = !this.role("question-text").textContent.trim();
  }

  /** One transcript line, made once per key and updated as its words arrive. */
  turn(key, { speaker, question, text, final, typed = false, history = false }) {
    let turn = this.turns.get(key);
    if (!turn) {
      const item = document.createElement("li");
      item.className = `turn turn-${speaker}`;
      Object.assign(item.dataset, { speaker, question: String(question) });
      if (history) item.dataset.history = "true"; // loaded from the server after a reload
      if (typed) item.dataset.source = "typed";
      const who = document.createElement("strong");
      who.textContent = speaker === "interviewer" ? "Interviewer" : "You";
      const words = document.createElement("span");
      words.className = "turn-text";
      item.append(who, " ", words);
      turn = { item, words, value: "" };
      this.turns.set(key, turn);
      const list = this.role("transcript");
      list.append(item);
      list.scrollTop = list.scrollHeight;
    }
    turn.value = final ? text || turn.value : turn.value + (text || "");
    turn.words.textContent = turn.value;
    if (final) turn.item.dataset.final = "true";
    return turn.value;
  }
}

export function clock(ms) {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
