/* Vocahire interview room: connects the browser to the AI interviewer over WebRTC.
 *
 * The state machine of DESIGN section 7. The root element carries data-state (and data-error in
 * the error state); every transition is timed from the Start click and reported to /events.
 * Vanilla JS on purpose: no framework, no bundler, one file.
 */
(function () {
  "use strict";

  var root = document.getElementById("room");
  var dataNode = document.getElementById("room-data");
  if (!root || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);

  var CONNECT_STAGES = [
    "requesting_mic", "testing_api", "fetching_token", "creating_offer", "exchanging_sdp",
    "connecting_webrtc", "data_channel_open", "active",
  ];
  var REASONS = [
    "mic_denied", "insufficient_credits", "subscription_required", "upstream_unavailable",
    "network", "sdp_failed", "ice_failed", "session_expired",
  ];
  var LABELS = {
    idle: "Ready when you are. Press Start to begin.",
    requesting_mic: "Checking your microphone…",
    testing_api: "Checking the interviewer service…",
    fetching_token: "Preparing your session…",
    creating_offer: "Setting up audio…",
    exchanging_sdp: "Calling the interviewer…",
    connecting_webrtc: "Opening the audio link…",
    data_channel_open: "Almost there…",
    active: "Live: the interviewer can hear you.",
    ending: "Ending the interview…",
    ended: "The interview has ended.",
    error: "Something went wrong.",
  };
  var PROBLEMS = {
    mic_denied: "Vocahire cannot use your microphone.",
    insufficient_credits: "You have no interview credits left.",
    subscription_required: "Case interviews need an active subscription.",
    upstream_unavailable: "The interviewer service is not available right now.",
    network: "We could not reach Vocahire. Your connection may have dropped.",
    sdp_failed: "The interviewer could not accept the audio connection.",
    ice_failed: "The audio connection could not be set up. A firewall or VPN may be blocking it.",
    session_expired: "The interview session was closed.",
  };
  var FIXES = {
    mic_denied: "Allow microphone access for this site (the icon in the address bar), then press Retry.",
    insufficient_credits: "Buy credits, then press Retry.",
    subscription_required: "Choose a plan, then press Retry.",
    upstream_unavailable: "Wait a minute and press Retry. Retrying is free.",
    network: "Check your internet connection and press Retry. Retrying is free.",
    sdp_failed: "Press Retry. Reconnecting never uses another credit.",
    ice_failed: "Press Retry, or try another network. Reconnecting never uses another credit.",
    session_expired: "Press Retry to reconnect. Reconnecting never uses another credit.",
  };
  // Browser tests shorten the waits (window.vocahireRoomWaits) rather than sit out a real timeout.
  var waits = window.vocahireRoomWaits || {};
  var WAIT_CONNECT_MS = waits.connectMs || 15000;
  var WAIT_SESSION_MS = waits.sessionMs || 10000;
  // The supervisor asks for the greeting once it listens; past this the room asks itself.
  var WAIT_GREETING_MS = waits.greetingMs || 10000;
  var FLUSH_DELAY_MS = 1000;
  var ENDED_WAIT_MS = 20000; // longest the page waits for "vocahire:ended" listeners

  var interviewId = data.interview_id || data.id;
  var isCase = data.kind === "case";
  var urls = data.urls || {};
  var api = "/api/v1/interviews/" + interviewId;
  var url = {
    health: urls.health || "/api/v1/realtime/health",
    start: urls.start || api + "/start",
    events: urls.events || api + "/events",
    end: urls.end || api + "/end",
    interview: urls.interview_page || "/interviews/" + interviewId + "/",
    pricing: urls.pricing || "/billing/pricing/",
    // The server creates every call: job interviews have one, case interviews one per question.
    calls: function (n) { return isCase ? pattern(urls.question_calls, "/calls", n) : urls.calls || api + "/calls"; },
    complete: function (n) { return pattern(urls.complete, "/complete", n); },
  };
  function pattern(template, suffix, n) {
    return template ? template.replace("{n}", String(n)) : api + "/questions/" + n + suffix;
  }
  var questions = data.questions || [];
  var questionCount = data.question_count || questions.length || 1;

  var room = {
    state: "idle",
    status: data.status || "draft",
    question: data.current_question || 1,
    attempt: null,
    mic: null,
    pc: null,
    dc: null,
    queue: [],
    flushTimer: null,
    deadline: data.deadline ? Date.parse(data.deadline) : null,
    startedAt: data.started_at ? Date.parse(data.started_at) : null,
    mintSentAt: null,
    lastStage: "idle", // the last step of the connect path reached, kept through an error
    responding: false, // between response.created and response.done
    answerPending: false, // a typed answer waits for that response to finish
    timer: null,
    retry: null,
    muted: false,
    turnCount: 0,
    speech: {},
    turns: {},
    pending: 0, // our API requests in flight
    stopped: false,
  };
  window.vocahireRoom = room; // for debugging in the console and for browser tests

  function $(selector) { return root.querySelector(selector); }
  function role(name) { return $('[data-role="' + name + '"]'); }
  function action(name) { return $('[data-action="' + name + '"]'); }

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().slice(0, 13);
    return Math.random().toString(36).slice(2, 15);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function RoomError(reason, message, over) {
    this.reason = REASONS.indexOf(reason) >= 0 ? reason : "network";
    this.message = message || "";
    this.over = !!over; // the interview has ended (time up, or ended elsewhere): retrying cannot help
  }

  // --- HTTP to our own API -------------------------------------------------------------------
  function request(method, target, body, options) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    var init = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (options && options.keepalive) init.keepalive = true;
    room.pending += 1;
    return fetch(target, init).then(
      function (response) {
        return response.json().catch(function () { return null; }).then(function (json) {
          room.pending -= 1;
          return { ok: response.ok, status: response.status, json: json || {}, headers: response.headers };
        });
      },
      function () {
        room.pending -= 1;
        throw new RoomError("network", "We could not reach Vocahire.");
      }
    );
  }

  function quiesce() {
    // Stop talking to the server: used when the page goes away and by browser tests.
    room.stopped = true;
    clearTimeout(room.flushTimer);
    room.flushTimer = null;
    room.queue = [];
    clearInterval(room.timer);
    closePeer();
    return room.pending;
  }

  function apiError(result) {
    var code = result.json.code;
    var detail = result.json.detail;
    if (REASONS.indexOf(code) >= 0) return new RoomError(code, detail);
    if (result.status === 401) return new RoomError("session_expired", "You were signed out. Sign in again, then press Retry.");
    if (code === "interview_not_in_progress") return new RoomError("session_expired", detail, true);
    if (code === "upstream_error" || result.status === 429 || result.status >= 500) {
      return new RoomError("upstream_unavailable", detail);
    }
    return new RoomError("network", detail || "Vocahire answered with an unexpected error (" + result.status + ").");
  }

  // --- Events to /events, batched ------------------------------------------------------------
  function queueEvent(event, urgent) {
    if (room.stopped) return;
    room.queue.push(event);
    if (urgent) { flush(); return; }
    if (!room.flushTimer) room.flushTimer = setTimeout(flush, FLUSH_DELAY_MS);
  }

  function flush(options) {
    clearTimeout(room.flushTimer);
    room.flushTimer = null;
    if (!room.queue.length) return Promise.resolve();
    var batch = room.queue.splice(0, 100);
    return request("POST", url.events, { events: batch }, options).then(
      function (result) {
        // Re-sending is safe (the server dedupes by client ids); only a server fault is retried.
        if (result.status >= 500) requeue(batch);
        else if (room.queue.length) return flush(options);
      },
      function () { requeue(batch); }
    );
  }

  function requeue(batch) {
    room.queue = batch.concat(room.queue);
    if (!room.flushTimer) room.flushTimer = setTimeout(flush, FLUSH_DELAY_MS * 3);
  }

  function sinceInterviewStart() {
    return room.startedAt ? Math.max(0, Date.now() - room.startedAt) : 0;
  }

  // --- State and screen ------------------------------------------------------------------------
  function setState(state, reason) {
    room.state = state;
    if (CONNECT_STAGES.indexOf(state) >= 0 || state === "idle") room.lastStage = state;
    root.dataset.state = state;
    if (reason) root.dataset.error = reason; else delete root.dataset.error;
    var stage = role("stage");
    if (stage) stage.textContent = LABELS[state];
    var attempt = room.attempt;
    if (attempt && state !== "idle") {
      var ms = Math.round(performance.now() - attempt.t0);
      attempt.marks.push([state, ms]);
      var event = {
        type: "stage", attempt: attempt.id, question_number: attempt.question, stage: state, elapsed_ms: ms,
      };
      if (reason) event.error = reason;
      queueEvent(event);
    }
    renderProgress();
    renderControls();
  }

  function renderProgress() {
    var list = role("progress");
    if (!list) return;
    var reached = CONNECT_STAGES.indexOf(room.state);
    if (room.state === "ending" || room.state === "ended") reached = CONNECT_STAGES.length;
    // An error keeps the line where it stopped, so the stage that failed shows as failed.
    if (room.state === "error") reached = CONNECT_STAGES.indexOf(room.lastStage);
    Array.prototype.forEach.call(list.querySelectorAll("[data-stage]"), function (item) {
      var index = CONNECT_STAGES.indexOf(item.dataset.stage);
      item.classList.toggle("done", reached >= 0 && index < reached);
      item.classList.toggle("current", index === reached);
    });
  }

  function enable(name, on) {
    var element = action(name);
    if (element) element.disabled = !on;
  }

  function renderControls() {
    var state = room.state;
    var live = state === "active";
    var connecting = CONNECT_STAGES.indexOf(state) >= 0 && !live;
    enable("start", state === "idle");
    enable("end", live || connecting || state === "error");
    enable("mute", !!room.mic && state !== "ended");
    enable("send-text", live);
    enable("next-question", live && isCase);
    var typed = role("typed-answer");
    if (typed) typed.disabled = !live;
    var errorBox = role("error");
    if (errorBox) errorBox.hidden = state !== "error";
    var startButton = action("start");
    if (startButton) startButton.hidden = state !== "idle";
  }

  function showError(error) {
    var reason = error.reason || "network";
    var box = role("error");
    if (box) {
      var reference = String(interviewId).slice(0, 8) + "-" + (room.attempt ? room.attempt.id : "0");
      var fix = error.over ? "Open the interview to see your transcript and report." : FIXES[reason];
      var parts = {
        "error-problem": PROBLEMS[reason], "error-detail": error.message || "",
        "error-fix": fix, "error-reference": reference,
      };
      Object.keys(parts).forEach(function (name) {
        var part = box.querySelector('[data-role="' + name + '"]');
        if (part) part.textContent = parts[name];
      });
      if (!box.querySelector('[data-role="error-problem"]')) {
        box.textContent = PROBLEMS[reason] + " " + (error.message || "") + " " + fix;
      }
      var open = box.querySelector('[data-action="open-interview"]');
      if (open) { open.href = url.interview; open.hidden = !error.over; }
      var retry = box.querySelector('[data-action="retry"]');
      if (retry) retry.hidden = !!error.over;
      var buy = box.querySelector('[data-action="buy-credits"]');
      if (buy) {
        buy.href = url.pricing;
        buy.hidden = reason !== "insufficient_credits" && reason !== "subscription_required";
        buy.textContent = reason === "subscription_required" ? "See plans" : "Buy credits";
      }
    }
    setState("error", reason);
    if (room.state === "error") flush();
  }

  function fail(error) {
    if (!(error instanceof RoomError)) {
      console.error(error);
      error = new RoomError("network", String((error && error.message) || error));
    }
    closePeer();
    showError(error);
  }

  // --- Microphone ------------------------------------------------------------------------------
  function microphone() {
    if (room.mic && room.mic.getAudioTracks().some(function (t) { return t.readyState === "live"; })) {
      return Promise.resolve(room.mic);
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new RoomError("mic_denied", "This browser cannot record audio here (it needs HTTPS)."));
    }
    var constraints = { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } };
    return navigator.mediaDevices.getUserMedia(constraints).then(
      function (stream) {
        room.mic = stream;
        applyMute();
        meterStart(stream);
        return stream;
      },
      function (error) {
        var text = error && error.name === "NotFoundError"
          ? "No microphone was found. Plug one in."
          : "Microphone access was blocked.";
        throw new RoomError("mic_denied", text);
      }
    );
  }

  function meterStart(stream) {
    var meter = role("mic-level");
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!meter || !Context || room.meter) return;
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    room.meter = context;
    (function tick() {
      analyser.getByteTimeDomainData(samples);
      var peak = 0;
      for (var i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] - 128));
      var level = Math.min(100, Math.round((peak / 128) * 140));
      meter.value = room.muted ? 0 : level;
      meter.dataset.heard = level > 8 ? "yes" : "no";
      requestAnimationFrame(tick);
    })();
  }

  function applyMute() {
    if (!room.mic) return;
    room.mic.getAudioTracks().forEach(function (track) { track.enabled = !room.muted; });
    var button = action("mute");
    if (button) {
      button.setAttribute("aria-pressed", room.muted ? "true" : "false");
      button.textContent = room.muted ? "Unmute" : "Mute";
    }
  }

  // --- Connect: health, mint, offer, answer, data channel --------------------------------------
  function checkHealth() {
    return request("GET", url.health).then(function (result) {
      if (!result.ok) throw apiError(result);
      if (result.json.breaker === "open") {
        throw new RoomError("upstream_unavailable", "The interviewer service is recovering from errors. No credits were used.");
      }
    });
  }

  function caseStarted() {
    // A case interview is started (subscription checked) before its first question's call; a
    // job interview is started (and charged) by its first call.
    if (!isCase || room.status === "in_progress") return Promise.resolve();
    return request("POST", url.start, {}).then(function (result) {
      if (!result.ok) throw apiError(result);
      room.status = result.json.status || "in_progress";
      noteStart(result.json);
    });
  }

  function noteStart(json) {
    if (json.started_at && !room.startedAt) room.startedAt = Date.parse(json.started_at);
    if (json.deadline && !room.deadline) room.deadline = Date.parse(json.deadline);
  }

  function preparePeer(stream) {
    var pc = new RTCPeerConnection();
    var dc = pc.createDataChannel("oai-events");
    var sessionCreated = {};
    sessionCreated.promise = new Promise(function (resolve) { sessionCreated.resolve = resolve; });
    dc.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "session.created") sessionCreated.resolve(event);
      if (pc === room.pc) onServerEvent(event);
    });
    stream.getAudioTracks().forEach(function (track) { pc.addTrack(track, stream); });
    pc.addEventListener("track", function (event) {
      var audio = role("remote-audio");
      var remote = event.streams[0] || new MediaStream([event.track]);
      if (audio) audio.srcObject = remote;
      // For static/js/recorder.js (opt-in recording): both sides, and where they start on the
      // transcript's clock.
      document.dispatchEvent(new CustomEvent("vocahire:streams", {
        detail: { local: stream, remote: remote, offsetMs: sinceInterviewStart(), question: room.question },
      }));
    });
    return pc.createOffer()
      .then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { return gathered(pc); })
      .then(function () { return { pc: pc, dc: dc, sessionCreated: sessionCreated.promise }; });
  }

  function gathered(pc) {
    // Host candidates gather in milliseconds; the cap keeps a slow STUN from holding up Start.
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      var timer = setTimeout(resolve, 800);
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }

  function postOffer(sdp) {
    // Our own API creates the call upstream with the server's key: no key reaches this page.
    room.pending += 1;
    room.mintSentAt = Date.now(); // a job interview starts as the server receives this
    return fetch(url.calls(room.question), {
      method: "POST",
      headers: { "Content-Type": "application/sdp", "X-CSRFToken": csrfToken(), Accept: "application/sdp" },
      credentials: "same-origin",
      body: sdp,
    }).then(
      function (response) {
        return response.text().then(function (text) {
          room.pending -= 1;
          if (!response.ok) {
            var json = {};
            try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
            throw apiError({ ok: false, status: response.status, json: json });
          }
          return { sdp: text, callUrl: response.headers.get("Location") || "" };
        });
      },
      function () {
        room.pending -= 1;
        throw new RoomError("network", "The call to the interviewer did not go through.");
      }
    );
  }

  function whenOpen(pc, dc) {
    return new Promise(function (resolve, reject) {
      if (dc.readyState === "open") { resolve(); return; }
      var timer = setTimeout(function () {
        reject(new RoomError("ice_failed", "The audio link did not open within " + WAIT_CONNECT_MS / 1000 + " seconds."));
      }, WAIT_CONNECT_MS);
      dc.addEventListener("open", function () { clearTimeout(timer); resolve(); });
      pc.addEventListener("connectionstatechange", function () {
        if (pc.connectionState === "failed") {
          clearTimeout(timer);
          reject(new RoomError("ice_failed", "The audio link failed to connect."));
        }
      });
    });
  }

  function withTimeout(promise, ms, error) {
    return Promise.race([
      promise,
      new Promise(function (resolve, reject) { setTimeout(function () { reject(error); }, ms); }),
    ]);
  }

  function connect() {
    var attempt = { id: randomId(), t0: performance.now(), question: room.question, marks: [] };
    room.attempt = attempt;
    room.retry = connect;
    room.heard = false;
    var current = function () { return room.attempt === attempt; };
    setState("requesting_mic");
    // The microphone prompt and the health check run side by side: neither moves money.
    var health = checkHealth();
    health.catch(function () { /* reported below, in order */ });
    var peer = null;
    var prepared = null;
    return microphone()
      .then(function (stream) {
        peer = preparePeer(stream); // the offer is built while the service is checked
        peer.catch(function () { /* reported below */ });
        setState("testing_api");
        return health;
      })
      .then(function () {
        // fetching_token is now the calls request (it carries the offer); exchanging_sdp its answer.
        setState("fetching_token");
        return caseStarted().then(function () { return peer; });
      })
      .then(function (ready) {
        prepared = ready;
        room.pc = prepared.pc;
        room.dc = prepared.dc;
        return postOffer(prepared.pc.localDescription.sdp);
      })
      .then(function (answer) {
        noteMint();
        room.callUrl = answer.callUrl;
        setState("creating_offer");
        setState("exchanging_sdp");
        return prepared.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp }).catch(function (error) {
          throw new RoomError("sdp_failed", "The answer could not be applied: " + error.message);
        });
      })
      .then(function () {
        setState("connecting_webrtc");
        return whenOpen(prepared.pc, prepared.dc);
      })
      .then(function () {
        setState("data_channel_open");
        watchPeer(prepared.pc, prepared.dc);
        return withTimeout(prepared.sessionCreated, WAIT_SESSION_MS,
          new RoomError("upstream_unavailable", "The interviewer did not answer."));
      })
      .then(function () {
        if (!current()) return;
        setState("active");
        greetingFallback(room.pc);
        startTimer();
        flush();
        refreshCredits();
      })
      .catch(function (error) {
        if (!current()) return;
        if (peer && !room.pc) peer.then(function (prepared) { prepared.pc.close(); }, function () {});
        fail(error);
      });
  }

  function refreshCredits() {
    // The page showed the balance before the start charged it; show the new one once live.
    var badge = document.querySelector('[data-role="credits"]');
    if (!badge || !badge.firstChild || isCase) return;
    request("GET", "/api/v1/me").then(function (result) {
      var credits = result.json.credits;
      if (!result.ok || typeof credits !== "number") return;
      var text = credits + " credit" + (credits === 1 ? "" : "s");
      badge.firstChild.nodeValue = badge.firstChild.nodeValue.replace(/^\s*\d+ credits?/, text);
    }, function () { /* the badge is a convenience */ });
  }

  function greetingFallback(pc) {
    // The supervisor starts the conversation once its sideband listens, so no turn goes
    // unrecorded. If it is late, the room asks itself rather than leave the candidate waiting.
    setTimeout(function () {
      if (pc === room.pc && room.state === "active" && !room.heard) askForResponse();
    }, WAIT_GREETING_MS);
  }

  function noteMint() {
    room.status = "in_progress";
    // The mint's answer has no started_at; its send time is within a round trip of it, where the
    // arrival time would be late by the whole upstream call.
    if (!room.startedAt) room.startedAt = room.mintSentAt || Date.now();
    if (!room.deadline) room.deadline = room.startedAt + (data.time_limit_minutes || 30) * 60000;
  }

  function watchPeer(pc, dc) {
    var lost = function () {
      if (pc !== room.pc || room.state !== "active") return;
      if (room.deadline && Date.now() >= room.deadline) { end("time_limit"); return; }
      fail(new RoomError("session_expired", "The connection to the interviewer was lost."));
    };
    dc.addEventListener("close", lost);
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "failed" || pc.connectionState === "closed") lost();
    });
  }

  function closePeer() {
    var pc = room.pc;
    room.pc = null;
    room.dc = null;
    room.responding = false;
    room.answerPending = false;
    speaking("none");
    if (pc) { try { pc.close(); } catch (e) { /* already closed */ } }
  }

  // --- The live conversation ---------------------------------------------------------------------
  function onServerEvent(event) {
    switch (event.type) {
      case "response.created":
        room.responding = true;
        room.heard = true;
        break;
      case "response.done":
        room.responding = false;
        responseTrouble(event.response || {});
        if (room.answerPending) {
          room.answerPending = false;
          askForResponse();
        }
        break;
      case "response.output_audio_transcript.delta":
        interviewerText(event.item_id, event.delta, false);
        break;
      case "response.output_audio_transcript.done":
        interviewerText(event.item_id, event.transcript, true);
        break;
      case "output_audio_buffer.started":
        speaking("interviewer");
        break;
      case "output_audio_buffer.stopped":
        speaking("none");
        break;
      case "input_audio_buffer.speech_started":
        room.speech[event.item_id] = { start: sinceInterviewStart() };
        speaking("candidate");
        break;
      case "input_audio_buffer.speech_stopped":
        if (room.speech[event.item_id]) room.speech[event.item_id].end = sinceInterviewStart();
        speaking("none");
        break;
      case "conversation.item.input_audio_transcription.completed":
        candidateSpeech(event);
        break;
      case "conversation.item.input_audio_transcription.failed":
        notice("We could not make out what you just said. Please say it again, or type it below.");
        break;
      case "error":
        upstreamError(event.error || {});
        break;
      default:
        break;
    }
  }

  // Errors the room causes and recovers from by itself; anything else is told to the candidate.
  var QUIET_ERRORS = ["conversation_already_has_active_response", "response_cancel_not_active"];

  function upstreamError(error) {
    if (QUIET_ERRORS.indexOf(error.code) >= 0) return;
    notice("The interviewer ran into a problem" + (error.message ? " (" + error.message + ")" : "") +
      ". Keep going: say your answer again or type it below. If it keeps happening, end and reconnect for free.");
  }

  function responseTrouble(response) {
    if (response.status === "failed") {
      notice("The interviewer's reply failed. Say your answer again or type it below, and it will answer.");
    } else if (response.status === "incomplete") {
      notice("The interviewer's reply was cut short. Ask it to go on, or continue with your answer.");
    }
  }

  function notice(text) {
    var box = role("notice");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(room.noticeTimer);
    room.noticeTimer = setTimeout(function () { box.hidden = true; box.textContent = ""; }, 12000);
  }

  function speaking(who) {
    root.dataset.speaking = who;
    var indicator = role("speaking");
    if (indicator) {
      indicator.textContent = who === "interviewer" ? "Interviewer is speaking"
        : who === "candidate" ? "You are speaking" : "";
    }
  }

  function turnElement(key, speaker) {
    var existing = room.turns[key];
    if (existing) return existing;
    var transcript = role("transcript");
    var item = document.createElement("li");
    item.className = "turn turn-" + speaker;
    item.dataset.speaker = speaker;
    item.dataset.question = String(room.question);
    var who = document.createElement("strong");
    who.textContent = speaker === "interviewer" ? "Interviewer" : "You";
    var text = document.createElement("span");
    text.className = "turn-text";
    item.appendChild(who);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(text);
    if (transcript) { transcript.appendChild(item); transcript.scrollTop = transcript.scrollHeight; }
    existing = { element: item, text: text, value: "", start: sinceInterviewStart(), startedAt: Date.now() };
    room.turns[key] = existing;
    return existing;
  }

  function interviewerText(itemId, text, done) {
    var key = room.attempt.id + "-ai-" + (itemId || room.turnCount);
    var turn = turnElement(key, "interviewer");
    turn.value = done ? (text || turn.value) : turn.value + (text || "");
    turn.text.textContent = turn.value;
    if (done) turn.element.dataset.final = "true";
  }

  function candidateSpeech(event) {
    // Shown live; the server records the transcript itself from upstream's events.
    var turn = turnElement(room.attempt.id + "-you-" + event.item_id, "candidate");
    turn.value = event.transcript || "";
    turn.text.textContent = turn.value;
    turn.element.dataset.final = "true";
  }

  function askForResponse() {
    if (room.dc && room.dc.readyState === "open") room.dc.send(JSON.stringify({ type: "response.create" }));
  }

  function sendText(event) {
    if (event) event.preventDefault();
    var input = role("typed-answer");
    var text = input ? input.value.trim() : "";
    if (!text || room.state !== "active" || !room.dc || room.dc.readyState !== "open") return;
    room.dc.send(JSON.stringify({
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "input_text", text: text }] },
    }));
    // Upstream refuses a response.create while a response is under way (and does not queue it).
    if (room.responding) room.answerPending = true; else askForResponse();
    room.turnCount += 1;
    var turn = turnElement(room.attempt.id + "-typed-" + room.turnCount, "candidate");
    turn.value = text;
    turn.text.textContent = text;
    turn.element.dataset.final = "true";
    turn.element.dataset.source = "typed";
    input.value = "";
    input.focus();
  }

  // --- Timer, questions, end ------------------------------------------------------------------------
  function startTimer() {
    if (room.timer) return;
    var tick = function () {
      var left = Math.max(0, (room.deadline || Date.now()) - Date.now());
      var seconds = Math.floor(left / 1000);
      var timer = role("timer");
      if (timer) {
        timer.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
        timer.dataset.low = seconds < 120 ? "true" : "false";
      }
      if (left <= 0 && room.state === "active") end("time_limit");
    };
    tick();
    room.timer = setInterval(tick, 1000);
  }

  function renderQuestion() {
    var number = role("question-number");
    if (number) number.textContent = String(room.question);
    var progress = role("question-progress");
    if (progress) progress.textContent = "Question " + room.question + " of " + questionCount;
    var text = role("question-text");
    var question = questions.filter(function (q) { return Number(q.number) === room.question; })[0];
    if (text && question) text.textContent = question.prompt || question.text || "";
    var next = action("next-question");
    if (next) next.textContent = room.question >= questionCount ? "Finish the case" : "Next question";
    document.dispatchEvent(new CustomEvent("vocahire:question-opened", { detail: { number: room.question } }));
  }

  function nextQuestion() {
    // From the error state this is the Retry of a completion that did not reach the server.
    if (room.state !== "active" && !(room.state === "error" && room.retry === nextQuestion)) return;
    var number = room.question;
    enable("next-question", false);
    room.retry = nextQuestion;
    flush().then(function () {
      return request("POST", url.complete(number), {});
    }).then(function (result) {
      if (!result.ok && result.json.code !== "future_question") throw apiError(result);
      closePeer();
      if (result.json.status === "completed" || number >= questionCount) {
        finish();
        return;
      }
      room.question = result.json.current_question || number + 1;
      renderQuestion();
      return connect();
    }).catch(fail);
  }

  function end(reason) {
    if (room.state === "ending" || room.state === "ended") return;
    room.retry = function () { end(reason); };
    if (!room.attempt) room.attempt = { id: randomId(), t0: performance.now(), question: room.question, marks: [] };
    setState("ending");
    clearInterval(room.timer);
    room.timer = null;
    flush().then(function () {
      // The server hangs the call up itself; the peer closes after, so the end is recorded as ours.
      return request("POST", url.end, { reason: reason || "ended_by_candidate" });
    }).then(function (result) {
      // Already finished (expired, or the last question completed) is fine: the report awaits.
      if (!result.ok && result.status !== 400 && result.status !== 409) throw apiError(result);
      finish();
    }).catch(fail);
  }

  function finish() {
    closePeer();
    setState("ended");
    // Listeners (the recorder's last upload) may hold the page for a few seconds at most.
    var holds = [flush({ keepalive: true })];
    document.dispatchEvent(new CustomEvent("vocahire:ended", {
      detail: { waitUntil: function (promise) { holds.push(promise); } },
    }));
    var cap = new Promise(function (resolve) { setTimeout(resolve, ENDED_WAIT_MS); });
    Promise.race([Promise.all(holds.map(function (h) { return h.catch(function () {}); })), cap])
      .then(function () { window.location.assign(url.interview); });
  }

  // --- Wiring -------------------------------------------------------------------------------------
  function on(name, handler) {
    var element = action(name);
    if (element) element.addEventListener("click", handler);
  }

  on("start", function () { connect(); });
  on("retry", function () { if (room.retry) room.retry(); else connect(); });
  on("end", function () { end("ended_by_candidate"); });
  on("next-question", nextQuestion);
  on("send-text", sendText);
  on("mute", function () { room.muted = !room.muted; applyMute(); });
  function micCheck() {
    // Retry after a refused check repeats the check only: it must never start (charge) anything.
    room.retry = micCheck;
    microphone().then(function () {
      var hint = role("mic-hint");
      if (hint) hint.textContent = "Speak: the bar should move. Use headphones so the interviewer does not hear itself.";
      if (room.state === "error") setState("idle");
      renderControls();
    }, function (error) { fail(error); });
  }
  on("mic-check", micCheck);
  var form = role("typed-form") || (role("typed-answer") && role("typed-answer").form);
  if (form) form.addEventListener("submit", sendText);
  var typedBox = role("typed-answer");
  if (typedBox) {
    typedBox.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) sendText(event);
    });
  }
  window.addEventListener("pagehide", function () { flush({ keepalive: true }); });
  room.quiesce = quiesce;

  renderQuestion();
  if (room.status === "completed" || room.status === "abandoned" || room.status === "failed") {
    setState("ended");
  } else {
    setState("idle");
  }
})();
