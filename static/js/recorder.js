/* Opt-in interview recording (DESIGN section 12). Listens to the room's events:
 *   "vocahire:streams" {local, remote}: mix both sides (AudioContext) and record them
 *     with MediaRecorder (Opus); a later call's remote stream replaces the earlier one in the mix.
 *   "vocahire:ended" {waitUntil}: stop, upload what is left, then complete the recording.
 * Chunks go up one at a time, numbered from 0, and are kept until the recording is complete, so
 * a failed upload is retried and a chunk the server reports missing is sent again.
 */
const data = JSON.parse(document.getElementById("room-data").textContent);
const api = `/api/v1/interviews/${data.interview_id}`;
const TIMESLICE_MS = 4000;
const BITS_PER_SECOND = 64000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const COMPLETE_ATTEMPTS = 5;
const Context = window.AudioContext || window.webkitAudioContext;

const rec = {
  enabled: Boolean(data.record), mime: "", ctx: null, dest: null, recorder: null, sources: {},
  chunks: {}, // seq -> Blob, until the recording is complete
  queue: [], next: 0, uploading: null, reset: Promise.resolve(), startedAt: 0, uploads: 0,
  state: "off", // off | recording | uploading | saved | failed
};
window.vocahireRecorder = rec; // for browser tests and debugging

const toggle = document.querySelector('[data-role="record-toggle"]');
const statusLine = document.querySelector('[data-role="record-status"]');
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function say(state, text) {
  rec.state = state;
  if (statusLine) Object.assign(statusLine, { textContent: text }).dataset.state = state;
}

async function send(method, path, body, contentType) {
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const headers = { "X-CSRFToken": csrf, Accept: "application/json" };
  if (contentType) headers["Content-Type"] = contentType;
  const response = await fetch(api + path, { method, headers, body, credentials: "same-origin" });
  const json = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, json };
}

const supported = window.MediaRecorder && Context ? ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"] : [];
rec.mime = supported.find((type) => MediaRecorder.isTypeSupported(type)) || "";

// --- The choice, before Start --------------------------------------------------------------------
if (toggle && !rec.mime) {
  Object.assign(toggle, { checked: false, disabled: true });
  rec.enabled = false;
  say("off", "This browser cannot record audio here.");
}
toggle?.addEventListener("change", async () => {
  toggle.disabled = true;
  try {
    const result = await send("PATCH", "", JSON.stringify({ record: toggle.checked }), "application/json");
    if (!result.ok) throw new Error(result.json.detail || "not saved");
    rec.enabled = Boolean(result.json.record);
    say("off", "");
  } catch (error) {
    say("off", `Your choice was not saved: ${error.message}`);
  }
  Object.assign(toggle, { disabled: false, checked: rec.enabled });
});

// --- Recording ------------------------------------------------------------------------------------
function connectSource(name, stream) {
  if (!stream?.getAudioTracks?.().length) return;
  const previous = rec.sources[name];
  if (previous?.stream === stream) return;
  try { previous?.node.disconnect(); } catch { /* already gone */ }
  const node = rec.ctx.createMediaStreamSource(stream);
  node.connect(rec.dest);
  rec.sources[name] = { stream, node };
}

function start({ local, remote }) {
  rec.ctx = new Context();
  if (rec.ctx.state === "suspended") rec.ctx.resume();
  rec.dest = rec.ctx.createMediaStreamDestination();
  connectSource("local", local);
  connectSource("remote", remote);
  // An earlier page of this interview may have left an unfinished upload: this one starts over.
  rec.reset = send("DELETE", "/recording").catch(() => {});
  rec.recorder = new MediaRecorder(rec.dest.stream, { mimeType: rec.mime, audioBitsPerSecond: BITS_PER_SECOND });
  rec.recorder.addEventListener("dataavailable", (event) => {
    if (!event.data?.size) return;
    const seq = rec.next++;
    rec.chunks[seq] = event.data;
    rec.queue.push(seq);
    pump();
  });
  rec.recorder.start(TIMESLICE_MS);
  rec.startedAt = performance.now();
  if (toggle) toggle.disabled = true;
  say("recording", "Recording both voices.");
}

async function uploadChunk(seq) {
  // With chunk 0, how long the recorder has run by this page's stopwatch: the server places the
  // recording on the transcript's clock from its arrival, whatever this computer's clock says.
  let path = `/recording/chunks?seq=${seq}`;
  if (seq === 0) path += `&elapsed_ms=${Math.max(0, Math.round(performance.now() - rec.startedAt))}`;
  for (let attempt = 0; ; attempt += 1) {
    const result = await send("POST", path, rec.chunks[seq], rec.mime).catch(() => null);
    if (result?.ok) { rec.uploads += 1; return; }
    if (result && result.status < 500 && ![408, 429].includes(result.status)) {
      throw new Error(result.json.detail || "refused");
    }
    await wait(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]); // a hiccup: try again
  }
}

function pump() {
  // One upload at a time, in order; `rec.uploading` is the run in progress (drained awaits it).
  rec.uploading ??= (async () => {
    try {
      await rec.reset;
      while (rec.queue.length && rec.state !== "failed") {
        await uploadChunk(rec.queue[0]);
        rec.queue.shift();
      }
    } catch (error) {
      say("failed", `The recording could not be saved: ${error.message}`);
    } finally {
      rec.uploading = null;
    }
  })();
  return rec.uploading;
}

function stopRecorder() {
  const { recorder } = rec;
  if (!recorder || recorder.state === "inactive") return Promise.resolve();
  return new Promise((resolve) => {
    recorder.addEventListener("stop", () => setTimeout(resolve, 0));
    recorder.stop(); // fires the last dataavailable, then stop
  });
}

async function complete() {
  for (let attempt = 0; ; attempt += 1) {
    const result = await send("POST", "/recording/complete", JSON.stringify({ chunks: rec.next }), "application/json");
    if (result.ok) { say("saved", "Recording saved."); return; }
    const missing = result.json.missing_seq;
    if (result.status !== 409 || typeof missing !== "number" || !rec.chunks[missing] || attempt >= COMPLETE_ATTEMPTS) {
      say("failed", `The recording could not be saved: ${result.json.detail || result.status}`);
      return;
    }
    await uploadChunk(missing);
  }
}

async function finish() {
  say("uploading", "Saving the recording…");
  try {
    await stopRecorder();
    while (rec.uploading || (rec.queue.length && rec.state !== "failed")) await pump();
    rec.ctx?.close();
    if (rec.state !== "failed" && rec.next > 0) await complete();
  } catch (error) {
    say("failed", `The recording could not be saved: ${error.message}`);
  }
}

document.addEventListener("vocahire:streams", ({ detail = {} }) => {
  if (!rec.enabled || !rec.mime || rec.state === "failed") return;
  if (!rec.recorder) { start(detail); return; }
  connectSource("local", detail.local);
  connectSource("remote", detail.remote);
});

document.addEventListener("vocahire:ended", ({ detail }) => {
  if (!rec.recorder) return;
  detail?.waitUntil?.(finish());
});
