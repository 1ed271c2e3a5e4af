"""A Spanish job interview end to end on the local engine (DESIGN section 11): chosen on the
new-interview form, the interviewer speaks Spanish from its greeting on, a typed answer is
answered in Spanish, and the interview page says which language it was held in."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from interviews.models import Interview, TranscriptTurn
from realtime.engine.lines import lines_for
from tests.e2e.test_interview_room import INTERVIEWER_TURNS, expect_state, sign_in
from tests.factories import make_user

SPANISH = lines_for("es")
ANSWER = (
    "Eh, limpié una base de datos de ventas de cuarenta mil filas, eliminé los clientes "
    "duplicados y al final encontré la fuga de ingresos en la tabla de devoluciones."
)
# Every line the Spanish interviewer may open a turn with: the greeting, an acknowledgement
# before the next question, or a follow-up.
OPENINGS = (
    SPANISH.job_greeting.split("{")[0],
    *SPANISH.acknowledgements,
    *SPANISH.probes.values(),
)


def test_a_spanish_job_interview_on_the_local_engine(page: Page, live_server, room_env, db):
    user = make_user("ana@example.com", credits=2)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/new/")
    page.fill("input[name=job_title]", "Analista de datos")
    page.select_option("select[name=language]", "es")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]+/room/$"))
    interview = Interview.objects.get(pk=page.url.rstrip("/").split("/")[-2])
    assert interview.language == "es"

    page.click('[data-action="start"]')
    expect_state(page, "active")
    greeting = page.locator(INTERVIEWER_TURNS).first
    expect(greeting).to_contain_text("Hola, gracias por su tiempo.")
    expect(greeting).to_contain_text("¿Por qué le interesa el puesto de Analista de datos?")
    before = page.locator(INTERVIEWER_TURNS).count()

    page.fill('[data-role="typed-answer"]', ANSWER)
    page.click('[data-action="send-text"]')
    expect(page.locator('[data-role="transcript"] li[data-source="typed"]')).to_contain_text(
        "cuarenta mil filas"
    )
    # (The fake microphone's beep, untranscribable in Spanish by tiny.en, may add a turn.)
    expect(page.locator(INTERVIEWER_TURNS).nth(before)).to_be_visible()
    # Each turn's text follows its speaker label.
    spoken = [
        re.sub(r"^\s*Interviewer\s*", "", text)
        for text in page.locator(INTERVIEWER_TURNS).all_inner_texts()
    ]
    assert all(text.strip().startswith(OPENINGS) for text in spoken), spoken
    assert "Cuénteme un proyecto del que se sienta orgulloso" in " ".join(spoken)
    assert not any("Tell me" in text or "Thank you" in text for text in spoken), spoken

    page.click('[data-action="end"]')
    page.click('[data-action="confirm-end"]')  # the End dialog
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))
    expect(page.locator('[data-role="interview-language"]')).to_have_text("Spanish")
    asked = TranscriptTurn.objects.filter(interview=interview, speaker="interviewer")
    assert asked.exists() and all(t.text.startswith(OPENINGS) for t in asked)
    typed = TranscriptTurn.objects.filter(interview=interview, source="typed")
    assert [t.text for t in typed] == [ANSWER]
    page.screenshot(path="/tmp/i18/spanish_interview_page.png", full_page=True)
