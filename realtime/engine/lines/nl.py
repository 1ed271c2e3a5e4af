"""De interviewer met draaiboek in het Nederlands (met je, zoals in de meeste sollicitaties)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="nl",
    name="Dutch",
    voice="nl",
    job_greeting="Hallo, fijn dat je er bent. Ik voer vandaag het gesprek met je voor {role}. "
    "Laten we beginnen. {question}",
    job_questions=(
        "Vertel eens iets over jezelf. Wat spreekt je aan in {role}?",
        "Vertel me over een project waar je trots op bent en dat past bij {role}. Wat was jouw "
        "rol, en wat was het resultaat?",
        "Vertel over een keer dat er iets misging op je werk. Wat heb je gedaan, en wat heb je "
        "ervan geleerd?",
        "Als alles urgent lijkt, hoe bepaal je dan waar je begint?",
        "Vertel over een meningsverschil met een collega en hoe je dat hebt opgelost.",
        "Waar zou je je in je eerste negentig dagen op richten als je {role} op je neemt?",
        "Waarin wil je je de komende twee jaar ontwikkelen?",
        "Beschrijf een situatie waarin je snel iets nieuws moest leren. Hoe heb je dat aangepakt?",
        "Vertel over een beslissing die je moest nemen zonder alle informatie te hebben.",
        "In wat voor team werk je het best, en waarom?",
        "Vertel over feedback die je kreeg en die je manier van werken heeft veranderd.",
        "Wat zou je mij willen vragen over {role}?",
    ),
    role_named="de functie van {title}",
    role_unnamed="deze functie",
    acknowledgements=("Dank je.", "Dank je, dat helpt.", "Goed, we gaan verder.", "Duidelijk."),
    job_closing="Dank je wel, dat was mijn laatste vraag. Je kunt het gesprek afronden wanneer "
    "je wilt.",
    probes={
        "example": "Kun je een concreet voorbeeld geven? Neem me mee door één situatie.",
        "personal": "En wat deed jij zelf? Vertel over jouw eigen aandeel, niet dat van het team.",
        "quantify": "Kun je daar een getal aan hangen? Hoeveel, hoe vaak of hoe snel?",
        "result": "En wat was het resultaat? Hoe is het uiteindelijk afgelopen?",
    },
    case_first="Hallo, ik ben je interviewer.",
    case_again="We gaan verder.",
    case_question="Dit is vraag {number} van {total}. {question}",
    case_question_lead="Dit is vraag",
    case_brief_lead="Dit is de case. {brief} En dan nu, dit is vraag",
    case_default_question="Leg eens uit hoe je dit zou aanpakken.",
    case_follow_ups=(
        "Dank je. Ga nog een stap verder: wat is hier de belangrijkste factor, en hoe zou je "
        "dat met data controleren?",
        "Goed. Wil je nog iets toevoegen of aanpassen voordat we verdergaan?",
    ),
    case_probes={
        "example": "Kun je me stap voor stap door je redenering meenemen?",
        "quantify": "Kun je daar een getal aan hangen? Een ruwe schatting is prima.",
    },
    case_closing_last="Dank je, daarmee is deze vraag afgerond. Als je zover bent, kun je het "
    "gesprek beëindigen.",
    case_closing_next="Dank je, daarmee is deze vraag afgerond. Als je zover bent, ga je naar "
    "de volgende vraag.",
    hint="Een hint: {hint}",
    hint_none="Ik stuur je hier liever niet. Vertel waar je vastloopt en hoe je verder zou gaan.",
    hint_last="Dat was mijn laatste hint. Vertel hoe je vanaf hier verder zou gaan.",
    fact_intro="Goede vraag.",
    fact_missing="Daar heb ik geen gegevens over. Wat zou je aannemen, en waarom?",
    resumed="Welkom terug, we gaan verder.",
    listening="Neem gerust de tijd, ik luister.",
    fillers=words("eh ehm uh uhm nou eigenlijk gewoon"),
    first_person=pattern(r"\b(?:ik|mij|me|mijn|mezelf)\b"),
    number_words=words(
        """twee drie vier vijf zes zeven acht negen tien elf twaalf vijftien twintig dertig
        veertig vijftig honderd duizend miljoen miljard procent helft dubbel verdubbeld
        drievoudig dozijn kwart"""
    ),
    outcome=pattern(
        r"\b(?:resultaat|resultaten|bereikt|gehaald|verhoogd|gestegen|verlaagd|verminderd"
        r"|verbeterd|bespaard|gegroeid|gelanceerd|opgeleverd|geleverd|opgelost|afgerond"
        r"|voltooid|geleerd|gewonnen|succes\w*|impact|uiteindelijk|daardoor|zodat|sneller"
        r"|minder)\b"
    ),
    hint_request=pattern(r"\b(?:hints?|tips?|aanwijzing\w*)\b"),
    asking=pattern(
        r"\?|^\s*(?:wat|hoe|hoeveel|wie|welke|waar|wanneer|waarom|is er|zijn er|heb je|hebben"
        r"|kun je|kunt u|mag ik)\b"
    ),
    stop_words=words(
        """de het een en van voor met op aan bij uit wat hoe wie welke waar wanneer waarom is
        zijn heeft hebben er jullie wij ons onze niet ook nog meer heel dat die deze dit"""
    ),
    filler_prompt="Eh, nou, we hebben het, uhm, gewoon gelanceerd, zeg maar, en het ging, eh, "
    "eigenlijk goed.",
)
