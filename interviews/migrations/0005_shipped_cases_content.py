"""Move the shipped cases to the section-10 content model.

For every shipped case still in the database: hidden facts out of the prompts into
interviewer_data, exhibits as tables, math answers with tolerance and common errors, hints, and
the free sample flag. A question staff have edited since is left as it is, except that any
"Data to share only when asked:" text in any question's prompt (shipped or not) moves to
interviewer_data, so no prompt keeps interviewer data.
"""

import json
import re
from pathlib import Path

from django.db import migrations
from django.db.models import F

SHIPPED = Path(__file__).with_name("0005_shipped_cases.json")
HIDDEN = re.compile(r"\s*(?:Data to share only when asked|Some facts if useful):\s*", re.I)
CONTENT = ("prompt", "interviewer_data", "exhibit", "expected", "hints")


def _split_hidden(prompt: str) -> tuple[str, str]:
    parts = HIDDEN.split(prompt, maxsplit=1)
    if len(parts) == 1:
        return prompt, ""
    facts = [fact.strip().rstrip(".") for fact in parts[1].split(";") if fact.strip()]
    return parts[0].strip(), "\n".join(fact[:1].upper() + fact[1:] for fact in facts)


def forwards(apps, schema_editor):
    Case = apps.get_model("interviews", "Case")
    CaseQuestion = apps.get_model("interviews", "CaseQuestion")
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    changed = set()
    for case in Case.objects.filter(slug__in=list(shipped)):
        entry = shipped[case.slug]
        case.free = entry["free"]
        case.save(update_fields=["free"])
        by_number = {q["number"]: q for q in entry["questions"]}
        for question in CaseQuestion.objects.filter(case=case):
            new = by_number.get(question.number)
            if new and question.prompt == new["before_prompt"]:
                for name in CONTENT:
                    setattr(question, name, new[name])
                question.save(update_fields=list(CONTENT))
                changed.add(case.pk)
    for question in CaseQuestion.objects.filter(prompt__iregex=HIDDEN.pattern.strip(r"\s*")):
        prompt, facts = _split_hidden(question.prompt)
        question.prompt = prompt
        question.interviewer_data = "\n".join(filter(None, [question.interviewer_data, facts]))
        question.save(update_fields=["prompt", "interviewer_data"])
        changed.add(question.case_id)
    # New content is a new version, as a re-import would record it.
    Case.objects.filter(pk__in=changed).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0004_case_content_fields"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
