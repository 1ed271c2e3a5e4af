/* The report's recording in step with the transcript: a turn's button seeks the audio to where the
 * turn starts, and the turn being heard is highlighted while it plays. */
(function () {
  "use strict";

  var section = document.querySelector('[data-role="recording"]');
  if (!section) return;
  var audio = section.querySelector("audio");
  if (!audio) return;
  // Turn times count from the interview's start; the recording may have begun a little later.
  var offsetMs = Number(section.dataset.offsetMs) || 0;
  var turns = Array.prototype.slice.call(document.querySelectorAll('[data-action="seek"][data-start-ms]'));
  turns.sort(function (a, b) { return Number(a.dataset.startMs) - Number(b.dataset.startMs); });
  var current = null;

  function seconds(turn) { return Math.max(0, (Number(turn.dataset.startMs) - offsetMs) / 1000); }

  var fixing = false; // working out the duration (below): a seek waits for it
  var pending = null;

  function seek(turn) {
    if (fixing) { pending = turn; return; }
    audio.currentTime = seconds(turn);
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () { /* autoplay refused: seek only */ });
    highlight();
  }

  function highlight() {
    var at = audio.currentTime;
    var found = null;
    for (var i = 0; i < turns.length; i++) {
      if (seconds(turns[i]) <= at + 0.05) found = turns[i]; else break;
    }
    if (found === current) return;
    if (current) { current.classList.remove("is-playing"); current.removeAttribute("aria-current"); }
    current = found;
    if (current) { current.classList.add("is-playing"); current.setAttribute("aria-current", "true"); }
  }

  turns.forEach(function (turn) {
    turn.addEventListener("click", function () { seek(turn); });
  });
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);

  // A browser's own recordings (MediaRecorder WebM) carry no duration: reading to the end once
  // makes the duration known, so the timeline and seeking work from the first click.
  // The script may run after the metadata has loaded (a fast server, a cached file): then the
  // event has already fired, so it is checked once here as well.
  function durationFix() {
    if (fixing || audio.duration !== Infinity) return;
    var restore = function () {
      if (audio.duration === Infinity) return;
      audio.removeEventListener("durationchange", restore);
      fixing = false;
      if (pending) { var turn = pending; pending = null; seek(turn); } else audio.currentTime = 0;
    };
    fixing = true;
    audio.addEventListener("durationchange", restore);
    audio.currentTime = 1e7;
  }
  audio.addEventListener("loadedmetadata", durationFix);
  if (audio.readyState >= 1) durationFix();
})();
