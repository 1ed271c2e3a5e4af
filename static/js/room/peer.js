// The browser's side of the call: the microphone (and its level meter), the peer connection with
// the single "oai-events" data channel, and the waits of the connect path.
import { RoomError } from "./api.js";

const CONSTRAINTS = { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } };

export async function microphone(current) {
  if (current && current.getAudioTracks().some((t) => t.readyState === "live")) return current;
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new RoomError("mic_denied", "This browser cannot record audio here (it needs HTTPS).");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
  } catch (error) {
    throw new RoomError("mic_denied", error?.name === "NotFoundError" ? "No microphone was found. Plug one in." : "Microphone access was blocked.");
  }
}

/** Show the microphone's level on `meter` (0 while `muted()`). */
export function meterStart(stream, meter, muted) {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!meter || !Context) return null;
  const context = new Context();
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const tick = () => {
    analyser.getByteTimeDomainData(samples);
    const peak = samples.reduce((top, s) => Math.max(top, Math.abs(s - 128)), 0);
    const level = Math.min(100, Math.round((peak / 128) * 140));
    meter.value = muted() ? 0 : level;
    meter.dataset.heard = level > 8 ? "yes" : "no";
    requestAnimationFrame(tick);
  };
  tick();
  return context;
}

/** A peer connection with the mic track and the data channel, its offer made and gathered. */
export async function preparePeer(stream, { onEvent, onTrack }) {
  const pc = new RTCPeerConnection();
  const dc = pc.createDataChannel("oai-events");
  let created;
  const sessionCreated = new Promise((resolve) => { created = resolve; });
  dc.addEventListener("message", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    if (event.type === "session.created") created(event);
    onEvent(pc, event);
  });
  stream.getAudioTracks().forEach((track) => pc.addTrack(track, stream));
  pc.addEventListener("track", (event) => onTrack(event.streams[0] || new MediaStream([event.track])));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return { pc, dc, sessionCreated };
}

function gathered(pc) {
  // Host candidates gather in milliseconds; the cap keeps a slow STUN from holding up Start.
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 800);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
    });
  });
}

export function whenOpen(pc, dc, ms) {
  return new Promise((resolve, reject) => {
    if (dc.readyState === "open") { resolve(); return; }
    const timer = setTimeout(() => reject(new RoomError("ice_failed", `The audio link did not open within ${ms / 1000} seconds.`)), ms);
    dc.addEventListener("open", () => { clearTimeout(timer); resolve(); });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState !== "failed") return;
      clearTimeout(timer);
      reject(new RoomError("ice_failed", "The audio link failed to connect."));
    });
  });
}

export function withTimeout(promise, ms, error) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(error), ms))]);
}
