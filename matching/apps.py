from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    label = "matching"
    verbose_name = "人岗匹配"

    def ready(self) -> None:
        # Matching depends on jobs and training, never the reverse: they announce status changes,
        # matching records what they mean for its suggestions, in the same transaction.
        from backend.jobs.services import application_status_changed
        from training.services import enrolment_status_changed

        from .services import outcomes

        application_status_changed.connect(
            outcomes.on_application_status_changed, dispatch_uid="matching.outcomes_for_application"
        )
        enrolment_status_changed.connect(
            outcomes.on_enrolment_status_changed, dispatch_uid="matching.outcomes_for_enrolment"
        )
