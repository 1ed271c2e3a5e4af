"""L'intervieweur scénarisé en français (vouvoiement, comme en entretien d'embauche)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="fr",
    name="French",
    voice="fr-fr",
    job_greeting="Bonjour, merci d'être là. Je vais mener votre entretien pour {role} aujourd'hui. "
    "Commençons. {question}",
    job_questions=(
        "Parlez-moi de vous. Qu'est-ce qui vous attire dans {role} ?",
        "Présentez-moi un projet dont vous êtes fier et qui a un lien avec {role}. Quel était "
        "votre rôle, et quel a été le résultat ?",
        "Racontez-moi une fois où les choses se sont mal passées au travail. Qu'avez-vous fait, "
        "et qu'en avez-vous retenu ?",
        "Quand tout semble urgent, comment décidez-vous par quoi commencer ?",
        "Parlez-moi d'un désaccord avec un collègue et de la façon dont vous l'avez résolu.",
        "Sur quoi vous concentreriez-vous pendant vos quatre-vingt-dix premiers jours dans "
        "{role} ?",
        "Dans quels domaines souhaitez-vous progresser au cours des deux prochaines années ?",
        "Décrivez-moi une situation où vous avez dû apprendre quelque chose de nouveau très vite. "
        "Comment vous y êtes-vous pris ?",
        "Parlez-moi d'une décision que vous avez dû prendre sans avoir toutes les informations.",
        "Dans quel type d'équipe donnez-vous le meilleur de vous-même, et pourquoi ?",
        "Parlez-moi d'un retour que l'on vous a fait et qui a changé votre façon de travailler.",
        "Qu'aimeriez-vous me demander sur {role} ?",
    ),
    role_named="le poste de {title}",
    role_unnamed="ce poste",
    acknowledgements=(
        "Merci.",
        "Merci, c'est très clair.",
        "Bien, passons à la suite.",
        "Entendu.",
    ),
    job_closing="Merci beaucoup, c'était ma dernière question. Vous pouvez terminer l'entretien "
    "quand vous le souhaitez.",
    probes={
        "example": "Pourriez-vous me donner un exemple précis ? Racontez-moi une situation du "
        "début à la fin.",
        "personal": "Et vous, qu'avez-vous fait personnellement ? Parlez-moi de votre rôle "
        "plutôt que de celui de l'équipe.",
        "quantify": "Pouvez-vous chiffrer cela ? Combien, ou en combien de temps ?",
        "result": "Et quel a été le résultat ? Comment cela s'est-il terminé ?",
    },
    case_first="Bonjour, je serai votre intervieweur.",
    case_again="Reprenons.",
    case_question="Voici la question {number} sur {total}. {question}",
    case_question_lead="Voici la question",
    case_brief_lead="Voici le cas. {brief} Maintenant, voici la question",
    case_default_question="Expliquez-moi comment vous aborderiez le problème.",
    case_follow_ups=(
        "Merci. Allez un peu plus loin : quel est le facteur le plus important ici, et comment "
        "le vérifieriez-vous avec des données ?",
        "Bien. Voulez-vous ajouter ou modifier quelque chose avant de continuer ?",
    ),
    case_probes={
        "example": "Pourriez-vous détailler votre raisonnement étape par étape ?",
        "quantify": "Pouvez-vous chiffrer cela ? Une estimation approximative suffit.",
    },
    case_closing_last="Merci, nous avons fait le tour de cette question. Quand vous serez prêt, "
    "vous pourrez terminer l'entretien.",
    case_closing_next="Merci, nous avons fait le tour de cette question. Quand vous serez prêt, "
    "passez à la question suivante.",
    hint="Voici un indice : {hint}",
    hint_none="Je préfère ne pas vous orienter ici. Dites-moi où vous bloquez et comment vous "
    "continueriez.",
    hint_last="C'était mon dernier indice. Dites-moi comment vous continueriez à partir de là.",
    fact_intro="Bonne question.",
    fact_missing="Je n'ai pas de données là-dessus. Quelle hypothèse feriez-vous, et pourquoi ?",
    resumed="Rebonjour, reprenons.",
    listening="Prenez votre temps, je vous écoute.",
    fillers=words("euh heu bah ben bon genre voilà hum"),
    first_person=pattern(r"\b(?:je|j['’]\w*|moi|me|m['’]\w*|mon|ma|mes|nous)\b"),
    number_words=words(
        """deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente quarante
        cinquante soixante cent cents mille million millions milliard pourcentage pourcent
        moitié double doublé triplé douzaine quart"""
    ),
    outcome=pattern(
        r"\b(?:résultat\w*|abouti\w*|réussi\w*|permis|augment\w*|rédui\w*|diminu\w*|amélior\w*"
        r"|économis\w*|gagn\w*|lanc\w*|livr\w*|résolu\w*|résoudre|termin\w*|achev\w*|appris"
        r"|impact\w*|au final|finalement|ce qui a|grâce à|plus rapide\w*|moins)\b"
    ),
    hint_request=pattern(r"\bindices?\b|\bcoup de pouce\b"),
    asking=pattern(
        r"\?|^\s*(?:qu['’]est|que|quel\w*|comment|combien|qui|où|quand|pourquoi|est-ce|"
        r"avez-vous|y a-t-il|pouvez-vous)\b"
    ),
    stop_words=words(
        """les des une est sont pour dans avec sur par que qui quoi quel quelle quels quelles
        comment combien pourquoi vous nous ils elles leur leurs cette ces cet aux pas plus
        très aussi avez"""
    ),
    filler_prompt="Euh, bon, en fait, on l'a, euh, lancé, du coup, tu vois, c'était, hum, bien.",
)
