"""L'intervistatore con copione in italiano (dando del Lei, come in un colloquio di lavoro)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="it",
    name="Italian",
    voice="it",
    job_greeting="Buongiorno, grazie di essere qui. Oggi condurrò il suo colloquio per {role}. "
    "Cominciamo. {question}",
    job_questions=(
        "Mi parli un po' di sé. Perché le interessa {role}?",
        "Mi racconti un progetto di cui va fiero e che abbia a che fare con {role}. Qual è stato "
        "il suo ruolo, e qual è stato il risultato?",
        "Mi racconti di una volta in cui qualcosa è andato storto sul lavoro. Che cosa ha fatto, "
        "e che cosa ha imparato?",
        "Quando tutto sembra urgente, come decide da dove cominciare?",
        "Mi racconti di un disaccordo con un collega e di come l'ha risolto.",
        "Su che cosa si concentrerebbe nei primi novanta giorni, se assumesse {role}?",
        "In che cosa vorrebbe crescere nei prossimi due anni?",
        "Mi descriva una situazione in cui ha dovuto imparare qualcosa di nuovo in fretta. Come "
        "ha fatto?",
        "Mi parli di una decisione che ha dovuto prendere senza avere tutte le informazioni.",
        "In che tipo di squadra lavora meglio, e perché?",
        "Mi parli di un feedback che ha ricevuto e che ha cambiato il suo modo di lavorare.",
        "Che cosa vorrebbe chiedermi, per quanto riguarda {role}?",
    ),
    role_named="il ruolo di {title}",
    role_unnamed="questo ruolo",
    acknowledgements=("Grazie.", "Grazie, mi è utile.", "Bene, andiamo avanti.", "Capisco."),
    job_closing="Grazie mille, era la mia ultima domanda. Può concludere il colloquio quando "
    "vuole.",
    probes={
        "example": "Può farmi un esempio concreto? Mi racconti una situazione dall'inizio alla "
        "fine.",
        "personal": "E lei, personalmente, che cosa ha fatto? Mi parli della sua parte, non di "
        "quella del team.",
        "quantify": "Può darmi un numero? Quanto, quanti, o in quanto tempo?",
        "result": "E qual è stato il risultato? Come è andata a finire?",
    },
    case_first="Buongiorno, sono il suo intervistatore.",
    case_again="Riprendiamo.",
    case_question="Ecco la domanda {number} di {total}. {question}",
    case_question_lead="Ecco la domanda",
    case_brief_lead="Ecco il caso. {brief} E ora, ecco la domanda",
    case_default_question="Mi spieghi come affronterebbe il problema.",
    case_follow_ups=(
        "Grazie. Faccia un passo in più: qual è il fattore più importante qui, e come lo "
        "verificherebbe con i dati?",
        "Bene. C'è qualcosa che vorrebbe aggiungere o cambiare prima di andare avanti?",
    ),
    case_probes={
        "example": "Può spiegarmi il suo ragionamento passo dopo passo?",
        "quantify": "Può darmi un numero? Basta una stima approssimativa.",
    },
    case_closing_last="Grazie, con questo abbiamo chiuso la domanda. Quando è pronto, può "
    "concludere il colloquio.",
    case_closing_next="Grazie, con questo abbiamo chiuso la domanda. Quando è pronto, passi alla "
    "domanda successiva.",
    hint="Le do un suggerimento: {hint}",
    hint_none="Preferisco non indirizzarla qui. Mi dica dove si è bloccato e come andrebbe avanti.",
    hint_last="Era il mio ultimo suggerimento. Mi dica come andrebbe avanti da qui.",
    fact_intro="Bella domanda.",
    fact_missing="Non ho dati su questo. Che cosa ipotizzerebbe, e perché?",
    resumed="Eccoci di nuovo, continuiamo.",
    listening="Si prenda il suo tempo, la ascolto.",
    fillers=words("ehm eh mh cioè tipo praticamente insomma diciamo boh"),
    # The pronoun is usually dropped: "ho" (I have) carries most first-person past answers.
    first_person=pattern(r"\b(?:io|mi|me|mio|mia|miei|mie|ho|sono|ero|avevo|feci)\b"),
    number_words=words(
        """due tre quattro cinque sette otto nove dieci undici dodici quindici venti trenta
        quaranta cinquanta sessanta settanta ottanta novanta cento mille mila milione milioni
        miliardo percento percentuale metà doppio raddoppiato triplicato dozzina quarto"""
    ),
    outcome=pattern(
        r"\b(?:risultat\w*|ottenut\w*|raggiunt\w*|aumentat\w*|ridott\w*|diminuit\w*|migliorat\w*"
        r"|risparmiat\w*|cresciut\w*|lanciat\w*|consegnat\w*|risolt\w*|complet\w*|finit\w*"
        r"|imparat\w*|vint\w*|successo|impatto|alla fine|quindi|grazie a|più veloce|meno)\b"
    ),
    hint_request=pattern(r"\b(?:suggeriment\w*|aiutino|indizi\w*)\b"),
    asking=pattern(
        r"\?|^\s*(?:che|cosa|come|quant\w*|qual\w*|chi|dove|quando|perché|c'è|ci sono|può"
        r"|potrebbe|avete)\b"
    ),
    stop_words=words(
        """che con per una uno gli dei delle della del nel nella come più però suo sua questo
        questa quale quali quanto quanti sono anche molto tra fra non"""
    ),
    filler_prompt="Ehm, allora, cioè, l'abbiamo, eh, lanciato, tipo, e, insomma, è andata bene.",
)
