"""O entrevistador roteirizado em português (do Brasil, tratando o candidato por você)."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="pt",
    name="Portuguese",
    voice="pt-br",
    job_greeting="Olá, obrigado por estar aqui. Hoje vou fazer a sua entrevista para {role}. "
    "Vamos começar. {question}",
    job_questions=(
        "Fale um pouco sobre você. Por que você quer {role}?",
        "Conte sobre um projeto de que você se orgulha e que tenha a ver com {role}. Qual foi o "
        "seu papel e qual foi o resultado?",
        "Conte sobre uma vez em que algo deu errado no trabalho. O que você fez e o que aprendeu?",
        "Quando tudo parece urgente, como você decide por onde começar?",
        "Conte sobre uma discordância com um colega e como vocês resolveram.",
        "No que você se concentraria nos seus primeiros noventa dias, se assumisse {role}?",
        "Em que você gostaria de crescer nos próximos dois anos?",
        "Descreva uma situação em que você precisou aprender algo novo rapidamente. Como você "
        "fez isso?",
        "Conte sobre uma decisão que você tomou sem ter todas as informações.",
        "Em que tipo de equipe você rende mais, e por quê?",
        "Conte sobre um feedback que você recebeu e que mudou a sua forma de trabalhar.",
        "O que você gostaria de me perguntar sobre {role}?",
    ),
    role_named="a vaga de {title}",
    role_unnamed="esta vaga",
    acknowledgements=("Obrigado.", "Obrigado, isso ajuda.", "Certo, vamos em frente.", "Entendi."),
    job_closing="Muito obrigado, essa foi a minha última pergunta. Você pode encerrar a "
    "entrevista quando quiser.",
    probes={
        "example": "Você poderia dar um exemplo concreto? Conte uma situação do começo ao fim.",
        "personal": "E o que você fez pessoalmente? Fale da sua parte, e não da equipe.",
        "quantify": "Dá para colocar um número nisso? Quanto, quantos ou em quanto tempo?",
        "result": "E qual foi o resultado? Como tudo terminou?",
    },
    case_first="Olá, eu sou o seu entrevistador.",
    case_again="Vamos continuar.",
    case_question="Esta é a pergunta {number} de {total}. {question}",
    case_question_lead="Esta é a pergunta",
    case_brief_lead="Este é o caso: {brief} Agora, esta é a pergunta",
    case_default_question="Explique como você abordaria o problema.",
    case_follow_ups=(
        "Obrigado. Vá um passo além: qual é o fator mais importante aqui, e como você "
        "verificaria isso com dados?",
        "Certo. Você acrescentaria ou mudaria alguma coisa antes de seguirmos?",
    ),
    case_probes={
        "example": "Você poderia me explicar o seu raciocínio passo a passo?",
        "quantify": "Dá para colocar um número nisso? Uma estimativa aproximada já basta.",
    },
    case_closing_last="Obrigado, isso encerra esta pergunta. Quando quiser, você pode encerrar "
    "a entrevista.",
    case_closing_next="Obrigado, isso encerra esta pergunta. Quando quiser, passe para a próxima.",
    hint="Aqui vai uma dica: {hint}",
    hint_none="Prefiro não dar uma direção aqui. Diga onde você travou e como continuaria.",
    hint_last="Essa foi a minha última dica. Diga como você continuaria a partir daqui.",
    fact_intro="Boa pergunta.",
    fact_missing="Não tenho dados sobre isso. O que você suporia, e por quê?",
    resumed="Que bom que você voltou, vamos continuar.",
    listening="Fique à vontade, estou ouvindo.",
    fillers=words("hã ãh hum né tipo então basicamente literalmente"),
    # The pronoun is often dropped: the first person is in the verb too ("liderei", "decidi").
    first_person=pattern(
        r"\b(?:eu|me|mim|meu|minha|meus|minhas|comigo|fiz|tive|estive|fui|disse|pus)\b"
        r"|\b\w{3,}ei\b|\b(?!aqui\b|daqui\b|ali\b)\w{3,}i\b"
    ),
    number_words=words(
        """dois duas três quatro cinco seis sete oito nove dez onze doze quinze vinte trinta
        quarenta cinquenta sessenta setenta oitenta noventa cem cento centenas mil milhão
        milhões bilhão porcentagem metade dobro dobrou triplicou dúzia quarto"""
    ),
    outcome=pattern(
        r"\b(?:resultad\w*|consegu\w*|alcanç\w*|aument\w*|reduz\w*|reduzi\w*|diminu\w*"
        r"|melhor\w*|economiz\w*|cresc\w*|lanç\w*|entreg\w*|resolv\w*|conclu\w*|termin\w*"
        r"|aprend\w*|ganh\w*|sucesso|impacto|no final|no fim|por isso|graças a|mais rápido"
        r"|menos)\b"
    ),
    hint_request=pattern(r"\b(?:dicas?|pistas?)\b"),
    asking=pattern(
        r"\?|^\s*(?:o que|como|quanto\w*|qual|quais|quem|onde|quando|por que|tem|há|existe"
        r"|pode|poderia)\b"
    ),
    stop_words=words(
        """que com por para uma uns umas como mais mas seu sua seus suas este esta isso isto
        tem são qual quais quanto quantos sobre entre desde muito também dos das nos nas"""
    ),
    filler_prompt="Hã, então, tipo, a gente, hum, lançou, né, e foi, hã, basicamente bem.",
)
