from __future__ import annotations

from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from interviews.models import Recording, RecordingChunk
        from interviews.receivers import receivers_connect
        from interviews.recordings import recording_file_on_delete

        receivers_connect()

        for model in (Recording, RecordingChunk):
            post_delete.connect(recording_file_on_delete, sender=model, dispatch_uid=model.__name__)
