"""The local engine in the interview's language (DESIGN section 11): its lines and espeak-ng voice
per language, the language read from the session, and a transcription that never pretends (an
English-only model given Spanish speech says so instead of inventing English words)."""

from __future__ import annotations

import asyncio
import shutil
import string
import subprocess

import httpx
import pytest

from interviews.instructions import case_instructions, job_instructions
from realtime.engine import audio, engine_run, stt
from realtime.engine.case_script import CaseScript
from realtime.engine.conversation import Interviewer
from realtime.engine.lines import lines_for, session_language, supported
from realtime.engine.script import answer_gaps, interview_script, is_answer
from tests.realtime import test_engine_call as engine_call_tests
from tests.realtime.test_engine_call import KEY, Candidate, interviewer_turn
from tests.realtime.test_engine_stt import SpeakingMicrophone, mint
from tests.speech import espeak_wav
from vocahire.lib import languages

SPANISH_ANSWER = (
    "En mi último trabajo dirigí a cinco ingenieros y rehicimos la página de pago en tres meses."
)
FULL_SPANISH_ANSWER = (
    "Dirigí a cinco ingenieros durante tres meses y al final reducimos el tiempo de carga a la "
    "mitad, lo que mejoró las ventas un diez por ciento."
)
CASE_SNAPSHOT = {
    "title": "Coffee chain growth",
    "case_type": "market_sizing",
    "lead_type": "interviewer_led",
    "difficulty": "medium",
    "industry": "Retail",
    "brief": "Our client sells coffee in Berlin.",
    "questions": [
        {
            "number": 1,
            "prompt": "How many cups are sold in Berlin each day?",
            "evaluator_context": "Population times share.",
            "hints": ["Start from the population."],
            "interviewer_data": "Berlin has 3.7 million people.",
        },
        {"number": 2, "prompt": "What would you recommend?", "evaluator_context": "A clear call."},
    ],
}


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def whisper() -> stt.Transcriber:
    """The packaged English-only model (tiny.en), loaded."""
    transcriber = stt.transcriber()
    assert transcriber.preload(), f"the packaged model did not load: {transcriber.failure}"
    return transcriber


def _job(language: str) -> str:
    return job_instructions(
        job_title="Data analyst",
        job_description="",
        resume_text="",
        time_limit_minutes=20,
        question_count=3,
        language=language,
    )


def _session(language: str, instructions: str = "") -> dict:
    return {
        "instructions": instructions or _job(language),
        "audio": {
            "input": {"transcription": {"model": "gpt-live-transcribe", "languages": [language]}}
        },
    }


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- Lines and voices ---------------------------------------------------------------------------


def test_every_interview_language_has_its_own_lines():
    assert set(supported()) == set(languages.LANGUAGES)
    english = lines_for("en")
    for code in languages.LANGUAGES:
        lines = lines_for(code)
        assert lines.language == code and lines.name == languages.LANGUAGES[code]
        assert len(lines.job_questions) == len(english.job_questions) == 12
        assert set(lines.probes) == set(english.probes)
        assert set(lines.case_probes) == set(english.case_probes)
        if code != "en":  # written for the language, not English left in place
            assert not set(lines.job_questions) & set(english.job_questions)
            assert lines.job_greeting != english.job_greeting
            assert lines.listening != english.listening
            assert lines.case_question_lead != english.case_question_lead


@pytest.mark.parametrize("code", list(languages.LANGUAGES))
def test_each_languages_templates_take_the_same_placeholders_as_english(code):
    lines, english = lines_for(code), lines_for("en")
    for name in ("job_greeting", "role_named", "case_question", "case_brief_lead", "hint"):
        assert _placeholders(getattr(lines, name)) == _placeholders(getattr(english, name)), name
    for question in lines.job_questions:
        assert _placeholders(question) <= {"role"}, question
    # The brief is read before question 1 by replacing the question's lead.
    assert lines.case_question.startswith(lines.case_question_lead)


def test_each_language_has_an_installed_espeak_voice():
    espeak = shutil.which("espeak-ng")
    if not espeak:
        pytest.skip("espeak-ng is not installed")
    listed = subprocess.run([espeak, "--voices"], capture_output=True, text=True, check=True)
    voices = {line.split()[1] for line in listed.stdout.splitlines()[1:] if line.split()}
    expected = {
        "en": "en-us",
        "es": "es",
        "fr": "fr-fr",
        "de": "de",
        "pt": "pt-br",
        "it": "it",
        "nl": "nl",
    }
    assert {code: lines_for(code).voice for code in languages.LANGUAGES} == expected
    assert set(expected.values()) <= voices


def test_the_line_is_spoken_in_the_languages_voice(monkeypatch):
    seen: list[tuple] = []

    async def fake_exec(*command, **kwargs):
        seen.append(command)
        raise OSError("no speaker in this test")

    monkeypatch.setattr(audio.shutil, "which", lambda name: "/usr/bin/espeak-ng")
    monkeypatch.setattr(audio.asyncio, "create_subprocess_exec", fake_exec)

    asyncio.run(audio.speech_synthesize("Hola.", voice="es"))

    assert seen[0][:3] == ("/usr/bin/espeak-ng", "-v", "es")


@pytest.mark.parametrize("code", list(languages.LANGUAGES))
def test_a_session_speaks_its_transcription_language(code):
    conversation = Interviewer(session=_session(code), call_id="rtc_test")

    assert conversation.language.language == code
    assert conversation.language.voice == lines_for(code).voice
    first = conversation.script.next_line(None)
    assert first == lines_for(code).job_greeting.format(
        role=lines_for(code).role_named.format(title="Data analyst"),
        question=lines_for(code)
        .job_questions[0]
        .format(role=lines_for(code).role_named.format(title="Data analyst")),
    )


def test_the_session_language_comes_from_the_transcription_else_the_instructions():
    older = {"audio": {"input": {"transcription": {"model": "whisper-1", "language": "FR"}}}}
    unheard = {"instructions": _job("de"), "audio": {"input": {"transcription": None}}}

    assert session_language(older) == "fr"
    assert session_language(_session("nl")) == "nl"
    assert session_language(unheard) == "de"
    assert session_language({"instructions": "Be brief."}) == "en"
    assert lines_for("xx").language == "en"


# --- The scripted interviewer, per language ----------------------------------------------------


def test_the_spanish_job_script_greets_asks_probes_and_closes_in_spanish():
    script = interview_script(_job("es"), "es")

    greeting = script.next_line(None)
    second = script.next_line("Sí.")  # the opener gets no follow-up
    probe = script.next_line("No sé.")

    assert greeting.startswith(
        "Hola, gracias por su tiempo. Hoy seré su entrevistador para el puesto de Data analyst."
    )
    assert greeting.endswith("¿Por qué le interesa el puesto de Data analyst?")
    assert second.startswith("Gracias. Cuénteme un proyecto del que se sienta orgulloso")
    assert probe == "¿Podría darme un ejemplo concreto? Cuénteme una situación de principio a fin."
    third = script.next_line(FULL_SPANISH_ANSWER)
    assert third.startswith("Gracias, eso me sirve. Hábleme de una ocasión")
    assert script.next_line(FULL_SPANISH_ANSWER).startswith(
        "Muchas gracias, esa era mi última pregunta."
    )


@pytest.mark.parametrize(
    ("code", "answer", "gaps"),
    [
        ("es", SPANISH_ANSWER, ["result"]),
        ("es", FULL_SPANISH_ANSWER, []),
        (
            "es",
            "Lideré el proyecto y logramos reducir los costes un veinte por ciento.",
            ["example"],
        ),
        (
            "es",
            "El equipo trabajó mucho en el proyecto durante el año pasado con clientes.",
            ["example", "personal", "quantify", "result"],
        ),
        (
            "fr",
            "J'ai dirigé cinq ingénieurs et nous avons réduit les coûts de moitié.",
            ["example"],
        ),
        (
            "de",
            "Ich habe fünf Entwickler geführt und wir haben die Kosten um zehn Prozent gesenkt.",
            ["example"],
        ),
        (
            "pt",
            "Eu liderei cinco engenheiros e conseguimos reduzir os custos pela metade.",
            ["example"],
        ),
        (
            "it",
            "Ho guidato cinque ingegneri e abbiamo ridotto i costi del venti percento.",
            ["example"],
        ),
        (
            "nl",
            "Ik heb vijf ontwikkelaars aangestuurd en we hebben de kosten met tien procent verlaagd.",
            ["example"],
        ),
    ],
)
def test_the_script_listens_in_the_language(code, answer, gaps):
    assert answer_gaps(answer, lines_for(code)) == gaps


def test_fillers_alone_are_no_answer_in_the_language():
    assert not is_answer("Eh... pues, mm.", lines_for("es"))
    assert not is_answer("Ähm, äh.", lines_for("de"))
    assert is_answer("Pues sí, lo hice yo.", lines_for("es"))


@pytest.mark.parametrize("code", ["es", "fr", "de", "pt", "it", "nl"])
def test_a_case_question_is_presented_in_the_language_with_the_same_case(code):
    instructions = case_instructions(case_snapshot=CASE_SNAPSHOT, question_number=1, language=code)
    lines = lines_for(code)
    script = interview_script(instructions, code)
    case = CaseScript.from_instructions(instructions, code)

    first, _ = case.line(heard=None, first=True, scripted=lambda: script.next_line(None))

    assert first.startswith(lines.case_first)
    assert lines.case_brief_lead.format(brief="Our client sells coffee in Berlin.") in first
    assert first.endswith(" 1 " + first.split(" 1 ", 1)[1])  # question 1 of 2, in the language
    assert first.endswith("How many cups are sold in Berlin each day?")
    assert "Here is" not in first and "question" not in first.lower().replace("question 1", "")


def test_the_spanish_case_gives_hints_and_facts_in_spanish():
    instructions = case_instructions(case_snapshot=CASE_SNAPSHOT, question_number=1, language="es")
    case = CaseScript.from_instructions(instructions, "es")

    assert case.reply("¿Me da una pista?") == "Le doy una pista: Start from the population."
    assert (
        case.reply("¿Me da otra pista?")
        == "Esa era mi última pista. Dígame cómo seguiría a partir de aquí."
    )
    assert (
        case.reply("¿Cuántas personas viven en Berlin?")
        == "Buena pregunta. Berlin has 3.7 million people."
    )
    assert (
        case.reply("¿Qué margen tiene el café?")
        == "No tengo datos sobre eso. ¿Qué supondría usted, y por qué?"
    )


def test_later_case_questions_close_in_the_language():
    instructions = case_instructions(case_snapshot=CASE_SNAPSHOT, question_number=2, language="fr")
    script = interview_script(instructions, "fr")

    assert (
        script.next_line(None) == "Reprenons. Voici la question 2 sur 2. What would you recommend?"
    )
    assert script.closing.startswith("Merci, nous avons fait le tour de cette question.")


# --- A transcription that never pretends --------------------------------------------------------


def test_the_packaged_model_says_it_hears_english_only(whisper):
    assert whisper.languages_heard().startswith("English only")


def test_the_whisper_prompt_is_in_the_language():
    assert stt.filler_prompt("es") == lines_for("es").filler_prompt
    assert stt.filler_prompt(None) == stt.FILLER_PROMPT == lines_for("en").filler_prompt


class _MultilingualModel:
    """faster-whisper's WhisperModel at its boundary: what `transcribe` was asked for."""

    class model:  # noqa: N801 - the attribute faster-whisper exposes
        is_multilingual = True

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def transcribe(self, audio, **options):
        self.calls.append(options)
        segment = type(
            "Segment",
            (),
            {
                "text": " Hola, dirigí a cinco ingenieros.",
                "no_speech_prob": 0.1,
                "avg_logprob": -0.2,
            },
        )
        return iter([segment]), None


def test_a_multilingual_model_dir_is_checked_and_told_the_language(tmp_path, settings):
    # No pinned package ships a multilingual model: the directory check runs on a copy of the
    # packaged files, and faster-whisper itself is stood in for at its call.
    packaged = stt.model_source("").path
    for name in stt.REQUIRED_FILES:
        (tmp_path / name).symlink_to(packaged / name)
    settings.LOCAL_STT_MODEL_DIR = str(tmp_path)
    source = stt.model_source()
    stt.model_verify(source)
    transcriber = stt.Transcriber()
    transcriber.model = _MultilingualModel()

    text = transcriber.transcribe(b"\0\0" * 16000, language="es")

    assert source.path == tmp_path and source.sha256 is None
    assert text == "Hola, dirigí a cinco ingenieros."
    options = transcriber.model.calls[0]
    assert options["language"] == "es"
    assert options["initial_prompt"].startswith(lines_for("es").filler_prompt)


def test_an_english_only_model_given_a_spanish_interview_reports_untranscribed_speech(
    engine,
    whisper,
    tmp_path,
    monkeypatch,
):
    pcm = audio.wav_to_pcm48k(
        espeak_wav(
            SPANISH_ANSWER, tmp_path / "es.wav", words_per_minute=160, voice="es"
        ).read_bytes()
    )
    monkeypatch.setattr(engine_call_tests, "WAIT", 25.0)
    monkeypatch.setattr(engine_call_tests, "HTTP", httpx.Client(timeout=10))
    minted = mint(
        engine,
        transcription={"model": "gpt-live-transcribe", "languages": ["es"]},
        turn_detection={"type": "server_vad", "silence_duration_ms": 600},
    )
    microphone = SpeakingMicrophone(pcm)

    async def conversation():
        candidate = Candidate(microphone)
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.ask_first()
            greeting, _ = await interviewer_turn(candidate)
            microphone.speak()
            completed = await candidate.next(
                "conversation.item.input_audio_transcription.completed"
            )
            next_line, _ = await interviewer_turn(candidate)
            return greeting, completed, next_line
        finally:
            await candidate.close()

    greeting, completed, next_line = asyncio.run(conversation())

    assert greeting.startswith("Hola, gracias por su tiempo.")
    transcript = completed["transcript"]
    assert transcript.startswith("[untranscribed speech, ")
    assert "does not know this language" in transcript
    # Not a single word of it was made up: no English (nor Spanish) words beyond the placeholder.
    assert "engineer" not in transcript.lower() and "cinco" not in transcript.lower()
    # Unheard speech is not probed: the interviewer moves on, in Spanish.
    assert next_line.startswith("Gracias, eso me sirve.") or next_line.startswith("Gracias.")


def test_a_reconnected_spanish_interview_welcomes_back_in_spanish():
    from realtime.resume import resume_block

    instructions = _job("es")
    script = interview_script(instructions, "es")
    opening = script.next_line(None)
    second = script.next_line(FULL_SPANISH_ANSWER)
    history = [
        ("interviewer", opening),
        ("candidate", FULL_SPANISH_ANSWER),
        ("interviewer", second),
    ]

    resumed = interview_script(f"{instructions}\n\n{resume_block(history)}", "es")
    line = resumed.next_line(None)

    assert line.startswith("Ya estamos de nuevo, sigamos.")
    assert "Cuénteme un proyecto del que se sienta orgulloso" in line
    assert "Hola" not in line and "Welcome back" not in line
    assert resumed.next_line(FULL_SPANISH_ANSWER).startswith("Gracias, eso me sirve. Hábleme")
