"""The scripted interviewer in English."""

from __future__ import annotations

from .base import Lines, pattern, words

LINES = Lines(
    language="en",
    name="English",
    voice="en-us",
    job_greeting="Hello, thanks for joining. I'll be interviewing you for {role} today. "
    "Let's begin. {question}",
    job_questions=(
        "Tell me about yourself and what draws you to {role}.",
        "Walk me through a project you are proud of that is relevant to {role}. What was your "
        "part, and what was the result?",
        "Tell me about a time something went wrong at work. What did you do, and what did you "
        "learn?",
        "How do you decide what to work on first when everything seems urgent?",
        "Tell me about a disagreement with a colleague and how you resolved it.",
        "What would you focus on in your first ninety days in {role}?",
        "Where do you want to grow in the next two years?",
        "Describe a time you had to learn something new quickly. How did you go about it?",
        "Tell me about a decision you made with incomplete information.",
        "What kind of team do you do your best work in, and why?",
        "Tell me about feedback you received that changed how you work.",
        "What would you like to ask me about the role?",
    ),
    role_named="the {title} role",
    role_unnamed="this role",
    acknowledgements=("Thank you.", "Thanks, that helps.", "Good, let's move on.", "Understood."),
    job_closing="Thank you, that was my last question. You can end the interview whenever you "
    "are ready.",
    probes={
        "example": "Could you give me a specific example? Walk me through one situation.",
        "personal": "What did you do yourself? Tell me about your own part rather than the team's.",
        "quantify": "Can you put a number on that? How much, how many, or how fast?",
        "result": "And what was the result? How did it turn out in the end?",
    },
    case_first="Hello, I'm your interviewer.",
    case_again="Welcome back.",
    case_question="Here is question {number} of {total}. {question}",
    case_question_lead="Here is question",
    case_brief_lead="Here is the case. {brief} Now, question",
    case_default_question="Please walk me through your approach.",
    case_follow_ups=(
        "Thank you. Take it one step further: what is the single most important driver here, "
        "and how would you check it with data?",
        "Good. Is there anything you would add or change before we move on?",
    ),
    case_probes={
        "example": "Could you take me through your reasoning step by step?",
        "quantify": "Can you put a number on that? A rough estimate is fine.",
    },
    case_closing_last="Thank you, that covers this question. When you are ready, you can end "
    "the interview.",
    case_closing_next="Thank you, that covers this question. When you are ready, choose Next "
    "question.",
    hint="Here's a hint: {hint}",
    hint_none="I'd rather not steer you here. Tell me where you're stuck and how you would go on.",
    hint_last="That was my last hint. Tell me how you would go on from here.",
    fact_intro="Good question.",
    fact_missing="I don't have data on that. What would you assume, and why?",
    resumed="Welcome back, let's continue.",
    listening="Take your time. I'm listening.",
    fillers=words("um uh erm er hmm hm mm mhm ah oh like basically actually literally so"),
    first_person=pattern(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b"),
    number_words=words(
        """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
        fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions
        billion percent half double doubled twice tripled dozen dozens quarter"""
    ),
    outcome=pattern(
        r"\b(?:result\w*|outcome\w*|impact\w*|so that|led to|ended up|in the end|which meant"
        r"|as a consequence|increas\w*|reduc\w*|decreas\w*|improv\w*|sav(?:ed|ing|es)|grew"
        r"|grow\w*|cut|doubl\w*|halv\w*|launch\w*|shipp?\w*|deliver\w*|achiev\w*|won|succe\w*"
        r"|learn\w*|fix\w*|solv\w*|resolv\w*|finish\w*|complet\w*|went live|promot\w*|hired"
        r"|raised|boost\w*|lower\w*|faster|fewer)\b"
    ),
    hint_request=pattern(
        r"\b(?:(?:can|could|may)\s+i\s+(?:have|get)|(?:can|could)\s+you\s+give\s+me|give\s+me|"
        r"i\s+(?:need|would\s+like)|any)\s+(?:a\s+|another\s+|one\s+more\s+)?(?:small\s+)?"
        r"hints?\b"
    ),
    asking=pattern(
        r"\?|^\s*(?:what|how|who|which|where|when|why|is|are|do|does|did|can|could|may|should"
        r"|would|will|tell me|i'd like to know|i would like to know)\b"
    ),
    stop_words=words(
        """the and for are was were has have had does did can could would should will what how
        who which where when why this that these those there their them they you your our any
        some about with from into than then also just like know want tell much many more most
        over per each every its it's is a an of to in on at by or be as do we us me my"""
    ),
    filler_prompt="Um, so, uh, I mean, like, we, um, basically shipped it. Uh, you know, it was, "
    "like, hmm, fine.",
)
