from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    label = "matching"
    verbose_name = "人岗匹配"

    def ready(self) -> None:
        # Matching depends on jobs and training, never the reverse: they announce status changes,
        # matching records what they mean for its suggestions, in the same transaction.
        from backend.jobs.services import application_status_changed
        from backend.workers.consent import consent_withdrawn
        from training.services import enrolment_status_changed

        from .services import outcomes, runs

        application_status_changed.connect(
            outcomes.on_application_status_changed, dispatch_uid="matching.outcomes_for_application"
        )
        enrolment_status_changed.connect(
            outcomes.on_enrolment_status_changed, dispatch_uid="matching.outcomes_for_enrolment"
        )
        consent_withdrawn.connect(runs.withdraw_pending_on_consent_withdrawn, dispatch_uid="matching.consent")
