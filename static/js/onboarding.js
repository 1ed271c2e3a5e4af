// The onboarding page's microphone check: ask for the microphone, show the input level for a few
// seconds, say plainly whether the browser can hear the candidate, then let the microphone go.
"use strict";

const CHECK_MS = 6000;
const HEARD_LEVEL = 0.08;

function micProblem(error) {
  if (!navigator.mediaDevices) return "This browser cannot use a microphone on this page.";
  if (error && error.name === "NotAllowedError") {
    return "The microphone is blocked. Allow it in your browser's site settings (the icon next to the address), then check again.";
  }
  if (error && error.name === "NotFoundError") return "No microphone was found. Plug one in, then check again.";
  return "The microphone could not be opened. Close other apps that use it, then check again.";
}

async function micCheck(button, meter, status) {
  button.disabled = true;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    status.textContent = micProblem(error);
    button.disabled = false;
    return;
  }
  status.textContent = "Listening: say a few words.";
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let loudest = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      const level = Math.min(1, Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length) * 4);
      meter.value = level;
      loudest = Math.max(loudest, level);
      if (performance.now() - started < CHECK_MS) requestAnimationFrame(tick);
      else resolve();
    };
    tick();
  });
  stream.getTracks().forEach((track) => track.stop());
  await context.close();
  meter.value = 0;
  status.textContent = loudest >= HEARD_LEVEL
    ? "We can hear you. You are ready for the interview room."
    : "We heard very little. Move closer to the microphone or pick another one in your browser's settings, then check again.";
  status.dataset.result = loudest >= HEARD_LEVEL ? "heard" : "quiet";
  button.disabled = false;
  button.textContent = "Check again";
}

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector('[data-action="mic-check"]');
  if (!button) return;
  const meter = document.querySelector('[data-role="mic-level"]');
  const status = document.querySelector('[data-role="mic-status"]');
  button.addEventListener("click", () => micCheck(button, meter, status));
});
