"""Store the rubric (version 1) with every AI assessment graded before rubrics were stored."""

from __future__ import annotations

from django.db import migrations

# A frozen copy: the rubric in code may change later, these reports were graded with this one.
RUBRIC_V1 = {'case': {'version': 1,
          'dimensions': [{'key': 'structuring',
                          'label': 'Structuring',
                          'anchors': {'1': 'No visible structure; jumps between ideas.',
                                      '3': 'A generic framework, partly tailored to the case.',
                                      '5': 'A MECE, case-specific structure that drives the '
                                           'whole discussion.'}},
                         {'key': 'numeracy',
                          'label': 'Numeracy',
                          'anchors': {'1': 'Calculations missing or wrong, no sanity checks.',
                                      '3': 'Correct maths with some prompting or slips '
                                           'corrected.',
                                      '5': 'Fast, correct maths with stated assumptions and '
                                           'sanity checks.'}},
                         {'key': 'judgement',
                          'label': 'Judgement and insight',
                          'anchors': {'1': 'Restates data without saying what it means.',
                                      '3': 'Draws the obvious implication of the data.',
                                      '5': "Draws the 'so what', prioritises, and spots the "
                                           'non-obvious driver.'}},
                         {'key': 'creativity',
                          'label': 'Creativity',
                          'anchors': {'1': 'One or two generic ideas.',
                                      '3': 'Several relevant ideas, loosely organised.',
                                      '5': 'Many relevant, structured ideas including '
                                           'unexpected ones.'}},
                         {'key': 'synthesis',
                          'label': 'Synthesis',
                          'anchors': {'1': 'No recommendation, or a summary of steps.',
                                      '3': 'A recommendation with some support.',
                                      '5': 'A clear answer first, the key reasons, risks and '
                                           'next steps.'}},
                         {'key': 'communication',
                          'label': 'Communication',
                          'anchors': {'1': 'Hard to follow; long silences or rambling.',
                                      '3': 'Clear enough, with some filler and backtracking.',
                                      '5': 'Concise, signposted, confident; checks in with the '
                                           'interviewer.'}}]},
 'job': {'version': 1,
         'dimensions': [{'key': 'relevance',
                         'label': 'Relevance to the role',
                         'anchors': {'1': 'Answers do not connect to the role.',
                                     '3': "Some answers tie experience to the role's needs.",
                                     '5': 'Every answer shows why the experience matters for '
                                          'this role.'}},
                        {'key': 'structure',
                         'label': 'Structure (STAR)',
                         'anchors': {'1': 'Stories without situation, action or result.',
                                     '3': 'Situation and action clear; results vague.',
                                     '5': 'Situation, task, action and a measurable result '
                                          'every time.'}},
                        {'key': 'specificity',
                         'label': 'Specificity and evidence',
                         'anchors': {'1': 'General claims with no examples.',
                                     '3': 'Examples given but few figures or details.',
                                     '5': 'Concrete examples with figures, scope and the '
                                          "candidate's own part."}},
                        {'key': 'communication',
                         'label': 'Communication',
                         'anchors': {'1': 'Hard to follow; long silences or rambling.',
                                     '3': 'Clear enough, with some filler and backtracking.',
                                     '5': 'Concise, confident and well paced.'}}]}}


def forwards(apps, schema_editor):
    Feedback = apps.get_model("interviews", "Feedback")
    for feedback in Feedback.objects.exclude(assessment={}).select_related("interview"):
        if "rubric" in feedback.assessment or not feedback.assessment.get("dimensions"):
            continue
        feedback.assessment = feedback.assessment | {"rubric": RUBRIC_V1[feedback.interview.kind]}
        feedback.save(update_fields=["assessment"])


class Migration(migrations.Migration):
    dependencies = [("interviews", "0002_interview_start_attempt")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
