"""The local realtime engine: OpenAI's Realtime GA surface over real HTTP and real WebRTC, offline.

It mints `ek_` client secrets, answers SDP offers with aiortc, and runs a scripted interviewer on
the `oai-events` data channel and the audio track, so the browser room and the minting code run
unchanged against it and against OpenAI. It never touches the database: the caller passes the
server key (the web app's own OPENAI_API_KEY), so it runs as its own process or test thread.

Modules: `protocol` (wire format and validation), `script` (what the interviewer says), `audio`
(voice and speech detection), `conversation` (one call's events), `server` (HTTP), `runner` (running it); `specs` checks bodies.
"""

from __future__ import annotations

from .protocol import EngineConfig
from .runner import EngineThread, config_build, engine_run, engine_serve
from .server import DEFAULT_HOST, DEFAULT_PORT, Engine

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Engine",
    "EngineConfig",
    "EngineThread",
    "config_build",
    "engine_run",
    "engine_serve",
]
