"""El entrevistador guionizado en español (de usted, como en una entrevista de trabajo)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="es",
    name="Spanish",
    voice="es",
    job_greeting="Hola, gracias por su tiempo. Hoy seré su entrevistador para {role}. "
    "Empecemos. {question}",
    job_questions=(
        "Hábleme un poco de usted. ¿Por qué le interesa {role}?",
        "Cuénteme un proyecto del que se sienta orgulloso y que tenga relación con {role}. "
        "¿Cuál fue su papel y qué resultado obtuvo?",
        "Hábleme de una ocasión en la que algo salió mal en el trabajo. ¿Qué hizo y qué aprendió?",
        "Cuando todo parece urgente, ¿cómo decide por dónde empezar?",
        "Cuénteme un desacuerdo que tuvo con un compañero y cómo lo resolvió.",
        "¿En qué se centraría durante sus primeros noventa días en {role}?",
        "¿En qué le gustaría crecer profesionalmente en los próximos dos años?",
        "Descríbame una ocasión en la que tuvo que aprender algo nuevo muy rápido. ¿Cómo lo "
        "abordó?",
        "Hábleme de una decisión que tuvo que tomar sin tener toda la información.",
        "¿En qué tipo de equipo da lo mejor de sí, y por qué?",
        "Cuénteme algún comentario que le hicieron y que cambió su manera de trabajar.",
        "¿Qué le gustaría preguntarme sobre {role}?",
    ),
    role_named="el puesto de {title}",
    role_unnamed="este puesto",
    acknowledgements=("Gracias.", "Gracias, eso me sirve.", "Bien, sigamos.", "Entendido."),
    job_closing="Muchas gracias, esa era mi última pregunta. Puede terminar la entrevista "
    "cuando quiera.",
    probes={
        "example": "¿Podría darme un ejemplo concreto? Cuénteme una situación de principio a fin.",
        "personal": "¿Y qué hizo usted personalmente? Hábleme de su parte, no de la del equipo.",
        "quantify": "¿Puede ponerle una cifra? ¿Cuánto, cuántos o en cuánto tiempo?",
        "result": "¿Y cuál fue el resultado? ¿Cómo acabó todo?",
    },
    case_first="Hola, soy su entrevistador.",
    case_again="Continuamos.",
    case_question="Vamos con la pregunta {number} de {total}. {question}",
    case_question_lead="Vamos con la pregunta",
    case_brief_lead="Este es el caso: {brief} Ahora, vamos con la pregunta",
    case_default_question="Explíqueme cómo lo abordaría.",
    case_follow_ups=(
        "Gracias. Vaya un paso más allá: ¿cuál es el factor más importante aquí y cómo lo "
        "comprobaría con datos?",
        "Bien. ¿Añadiría o cambiaría algo antes de seguir?",
    ),
    case_probes={
        "example": "¿Podría explicarme su razonamiento paso a paso?",
        "quantify": "¿Puede ponerle una cifra? Basta con una estimación aproximada.",
    },
    case_closing_last="Gracias, con esto cerramos esta pregunta. Cuando quiera, puede terminar "
    "la entrevista.",
    case_closing_next="Gracias, con esto cerramos esta pregunta. Cuando quiera, pase a la "
    "siguiente.",
    hint="Le doy una pista: {hint}",
    hint_none="Prefiero no orientarle aquí. Dígame dónde se ha atascado y cómo seguiría.",
    hint_last="Esa era mi última pista. Dígame cómo seguiría a partir de aquí.",
    fact_intro="Buena pregunta.",
    fact_missing="No tengo datos sobre eso. ¿Qué supondría usted, y por qué?",
    resumed="Ya estamos de nuevo, sigamos.",
    listening="Tómese su tiempo. Le escucho.",
    fillers=words("eh em mm pues bueno este digamos básicamente literalmente"),
    # Spanish drops the pronoun: the first person is mostly in the verb ("lideré", "decidí").
    first_person=pattern(
        r"\b(?:yo|me|mi|mis|mío|mía|conmigo|hice|tuve|estuve|fui|dije|puse|propuse|hago|tengo"
        r"|estoy|soy|creo)\b|\b(?!aquí\b|allí\b|así\b|también\b)\w{3,}[éí]\b"
    ),
    number_words=words(
        """dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte treinta
        cuarenta cincuenta sesenta setenta ochenta noventa cien ciento cientos mil millón
        millones porcentaje mitad doble duplicamos triplicamos docena cuarto"""
    ),
    outcome=pattern(
        r"\b(?:resultad\w*|logr\w*|consegu\w*|impacto|aument\w*|reduj\w*|reduc\w*|disminu\w*"
        r"|mejor\w*|ahorr\w*|crec\w*|creci\w*|lanz\w*|entreg\w*|resolv\w*|resolvi\w*"
        r"|solucion\w*|termin\w*|complet\w*|aprend\w*|ganamos|gané|éxito|al final|por lo que"
        r"|gracias a eso|más rápido|menos)\b"
    ),
    hint_request=pattern(r"\bpistas?\b"),
    asking=pattern(
        r"[?¿]|^\s*(?:qué|cómo|cuánt\w*|cuál\w*|quién\w*|dónde|cuándo|por qué|tiene|tienen|hay"
        r"|puede|podría|sabe\w*)\b"
    ),
    stop_words=words(
        """los las del que con por para una unos unas como más pero sus este esta esto estos
        hay tiene tienen qué cómo cuál cuánto cuántos sobre entre desde muy también nos les"""
    ),
    filler_prompt="Eh, bueno, pues, o sea, lo lanzamos, eh, digamos que, mm, salió bien.",
)
