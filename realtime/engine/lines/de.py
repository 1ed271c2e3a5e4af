"""Der Interviewer mit Drehbuch auf Deutsch (per Sie, wie im Vorstellungsgespräch)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="de",
    name="German",
    voice="de",
    job_greeting="Hallo, schön, dass Sie da sind. Ich führe heute das Gespräch mit Ihnen für "
    "{role}. Fangen wir an. {question}",
    job_questions=(
        "Erzählen Sie mir etwas über sich und warum Sie sich für {role} interessieren.",
        "Erzählen Sie mir von einem Projekt, auf das Sie stolz sind und das für {role} relevant "
        "ist. Was war Ihr Beitrag, und was ist dabei herausgekommen?",
        "Erzählen Sie mir von einer Situation, in der bei der Arbeit etwas schiefgelaufen ist. "
        "Was haben Sie getan, und was haben Sie daraus gelernt?",
        "Wenn alles dringend erscheint: Wie entscheiden Sie, womit Sie anfangen?",
        "Erzählen Sie mir von einer Meinungsverschiedenheit mit einer Kollegin oder einem "
        "Kollegen und wie Sie sie gelöst haben.",
        "Worauf würden Sie sich in Ihren ersten neunzig Tagen konzentrieren, wenn Sie {role} "
        "übernehmen?",
        "Wo möchten Sie sich in den nächsten zwei Jahren weiterentwickeln?",
        "Beschreiben Sie eine Situation, in der Sie sich schnell in etwas Neues einarbeiten "
        "mussten. Wie sind Sie dabei vorgegangen?",
        "Erzählen Sie mir von einer Entscheidung, die Sie ohne vollständige Informationen "
        "treffen mussten.",
        "In welchem Team arbeiten Sie am besten, und warum?",
        "Erzählen Sie mir von einem Feedback, das Ihre Arbeitsweise verändert hat.",
        "Was möchten Sie mich über {role} fragen?",
    ),
    role_named="die Stelle als {title}",
    role_unnamed="diese Stelle",
    acknowledgements=("Danke.", "Danke, das hilft mir.", "Gut, machen wir weiter.", "Verstehe."),
    job_closing="Vielen Dank, das war meine letzte Frage. Sie können das Gespräch beenden, "
    "wann immer Sie möchten.",
    probes={
        "example": "Können Sie mir ein konkretes Beispiel geben? Schildern Sie mir eine "
        "Situation von Anfang bis Ende.",
        "personal": "Und was haben Sie selbst getan? Erzählen Sie mir von Ihrem eigenen Anteil, "
        "nicht von dem des Teams.",
        "quantify": "Können Sie das beziffern? Wie viel, wie viele oder wie schnell?",
        "result": "Und was war das Ergebnis? Wie ist es am Ende ausgegangen?",
    },
    case_first="Hallo, ich bin heute Ihr Interviewer.",
    case_again="Machen wir weiter.",
    case_question="Hier ist Frage {number} von {total}. {question}",
    case_question_lead="Hier ist Frage",
    case_brief_lead="Hier ist der Fall. {brief} Und nun Frage",
    case_default_question="Erklären Sie mir bitte, wie Sie vorgehen würden.",
    case_follow_ups=(
        "Danke. Gehen Sie noch einen Schritt weiter: Was ist hier der wichtigste Treiber, und "
        "wie würden Sie ihn mit Daten überprüfen?",
        "Gut. Möchten Sie noch etwas ergänzen oder ändern, bevor wir weitermachen?",
    ),
    case_probes={
        "example": "Können Sie mich Schritt für Schritt durch Ihre Überlegungen führen?",
        "quantify": "Können Sie das beziffern? Eine grobe Schätzung reicht.",
    },
    case_closing_last="Danke, damit ist diese Frage abgeschlossen. Wenn Sie so weit sind, "
    "können Sie das Gespräch beenden.",
    case_closing_next="Danke, damit ist diese Frage abgeschlossen. Wenn Sie so weit sind, gehen "
    "Sie zur nächsten Frage.",
    hint="Ein Hinweis: {hint}",
    hint_none="Hier möchte ich Sie lieber nicht lenken. Sagen Sie mir, wo Sie feststecken und "
    "wie Sie weitermachen würden.",
    hint_last="Das war mein letzter Hinweis. Sagen Sie mir, wie Sie von hier aus weitermachen "
    "würden.",
    fact_intro="Gute Frage.",
    fact_missing="Dazu habe ich keine Daten. Was würden Sie annehmen, und warum?",
    resumed="Willkommen zurück, machen wir weiter.",
    listening="Lassen Sie sich Zeit, ich höre zu.",
    fillers=words("äh ähm öh hm halt eben quasi sozusagen irgendwie"),
    first_person=pattern(r"\b(?:ich|mich|mir|mein\w*)\b"),
    number_words=words(
        """zwei drei vier fünf sechs sieben acht neun zehn elf zwölf fünfzehn zwanzig dreißig
        vierzig fünfzig hundert tausend million millionen milliarde prozent hälfte doppelt
        verdoppelt dreifach dutzend viertel"""
    ),
    outcome=pattern(
        r"\b(?:ergebnis\w*|erreicht\w*|geschafft|gesteigert|erhöht|gesenkt|reduziert|verringert"
        r"|verbessert|gespart|eingespart|gewachsen|gestartet|eingeführt|geliefert|gelöst"
        r"|abgeschlossen|fertig\w*|gelernt|gewonnen|erfolg\w*|am ende|dadurch|sodass|so dass"
        r"|schneller|weniger)\b"
    ),
    hint_request=pattern(r"\b(?:hinweis\w*|tipps?)\b"),
    asking=pattern(
        r"\?|^\s*(?:was|wie|wer|welche\w*|wo|wann|warum|wieso|gibt es|haben sie|können sie"
        r"|kann ich)\b"
    ),
    stop_words=words(
        """der die das den dem des ein eine einen einem einer und oder für mit von bei auf aus
        wie was wer welche wo wann warum ist sind hat haben gibt sie ich wir ihr ihre nicht
        auch noch mehr sehr"""
    ),
    filler_prompt="Äh, also, ähm, wir haben das, äh, sozusagen gestartet, und, hm, es lief gut.",
)
