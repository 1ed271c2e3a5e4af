// The room's HTTP to our own API: JSON requests, the SDP offer, errors as RoomError, and the
// batched /events queue. Every URL comes from the room data the server renders.

export const REASONS = [
  "mic_denied", "insufficient_credits", "subscription_required", "upstream_unavailable",
  "network", "sdp_failed", "ice_failed", "session_expired",
];

export class RoomError extends Error {
  constructor(reason, message = "", over = false) {
    super(message);
    this.reason = REASONS.includes(reason) ? reason : "network";
    this.over = over; // the interview has ended (time up, or elsewhere): retrying cannot help
  }
}

export const inflight = { count: 0 }; // our requests in flight (browser tests wait for 0)

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : decodeURIComponent((document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "");
}

async function send(target, init, failure) {
  try {
    return await fetch(target, { credentials: "same-origin", ...init });
  } catch {
    throw new RoomError("network", failure);
  }
}

export async function request(method, target, body, { keepalive = false } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") Object.assign(headers, { "Content-Type": "application/json", "X-CSRFToken": csrfToken() });
  const init = { method, headers, keepalive, body: body === undefined ? undefined : JSON.stringify(body) };
  inflight.count += 1; // until the body is read too
  try {
    const response = await send(target, init, "We could not reach Vocahire.");
    const json = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, json: json || {} };
  } finally {
    inflight.count -= 1;
  }
}

/** Post the browser's offer to our calls endpoint: the server creates the call with its key. */
export async function postOffer(target, sdp) {
  const headers = { "Content-Type": "application/sdp", "X-CSRFToken": csrfToken(), Accept: "application/sdp" };
  inflight.count += 1;
  try {
    const response = await send(target, { method: "POST", headers, body: sdp }, "The call to the interviewer did not go through.");
    const text = await response.text();
    if (response.ok) return { sdp: text, callUrl: response.headers.get("Location") || "" };
    let json = {};
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    throw apiError({ status: response.status, json });
  } finally {
    inflight.count -= 1;
  }
}

export function apiError({ status, json }) {
  const { code, detail } = json;
  if (REASONS.includes(code)) return new RoomError(code, detail);
  if (status === 401) return new RoomError("session_expired", "You were signed out. Sign in again, then press Retry.");
  if (code === "interview_not_in_progress") return new RoomError("session_expired", detail, true);
  if (code === "upstream_error" || status === 429 || status >= 500) return new RoomError("upstream_unavailable", detail);
  return new RoomError("network", detail || `Vocahire answered with an unexpected error (${status}).`);
}

/** Client events for /events, sent in batches; re-sending is safe (the server dedupes). */
export class EventQueue {
  constructor(target, delayMs = 1000) {
    Object.assign(this, { target, delayMs, items: [], timer: null, stopped: false });
  }

  push(event, urgent = false) {
    if (this.stopped) return;
    this.items.push(event);
    if (urgent) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  async flush(options) {
    clearTimeout(this.timer);
    this.timer = null;
    while (this.items.length) {
      const batch = this.items.splice(0, 100);
      try {
        const result = await request("POST", this.target, { events: batch }, options);
        if (result.status < 500) continue; // only a server fault is retried
      } catch { /* offline: retried below */ }
      this.items = batch.concat(this.items);
      this.timer ??= setTimeout(() => this.flush(), this.delayMs * 3);
      return;
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.items = [];
  }
}
