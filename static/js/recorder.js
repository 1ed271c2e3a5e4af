/* Opt-in interview recording (DESIGN section 12). Listens to the room's events:
 *   "vocahire:streams" {local, remote}: mix both sides (AudioContext) and record them
 *     with MediaRecorder (Opus); a later call's remote stream replaces the earlier one in the mix.
 *   "vocahire:ended" {waitUntil}: stop, upload what is left, then complete the recording.
 * Chunks go up one at a time, numbered from 0, and are kept until the recording is complete, so
 * a failed upload is retried and a chunk the server reports missing is sent again.
 */
(function () {
  "use strict";

  var dataNode = document.getElementById("room-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var api = "/api/v1/interviews/" + data.interview_id;
  var TIMESLICE_MS = 4000;
  var BITS_PER_SECOND = 64000;
  var BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
  var COMPLETE_ATTEMPTS = 5;

  var rec = {
    enabled: !!data.record,
    mime: "",
    ctx: null,
    dest: null,
    recorder: null,
    sources: {},
    chunks: {}, // seq -> Blob, until the recording is complete
    queue: [],
    next: 0,
    uploading: false,
    drained: null,
    reset: Promise.resolve(),
    startedAt: 0,
    state: "off", // off | recording | uploading | saved | failed
    uploads: 0,
  };
  window.vocahireRecorder = rec; // for browser tests and debugging

  var toggle = document.querySelector('[data-role="record-toggle"]');
  var statusLine = document.querySelector('[data-role="record-status"]');

  function say(state, text) {
    rec.state = state;
    if (statusLine) { statusLine.textContent = text; statusLine.dataset.state = state; }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function send(method, path, body, contentType) {
    var headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
    if (contentType) headers["Content-Type"] = contentType;
    return fetch(api + path, { method: method, headers: headers, body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return { ok: response.ok, status: response.status, json: json };
        });
      });
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function pickMime() {
    if (!window.MediaRecorder || !(window.AudioContext || window.webkitAudioContext)) return "";
    var candidates = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"];
    for (var i = 0; i < candidates.length; i++) {
      if (MediaRecorder.isTypeSupported(candidates[i])) return candidates[i];
    }
    return "";
  }
  rec.mime = pickMime();

  // --- The choice, before Start --------------------------------------------------------------------
  if (toggle) {
    if (!rec.mime) {
      toggle.checked = false;
      toggle.disabled = true;
      rec.enabled = false;
      say("off", "This browser cannot record audio here.");
    }
    toggle.addEventListener("change", function () {
      var wanted = toggle.checked;
      toggle.disabled = true;
      send("PATCH", "", JSON.stringify({ record: wanted }), "application/json").then(function (result) {
        toggle.disabled = false;
        if (!result.ok) throw new Error(result.json.detail || "not saved");
        rec.enabled = !!result.json.record;
        toggle.checked = rec.enabled;
        say("off", "");
      }).catch(function (error) {
        toggle.disabled = false;
        toggle.checked = rec.enabled;
        say("off", "Your choice was not saved: " + error.message);
      });
    });
  }

  // --- Recording ------------------------------------------------------------------------------------
  function connectSource(name, stream) {
    if (!stream || !stream.getAudioTracks || !stream.getAudioTracks().length) return;
    var previous = rec.sources[name];
    if (previous && previous.stream === stream) return;
    if (previous) { try { previous.node.disconnect(); } catch (e) { /* already gone */ } }
    var node = rec.ctx.createMediaStreamSource(stream);
    node.connect(rec.dest);
    rec.sources[name] = { stream: stream, node: node };
  }

  function start(detail) {
    var Context = window.AudioContext || window.webkitAudioContext;
    rec.ctx = new Context();
    if (rec.ctx.state === "suspended") rec.ctx.resume();
    rec.dest = rec.ctx.createMediaStreamDestination();
    connectSource("local", detail.local);
    connectSource("remote", detail.remote);
    // An earlier page of this interview may have left an unfinished upload: this one starts over.
    rec.reset = send("DELETE", "/recording").catch(function () {});
    rec.recorder = new MediaRecorder(rec.dest.stream, { mimeType: rec.mime, audioBitsPerSecond: BITS_PER_SECOND });
    rec.recorder.addEventListener("dataavailable", function (event) {
      if (!event.data || !event.data.size) return;
      var seq = rec.next++;
      rec.chunks[seq] = event.data;
      rec.queue.push(seq);
      pump();
    });
    rec.recorder.start(TIMESLICE_MS);
    rec.startedAt = performance.now();
    if (toggle) toggle.disabled = true;
    say("recording", "Recording both voices.");
  }

  function uploadChunk(seq, attempt) {
    // With chunk 0, how long the recorder has run by this page's stopwatch: the server places the
    // recording on the transcript's clock from its arrival, whatever this computer's clock says.
    var path = "/recording/chunks?seq=" + seq;
    if (seq === 0) path += "&elapsed_ms=" + Math.max(0, Math.round(performance.now() - rec.startedAt));
    return send("POST", path, rec.chunks[seq], rec.mime).then(function (result) {
      if (result.ok) { rec.uploads += 1; return; }
      if (result.status >= 500 || result.status === 429 || result.status === 408) throw new Error("retry");
      var failure = new Error(result.json.detail || "refused");
      failure.final = true;
      throw failure;
    }).catch(function (error) {
      if (error.final) throw error;
      return wait(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]).then(function () {
        return uploadChunk(seq, attempt + 1); // the network or server hiccupped: try again
      });
    });
  }

  function pump() {
    if (rec.uploading || rec.state === "failed") return;
    if (!rec.queue.length) {
      if (rec.drained) { var done = rec.drained; rec.drained = null; done(); }
      return;
    }
    rec.uploading = true;
    var seq = rec.queue[0];
    rec.reset.then(function () { return uploadChunk(seq, 0); }).then(function () {
      rec.queue.shift();
      rec.uploading = false;
      pump();
    }, function (error) {
      rec.uploading = false;
      say("failed", "The recording could not be saved: " + error.message);
      if (rec.drained) { var done = rec.drained; rec.drained = null; done(); }
    });
  }

  function drained() {
    if (!rec.queue.length && !rec.uploading) return Promise.resolve();
    return new Promise(function (resolve) { rec.drained = resolve; pump(); });
  }

  function stopRecorder() {
    var recorder = rec.recorder;
    if (!recorder || recorder.state === "inactive") return Promise.resolve();
    return new Promise(function (resolve) {
      recorder.addEventListener("stop", function () { setTimeout(resolve, 0); });
      recorder.stop(); // fires the last dataavailable, then stop
    });
  }

  function complete(attempt) {
    var body = JSON.stringify({ chunks: rec.next });
    return send("POST", "/recording/complete", body, "application/json").then(function (result) {
      if (result.ok) { say("saved", "Recording saved."); return; }
      var missing = result.json.missing_seq;
      if (result.status === 409 && typeof missing === "number" && rec.chunks[missing] && attempt < COMPLETE_ATTEMPTS) {
        return uploadChunk(missing, 0).then(function () { return complete(attempt + 1); });
      }
      say("failed", "The recording could not be saved: " + (result.json.detail || result.status));
    });
  }

  function finish() {
    say("uploading", "Saving the recording…");
    return stopRecorder()
      .then(drained)
      .then(function () {
        if (rec.ctx) rec.ctx.close();
        if (rec.state === "failed" || rec.next === 0) return;
        return complete(0);
      })
      .catch(function (error) { say("failed", "The recording could not be saved: " + error.message); });
  }

  document.addEventListener("vocahire:streams", function (event) {
    if (!rec.enabled || !rec.mime || rec.state === "failed") return;
    if (!rec.recorder) { start(event.detail || {}); return; }
    connectSource("local", event.detail.local);
    connectSource("remote", event.detail.remote);
  });

  document.addEventListener("vocahire:ended", function (event) {
    if (!rec.recorder) return;
    var done = finish();
    if (event.detail && event.detail.waitUntil) event.detail.waitUntil(done);
  });
})();
