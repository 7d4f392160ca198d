from django.contrib import admin

from .models import MatchingRun, ModelVersion, Suggestion, SuggestionEvent


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active", "activated_at", "created_at")
    list_filter = ("kind", "is_active")
    readonly_fields = ("is_active", "activated_at", "metrics", "trained_on")  # switch with the API/service


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "kind",
        "status_label",
        "started_by",
        "processed_workers",
        "total_workers",
        "created_at",
    )
    list_filter = ("kind", "status")
    raw_id_fields = ("started_by", "model_version")
    readonly_fields = ("cursor", "processed_workers", "suggestions_created", "suggestions_updated",
                       "suggestions_withdrawn", "catalogue_version", "started_at", "finished_at", "error", "attempt",
                       "lease_expires_at")  # fmt: skip


class SuggestionEventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "action", "from_status", "to_status", "reason_code", "outcome", "note",
                       "model_version", "at")  # fmt: skip

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "worker",
        "kind",
        "posting",
        "session",
        "score",
        "status",
        "outcome",
        "model_version",
    )
    list_filter = ("kind", "status", "outcome", "reason_code")
    raw_id_fields = ("worker", "posting", "session", "model_version", "run", "reviewed_by", "application",
                     "enrolment")  # fmt: skip
    readonly_fields = ("score", "rank", "explanation", "pathways", "reason", "status", "reviewed_by",
                       "reviewed_at", "outcome", "outcome_at")  # fmt: skip
    inlines = [SuggestionEventInline]


@admin.register(SuggestionEvent)
class SuggestionEventAdmin(admin.ModelAdmin):
    """The audit trail: read only."""

    list_display = ("suggestion", "action", "actor", "from_status", "to_status", "model_version", "at")
    list_filter = ("action",)
    raw_id_fields = ("suggestion", "actor", "model_version")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
