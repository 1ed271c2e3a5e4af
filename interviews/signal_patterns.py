"""The patterns behind the structure signals (interviews/report_signals.py), one set per interview
language (DESIGN section 11). Each set says the same habits in that language's own words; the
English set is the original one. Sentences end at . ! ? … in all of them (Spanish's opening ¿ and
¡ start a sentence and need no rule of their own)."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class SignalPatterns:
    answer_first: re.Pattern[str]
    signpost: re.Pattern[str]
    situation: re.Pattern[str]
    task: re.Pattern[str]
    action: re.Pattern[str]
    result: re.Pattern[str]
    number: re.Pattern[str]
    change: re.Pattern[str]
    hedge: re.Pattern[str]
    implication: re.Pattern[str]


ENGLISH = SignalPatterns(
    answer_first=_rx(
        r"\b(i (would )?recommend|my recommendation|i would|i'd|we should|they should|the answer "
        r"is|in short|the short answer|my (view|answer|conclusion) is|bottom line|i (think|believe)"
        r" (we|they|the|that|it)|yes\b|no\b|the (main|key) (driver|reason|issue) is)"
    ),
    signpost=_rx(
        r"\b(first(ly)?|second(ly)?|third(ly)?|finally|lastly|to (start|begin|sum up|summari[sz]e)"
        r"|in summary|(two|three|four|five|2|3|4|5) (things|areas|ways|reasons|parts|buckets|"
        r"factors|points|steps|drivers|options))\b"
    ),
    situation=_rx(
        r"\b(when i was|at my (last|previous|current|old) (job|role|company|team)|in my (last |"
        r"previous |current )?(job|role|team)|i was working|we were (facing|losing|seeing|asked)|"
        r"our team (was|had)|i was (the|a|an) \w+|the situation was|back in|last year|(in|during)"
        r" (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(my (task|goal|job|responsibility|role|aim) (was|is)|i was (asked|responsible|tasked)|"
        r"i needed to|i had to|we needed to|the (goal|aim|challenge|problem) was)\b"
    ),
    action=_rx(
        r"\bi (built|led|ran|wrote|set up|made|took|spoke|met|brought|began|chose|drove|sent|sold|"
        r"taught|gave|found|started|decided|created|designed|introduced|organi[sz]ed|proposed|"
        r"implemented|cleaned|fixed|analy[sz]ed|negotiated|launched|hired|trained|automated|"
        r"changed|reduced|increased|improved|delivered|managed|coordinated|owned|talked|worked|"
        r"removed|rebuilt|wrote|migrated|mapped|tested|asked|presented|convinced)\b"
    ),
    result=_rx(
        r"\b(as a result|the result|resulted|in the end|the outcome|which (led|meant|cut|saved|"
        r"increased|reduced|grew|raised|lowered)|this (led|meant|saved|cut|increased|reduced)|"
        r"(we|it|that) (saved|cut|increased|reduced|grew|raised|lowered|doubled|halved|won|hit|"
        r"achieved)|ended up|so (break-even|profit|revenue|the answer))\b"
    ),
    number=_rx(
        r"(\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
        r"forty|fifty|hundred|thousand|million|billion|half|double|percent)\b)"
    ),
    change=_rx(
        r"\b(saved|save|cut|reduced|increased|grew|rose|fell|dropped|improved|raised|lowered|"
        r"doubled|halved|from .+ to|by \S*\d|result|up|down)\b"
    ),
    hedge=_rx(
        r"\b(i guess|maybe|perhaps|probably|sort of|kind of|i'm not sure|i am not sure|possibly|"
        r"i suppose|might be|a bit|somewhat|i don't know)\b"
    ),
    implication=_rx(
        r"\b(so|which means|meaning|therefore|this means|that means|implies|because|which is why|"
        r"that's why|that is why|as a result|so that|thus|hence)\b"
    ),
)

SPANISH = SignalPatterns(
    answer_first=_rx(
        r"\b(recomiendo|recomendaría|mi recomendación|yo (diría|haría)|deberíamos|deberían|la "
        r"respuesta es|en resumen|en pocas palabras|en conclusión|mi (opinión|respuesta|"
        r"conclusión) es|creo que|sí\b|no\b|el (principal|mayor) (factor|motivo|problema) es)"
    ),
    signpost=_rx(
        r"\b(primero|en primer lugar|segundo|en segundo lugar|tercero|por último|finalmente|para "
        r"empezar|para terminar|en resumen|(dos|tres|cuatro|cinco|2|3|4|5) (cosas|áreas|formas|"
        r"razones|partes|factores|puntos|pasos|opciones))\b"
    ),
    situation=_rx(
        r"\b(cuando (estaba|trabajaba)|en mi (último|anterior|actual|antiguo) (trabajo|puesto|"
        r"empleo|equipo)|en mi (trabajo|puesto|equipo)|estaba trabajando|nuestro equipo (estaba|"
        r"tenía)|el año pasado|la situación era|(en|durante) (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(mi (tarea|objetivo|responsabilidad|función|papel) (era|es)|me (pidieron|encargaron)|"
        r"yo era (el|la) responsable|tenía que|necesitaba|teníamos que|el (objetivo|reto|problema)"
        r" era)\b"
    ),
    action=_rx(
        r"\b(creé|diseñé|lideré|dirigí|organicé|propuse|implementé|analicé|negocié|lancé|contraté|"
        r"formé|automaticé|cambié|reduje|aumenté|mejoré|entregué|gestioné|coordiné|hablé|trabajé|"
        r"eliminé|limpié|reconstruí|migré|probé|presenté|convencí|decidí|empecé|construí|escribí|"
        r"monté|arreglé|encontré|hice)\b"
    ),
    result=_rx(
        r"\b(como resultado|el resultado|al final|gracias a (eso|ello)|lo que (permitió|supuso|"
        r"redujo|aumentó|ahorró|mejoró)|logramos|conseguimos|ahorramos|redujimos|aumentamos|"
        r"duplicamos|ganamos)\b"
    ),
    number=_rx(
        r"(\d|\b(dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|veinte|treinta|cuarenta|"
        r"cincuenta|cien|mil|millón|millones|mitad|doble|por ciento)\b)"
    ),
    change=_rx(
        r"\b(ahorr\w*|reduj\w*|reduc\w*|aument\w*|crec\w*|creci\w*|subi\w*|baj\w*|mejor\w*|"
        r"duplic\w*|de .+ a|resultado)\b"
    ),
    hedge=_rx(
        r"\b(supongo|quizás?|tal vez|a lo mejor|probablemente|más o menos|no estoy segur[oa]|"
        r"posiblemente|puede que|un poco|no sé)\b"
    ),
    implication=_rx(
        r"\b(así que|lo que significa|es decir|por lo tanto|esto significa|porque|por eso|como "
        r"resultado|de modo que|por consiguiente)\b"
    ),
)

FRENCH = SignalPatterns(
    answer_first=_rx(
        r"\b(je recommande|je recommanderais|ma recommandation|je (dirais|ferais)|nous devrions|"
        r"ils devraient|la réponse est|en bref|en résumé|mon (avis|point de vue) est|ma (réponse|"
        r"conclusion) est|je pense que|oui\b|non\b|le (principal|premier) (facteur|problème|levier)"
        r" est)"
    ),
    signpost=_rx(
        r"(\b(premièrement|tout d['’]abord|deuxièmement|ensuite|troisièmement|enfin|pour finir|pour"
        r" commencer|en résumé|(deux|trois|quatre|cinq|2|3|4|5) (choses|axes|façons|raisons|parties"
        r"|facteurs|points|étapes|leviers|options))\b|\bd['’]abord\b)"
    ),
    situation=_rx(
        r"\b(quand j['’](étais|travaillais)|dans mon (dernier|précédent|ancien|actuel) (poste|"
        r"emploi|travail)|dans mon (poste|travail|équipe)|notre équipe (était|avait)|l['’]année "
        r"dernière|la situation était|(en|pendant) (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(ma (tâche|mission|responsabilité) (était|est)|mon (objectif|rôle|travail) (était|est)"
        r"|on m['’]a demandé|j['’]étais (chargée?|responsable)|je devais|il fallait|nous devions|"
        r"l['’](objectif|enjeu) était|le (défi|problème) était)\b"
    ),
    action=_rx(
        r"\bj['’](ai|avais) (créé|conçu|dirigé|mené|organisé|proposé|mis en place|implémenté|"
        r"analysé|négocié|lancé|recruté|formé|automatisé|changé|réduit|augmenté|amélioré|livré|"
        r"géré|coordonné|parlé|travaillé|supprimé|nettoyé|reconstruit|migré|testé|présenté|"
        r"convaincu|décidé|commencé|construit|écrit|corrigé|trouvé|fait)\b"
    ),
    result=_rx(
        r"\b(en conséquence|le résultat|au final|finalement|ce qui a (permis|réduit|augmenté|fait)"
        r"|(nous avons|on a) (économisé|réduit|augmenté|doublé|gagné|atteint)|résultat)\b"
    ),
    number=_rx(
        r"(\d|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|trente|cent|mille|million|"
        r"millions|moitié|double|pour cent)\b)"
    ),
    change=_rx(
        r"\b(économis\w*|rédui\w*|réduit|augment\w*|baiss\w*|amélior\w*|doubl\w*|de .+ à|résultat"
        r"|hausse)\b"
    ),
    hedge=_rx(
        r"\b(je suppose|peut-être|probablement|en quelque sorte|je ne suis pas sûre?|possiblement|"
        r"un peu|je ne sais pas|il se peut)\b"
    ),
    implication=_rx(
        r"\b(donc|ce qui signifie|cela signifie|c['’]est-à-dire|par conséquent|parce que|car|"
        r"c['’]est pourquoi|si bien que|ainsi)\b"
    ),
)

GERMAN = SignalPatterns(
    answer_first=_rx(
        r"\b(ich (empfehle|würde empfehlen)|meine empfehlung|ich würde|wir sollten|sie sollten|die "
        r"antwort ist|kurz gesagt|zusammengefasst|meine (meinung|antwort|schlussfolgerung) ist|ich "
        r"(denke|glaube),? (dass|wir)|ja\b|nein\b|der (wichtigste|haupt)\w* (treiber|grund|punkt) "
        r"ist)"
    ),
    signpost=_rx(
        r"\b(erstens|zweitens|drittens|zuerst|als erstes|zunächst|schließlich|zum schluss|"
        r"zusammenfassend|(zwei|drei|vier|fünf|2|3|4|5) (dinge|bereiche|wege|gründe|teile|faktoren"
        r"|punkte|schritte|optionen))\b"
    ),
    situation=_rx(
        r"\b(als ich (bei|in|an)|in meiner (letzten|vorherigen|aktuellen|alten) (stelle|position|"
        r"firma)|in meinem (letzten|vorherigen|aktuellen|alten) (job|team|unternehmen)|unser team "
        r"(war|hatte)|letztes jahr|die situation war|(im jahr|in) (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(meine (aufgabe|verantwortung|rolle) war|mein ziel war|ich sollte|ich musste|wir "
        r"mussten|ich war (verantwortlich|zuständig)|das ziel war|das problem war|die "
        r"herausforderung war)\b"
    ),
    action=_rx(
        r"\bich (habe|hatte) [^.!?]{0,60}?\b(gebaut|geleitet|geführt|geschrieben|eingeführt|"
        r"organisiert|vorgeschlagen|umgesetzt|analysiert|verhandelt|gestartet|eingestellt|geschult|"
        r"automatisiert|geändert|reduziert|gesenkt|erhöht|verbessert|geliefert|koordiniert|"
        r"bereinigt|entfernt|migriert|getestet|präsentiert|überzeugt|entschieden|entwickelt|"
        r"gefunden|behoben|gemacht)\b|\bich (baute|leitete|führte|schrieb|entschied|entwickelte|"
        r"fand|organisierte)\b"
    ),
    result=_rx(
        r"\b(im ergebnis|das ergebnis|am ende|dadurch|infolgedessen|was (dazu führte|bedeutete)|"
        r"(wir haben|es hat) [^.!?]{0,40}?\b(gespart|gesenkt|erhöht|verdoppelt|gewonnen|erreicht))"
        r"\b"
    ),
    number=_rx(
        r"(\d|\b(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwanzig|dreißig|hundert|tausend|"
        r"million|millionen|hälfte|doppelt|prozent)\b)"
    ),
    change=_rx(
        r"\b(gespart|gesenkt|reduziert|erhöht|gesteigert|gewachsen|gestiegen|gefallen|verbessert|"
        r"verdoppelt|halbiert|von .+ auf|um \S*\d|ergebnis)\b"
    ),
    hedge=_rx(
        r"\b(ich schätze|vielleicht|eventuell|wahrscheinlich|irgendwie|ich bin (mir )?nicht sicher|"
        r"möglicherweise|ein bisschen|ich weiß (es )?nicht)\b"
    ),
    implication=_rx(
        r"\b(also|das heißt|was bedeutet|deshalb|daher|weil|denn|dadurch|sodass|somit)\b"
    ),
)

PORTUGUESE = SignalPatterns(
    answer_first=_rx(
        r"\b(eu recomendo|eu recomendaria|minha recomendação|eu (diria|faria)|deveríamos|devemos|a"
        r" resposta é|resumindo|em resumo|minha (opinião|resposta|conclusão) é|eu acho que|sim\b|"
        r"não\b|o (principal|maior) (fator|motivo|problema) é)"
    ),
    signpost=_rx(
        r"\b(primeiro|em primeiro lugar|segundo|em segundo lugar|terceiro|por último|finalmente|"
        r"para começar|para terminar|resumindo|(duas|dois|três|quatro|cinco|2|3|4|5) (coisas|áreas"
        r"|formas|razões|partes|fatores|pontos|passos|opções))\b"
    ),
    situation=_rx(
        r"\b(quando eu (estava|trabalhava)|no meu (último|antigo|atual) (emprego|trabalho|cargo|"
        r"time)|na minha (última|antiga|atual) (empresa|equipe|vaga)|nossa equipe (estava|tinha)|"
        r"no ano passado|a situação era|(em|durante) (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(minha (tarefa|meta|responsabilidade|função) (era|é)|meu (objetivo|papel) (era|é)|me "
        r"pediram|eu era responsável|eu precisava|eu tinha que|tínhamos que|precisávamos|o "
        r"(objetivo|desafio|problema) era)\b"
    ),
    action=_rx(
        r"\b(criei|projetei|liderei|organizei|propus|implementei|analisei|negociei|lancei|contratei"
        r"|treinei|automatizei|mudei|reduzi|aumentei|melhorei|entreguei|gerenciei|coordenei|"
        r"conversei|trabalhei|removi|limpei|reconstruí|migrei|testei|apresentei|convenci|decidi|"
        r"comecei|construí|escrevi|montei|corrigi|encontrei|fiz)\b"
    ),
    result=_rx(
        r"\b(como resultado|o resultado|no final|no fim|graças a isso|o que (permitiu|reduziu|"
        r"aumentou|economizou)|conseguimos|economizamos|reduzimos|aumentamos|dobramos|ganhamos)\b"
    ),
    number=_rx(
        r"(\d|\b(dois|duas|três|quatro|cinco|seis|sete|oito|nove|dez|vinte|trinta|cem|mil|milhão|"
        r"milhões|metade|dobro|por cento)\b)"
    ),
    change=_rx(
        r"\b(economiz\w*|reduz\w*|reduzi\w*|aument\w*|cresc\w*|subi\w*|caiu|melhor\w*|dobr\w*|de "
        r".+ para|resultado)\b"
    ),
    hedge=_rx(
        r"\b(talvez|provavelmente|mais ou menos|meio que|não tenho certeza|possivelmente|um pouco|"
        r"não sei)\b"
    ),
    implication=_rx(
        r"\b(então|o que significa|ou seja|portanto|isso significa|porque|por isso|como resultado|"
        r"de modo que|assim)\b"
    ),
)

ITALIAN = SignalPatterns(
    answer_first=_rx(
        r"\b(raccomando|consiglio|la mia raccomandazione|io (direi|farei)|dovremmo|dovrebbero|la "
        r"risposta è|in breve|in sintesi|la mia (opinione|risposta|conclusione) è|penso che|credo "
        r"che|sì\b|no\b|il (principale|primo) (fattore|motivo|problema) è)"
    ),
    signpost=_rx(
        r"\b(innanzitutto|prima di tutto|in primo luogo|in secondo luogo|in terzo luogo|infine|per "
        r"finire|per cominciare|in sintesi|(due|tre|quattro|cinque|2|3|4|5) (cose|aree|modi|ragioni"
        r"|motivi|parti|fattori|punti|passi|opzioni))\b"
    ),
    situation=_rx(
        r"\b(quando (ero|lavoravo)|nel mio (ultimo|precedente|attuale) (lavoro|ruolo|team)|nella "
        r"mia (ultima|precedente|attuale) (azienda|posizione)|il nostro team (era|aveva)|l['’]anno "
        r"scorso|la situazione era|(nel|durante il) (19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(il mio (compito|obiettivo|ruolo) (era|è)|la mia (responsabilità|mansione) (era|è)|mi "
        r"(hanno|era stato) chiesto|ero (responsabile|incaricat[oa])|dovevo|dovevamo|l['’]obiettivo"
        r" era|il problema era|la sfida era)\b"
    ),
    action=_rx(
        r"\bho (creato|progettato|guidato|diretto|organizzato|proposto|implementato|analizzato|"
        r"negoziato|lanciato|assunto|formato|automatizzato|cambiato|ridotto|aumentato|migliorato|"
        r"consegnato|gestito|coordinato|parlato|lavorato|eliminato|pulito|ricostruito|migrato|"
        r"testato|presentato|convinto|deciso|iniziato|costruito|scritto|sistemato|trovato|fatto)\b"
    ),
    result=_rx(
        r"\b(di conseguenza|il risultato|alla fine|grazie a questo|il che ha (permesso|ridotto|"
        r"aumentato)|abbiamo (risparmiato|ridotto|aumentato|raddoppiato|vinto|raggiunto))\b"
    ),
    number=_rx(
        r"(\d|\b(due|tre|quattro|cinque|sette|otto|nove|dieci|venti|trenta|cento|mille|milione|"
        r"milioni|metà|doppio|per cento|percento)\b)"
    ),
    change=_rx(
        r"\b(risparmi\w*|ridott\w*|ridu\w*|aument\w*|cresciut\w*|salit\w*|migliorat\w*|raddoppi\w*"
        r"|dimezz\w*|da .+ a|risultato)\b"
    ),
    hedge=_rx(
        r"\b(suppongo|forse|magari|probabilmente|più o meno|non sono sicur[oa]|possibilmente|"
        r"un po['’]|non so)\b"
    ),
    implication=_rx(
        r"\b(quindi|il che significa|cioè|pertanto|questo significa|perché|per questo|di "
        r"conseguenza|così che|dunque)\b"
    ),
)

DUTCH = SignalPatterns(
    answer_first=_rx(
        r"\b(ik (raad aan|zou aanraden|adviseer)|mijn (advies|aanbeveling)|ik zou|we zouden moeten"
        r"|ze zouden moeten|het antwoord is|kortom|samengevat|mijn (mening|antwoord|conclusie) is|"
        r"ik (denk|geloof) dat|ja\b|nee\b|de (belangrijkste|grootste) (factor|reden|oorzaak) is)"
    ),
    signpost=_rx(
        r"\b(ten eerste|ten tweede|ten derde|vervolgens|tot slot|ten slotte|om te beginnen|"
        r"samengevat|(twee|drie|vier|vijf|2|3|4|5) (dingen|gebieden|manieren|redenen|delen|"
        r"factoren|punten|stappen|opties))\b"
    ),
    situation=_rx(
        r"\b(toen ik (bij|werkte)|in mijn (vorige|laatste|huidige) (baan|functie|rol|team)|bij "
        r"mijn (vorige|huidige) (werkgever|baan)|ons team (was|had)|vorig jaar|de situatie was|in "
        r"(19|20)\d\d)\b"
    ),
    task=_rx(
        r"\b(mijn (taak|doel|verantwoordelijkheid|rol) was|ik moest|wij moesten|we moesten|ik was "
        r"verantwoordelijk|mij werd gevraagd|het doel was|het probleem was|de uitdaging was)\b"
    ),
    action=_rx(
        r"\bik (heb|had) [^.!?]{0,60}?\b(gebouwd|geleid|geschreven|opgezet|georganiseerd|"
        r"voorgesteld|geïmplementeerd|geanalyseerd|onderhandeld|gelanceerd|aangenomen|getraind|"
        r"geautomatiseerd|veranderd|verlaagd|verhoogd|verbeterd|opgeleverd|gecoördineerd|"
        r"aangestuurd|opgeschoond|verwijderd|gemigreerd|getest|gepresenteerd|overtuigd|besloten|"
        r"ontwikkeld|gevonden|opgelost|gemaakt)\b|\bik (bouwde|leidde|schreef|besloot|ontwikkelde|"
        r"vond|organiseerde)\b"
    ),
    result=_rx(
        r"\b(als resultaat|het resultaat|uiteindelijk|daardoor|wat (leidde tot|betekende)|(we "
        r"hebben|het heeft) [^.!?]{0,40}?\b(bespaard|verlaagd|verhoogd|verdubbeld|gewonnen|"
        r"bereikt))\b"
    ),
    number=_rx(
        r"(\d|\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|dertig|honderd|duizend|"
        r"miljoen|helft|dubbel|procent)\b)"
    ),
    change=_rx(
        r"\b(bespaard|verlaagd|verminderd|verhoogd|gegroeid|gestegen|gedaald|verbeterd|verdubbeld|"
        r"gehalveerd|van .+ naar|met \S*\d|resultaat)\b"
    ),
    hedge=_rx(
        r"\b(misschien|wellicht|waarschijnlijk|een beetje|soort van|ik weet het niet zeker|"
        r"mogelijk|ik weet het niet)\b"
    ),
    implication=_rx(
        r"\b(dus|wat betekent|dat betekent|daarom|omdat|want|waardoor|zodat|daardoor|oftewel)\b"
    ),
)

PATTERNS: dict[str, SignalPatterns] = {
    "en": ENGLISH,
    "es": SPANISH,
    "fr": FRENCH,
    "de": GERMAN,
    "pt": PORTUGUESE,
    "it": ITALIAN,
    "nl": DUTCH,
}


def patterns_for(language: str) -> SignalPatterns:
    """The signal patterns of an interview language (English for an unknown one)."""
    return PATTERNS.get(language, ENGLISH)
