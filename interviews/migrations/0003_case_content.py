from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0002_interview_start_attempt"),
    ]

    operations = [
        migrations.RenameField(model_name="case", old_name="prompt", new_name="brief"),
    ]
