"""The report in the interview's language (DESIGN section 11): the feedback request asks for the
feedback in it, and the measured analytics count its filler words and find its sentence
patterns. Fixed transcripts; the Responses API mocked at the HTTP layer."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from interviews import feedback
from interviews.feedback.analytics import FILLERS, Turn, analytics_compute, fillers_count
from interviews.models import Feedback, Interview
from interviews.report_signals import signals_measure
from tests.factories import api_as, finished_job_interview
from vocahire.lib import languages, openai_gateway
from vocahire.lib.breaker import breaker_reset

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "openai"
RESPONSES_URL = "https://api.openai.com/v1/responses"

# One transcript per language, each with three fillers of that language (and none of English's).
FILLER_TRANSCRIPTS = {
    "en": ("Um, I think, you know, we basically shipped it.", 3),
    "es": ("Eh, creo que, o sea, lo lanzamos, digamos, en marzo.", 3),
    "fr": ("Euh, je pense que, en fait, on l'a lancé, du coup, en mars.", 3),
    "de": ("Äh, ich glaube, wir haben es sozusagen, ich meine, im März gestartet.", 3),
    "pt": ("Hã, eu acho que, tipo assim, a gente lançou, né, em março.", 3),
    "it": ("Ehm, penso che, cioè, l'abbiamo lanciato, diciamo, a marzo.", 3),
    "nl": ("Eh, ik denk dat we het, zeg maar, eigenlijk in maart hebben gelanceerd.", 3),
}
# A STAR answer in each language: situation, task, action, result, with a figure and its meaning.
STAR_ANSWERS = {
    "es": "En mi anterior trabajo las ventas caían. Mi objetivo era recuperarlas. Lideré un "
    "equipo de cinco personas y rediseñamos la web. Como resultado, aumentamos las ventas un 20%, "
    "lo que significa que cumplimos el objetivo del año.",
    "fr": "Dans mon ancien poste, les ventes baissaient. Mon objectif était de les relancer. "
    "J'ai dirigé une équipe de cinq personnes. Au final, nous avons augmenté les ventes de 20%, "
    "ce qui signifie que nous avons atteint l'objectif.",
    "de": "In meiner letzten Stelle sanken die Umsätze. Mein Ziel war es, sie zu steigern. Ich "
    "habe ein Team von fünf Leuten geleitet. Am Ende haben wir den Umsatz um 20% erhöht, das "
    "heißt, wir haben das Jahresziel erreicht.",
    "pt": "No meu antigo emprego as vendas caíam. Meu objetivo era recuperá-las. Liderei uma "
    "equipe de cinco pessoas. Como resultado, aumentamos as vendas em 20%, o que significa que "
    "batemos a meta.",
    "it": "Nel mio precedente lavoro le vendite calavano. Il mio obiettivo era farle ripartire. "
    "Ho guidato un team di cinque persone. Alla fine abbiamo aumentato le vendite del 20%, il che "
    "significa che abbiamo raggiunto l'obiettivo.",
    "nl": "In mijn vorige baan daalde de omzet. Mijn doel was om die te laten groeien. Ik heb "
    "een team van vijf mensen geleid. Uiteindelijk hebben we de omzet met 20% verhoogd, wat "
    "betekent dat we het doel hebben gehaald.",
}
WANTED = {"star_situation", "star_task", "star_action", "star_result", "quantified_result"}


def test_every_language_has_its_fillers():
    assert set(FILLERS) == set(languages.LANGUAGES) == set(FILLER_TRANSCRIPTS)


@pytest.mark.parametrize("language", list(FILLER_TRANSCRIPTS))
def test_fillers_are_counted_with_the_languages_own_list(language):
    text, expected = FILLER_TRANSCRIPTS[language]

    assert fillers_count(text, language) == expected
    if language != "en":
        assert fillers_count(text, "en") == 0  # English's list hears none of them


def test_a_phrase_filler_counts_once_and_ambiguous_words_do_not_count():
    assert fillers_count("La verdad es que este proyecto fue bueno.", "es") == 1
    assert fillers_count("Also haben wir es gemacht.", "de") == 0


def test_analytics_count_the_interviews_languages_fillers_and_words():
    text, _ = FILLER_TRANSCRIPTS["es"]
    turns = [
        Turn(1, "interviewer", "Hábleme de usted.", 0, 2000),
        Turn(1, "candidate", text, 3000, 6000),
    ]

    spanish = analytics_compute(kind="job", case_snapshot={}, turns=turns, language="es")
    english = analytics_compute(kind="job", case_snapshot={}, turns=turns)

    assert spanish["overall"]["fillers"] == 3 and english["overall"]["fillers"] == 0
    assert spanish["overall"]["fillers_per_minute"] == 30.0
    # "marzo", "lanzamos" and the rest are one word each, accents and all.
    assert spanish["overall"]["words"] == len(text.split())


@pytest.mark.parametrize("language", list(STAR_ANSWERS))
def test_the_structure_signals_use_the_languages_sentence_patterns(language):
    found = {
        s["name"]: s for s in signals_measure(answer=STAR_ANSWERS[language], language=language)
    }

    assert {name for name in WANTED if found[name]["present"]} == WANTED, language
    assert not found["hedging"]["present"]
    assert not found["number_without_implication"]["present"]
    assert found["star_situation"]["evidence"] == STAR_ANSWERS[language].split(".")[0] + "."
    # English's patterns find none of it: the report would wrongly say "not found".
    english = {s["name"]: s["present"] for s in signals_measure(answer=STAR_ANSWERS[language])}
    assert not any(english[name] for name in WANTED - {"quantified_result"})


def test_hedging_in_spanish_is_found():
    found = {s["name"]: s for s in signals_measure(answer="Quizás funcionó. No sé.", language="es")}

    assert found["hedging"] == {"name": "hedging", "present": True, "evidence": "Quizás funcionó."}


def test_the_feedback_request_asks_for_feedback_in_the_language():
    spanish = feedback.assessment_instructions(kind="job", language="es")
    english = feedback.assessment_instructions(kind="job")

    assert "The interview was held in Spanish: write every note" in spanish
    assert "held in" not in english
    assert spanish.startswith(english)


@pytest.fixture
def openai_key(settings, monkeypatch):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = "https://api.openai.com/v1"
    settings.FEEDBACK_PROVIDER = "openai"
    monkeypatch.setattr(openai_gateway, "_sleep", lambda seconds: None)
    breaker_reset()
    yield
    breaker_reset()


@respx.mock
def test_a_german_interviews_report_is_requested_in_german_and_says_so(
    client, candidate, openai_key
):
    answered = httpx.Response(
        200, json=json.loads((DATA / "responses_job_feedback.json").read_text())
    )
    route = respx.post(RESPONSES_URL).mock(return_value=answered)
    interview = finished_job_interview(candidate)
    Interview.objects.filter(pk=interview.pk).update(language="de")

    feedback.feedback_generate(interview_id=interview.pk)

    body = json.loads(route.calls.last.request.content)
    assert "The interview was held in German: write every note" in body["instructions"]
    assert Feedback.objects.get(interview=interview).source == "ai+analytics"
    report = api_as(candidate).get(f"/api/v1/interviews/{interview.pk}/feedback").json()
    assert report["language"] == "de"
    client.force_login(candidate)
    page = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert '<span data-role="setup-language">German</span>' in page


def test_key_term_coverage_is_not_measured_against_an_answer_in_another_language():
    snapshot = {
        "questions": [
            {
                "number": 1,
                "prompt": "Structure it.",
                "evaluator_context": "Split revenue and costs.",
            }
        ]
    }
    turns = [Turn(1, "candidate", "Dividiría los ingresos y los costes por producto.", 0, 4000)]

    spanish = analytics_compute(kind="case", case_snapshot=snapshot, turns=turns, language="es")
    english = analytics_compute(kind="case", case_snapshot=snapshot, turns=turns)

    assert spanish["questions"][0]["coverage"] is None
    assert spanish["overall"]["coverage_share"] is None
    assert english["questions"][0]["coverage"]["terms"] > 0  # measured (and missed) in English
