"""GET /api/v1/audit/entries/: the audit log for the auditor, read only, newest first."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from . import selectors
from .models import Entry
from .policies import can_read_audit_log


class IsAuditor(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_read_audit_log(request.user)


class EntryFilterInput(serializers.Serializer):
    actor = serializers.CharField(required=False, allow_blank=True, max_length=150)
    event = serializers.ChoiceField(choices=Entry.Event.choices, required=False, allow_blank=True)
    target_type = serializers.ChoiceField(choices=[], required=False, allow_blank=True)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = selectors.target_type_choices()  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("结束日期不能早于开始日期。")]})
        return attrs


class EntryOutput(serializers.ModelSerializer):
    event_label = serializers.CharField(source="get_event_display", read_only=True)
    # None for entries written outside a request (a Celery task, a command)
    request_id = serializers.CharField(source="cid", read_only=True, allow_null=True)
    target_type = serializers.SerializerMethodField()
    target_id = serializers.CharField(source="object_pk", read_only=True)
    target = serializers.CharField(source="object_repr", read_only=True)
    detail = serializers.JSONField(source="additional_data", read_only=True)

    class Meta:
        model = Entry
        fields = ("id", "timestamp", "event", "event_label", "actor", "actor_label", "actor_role",
                  "remote_addr", "request_id", "target_type", "target_id", "target", "changes", "detail")  # fmt: skip

    def get_target_type(self, entry: Entry) -> str | None:
        return entry.content_type.app_label + "." + entry.content_type.model if entry.content_type else None


class EntryListView(generics.ListAPIView):
    """审计日志: every entry is already masked; only the auditor (审计管理员) may read it."""

    permission_classes = (IsAuditor,)
    serializer_class = EntryOutput
    filter_backends: list[Any] = []

    @extend_schema(parameters=[EntryFilterInput])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        filters = EntryFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.entry_list(**filters.validated_data)
