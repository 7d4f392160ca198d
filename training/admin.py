from django.contrib import admin

from .models import Enrolment, Program, Provider, Session


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county", "verified")
    list_filter = ("kind", "verified")
    search_fields = ("name", "external_id")
    raw_id_fields = ("county",)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "provider", "brand", "delivery", "status", "is_free")
    list_filter = ("brand", "delivery", "status", "is_free")
    search_fields = ("title", "external_id")
    raw_id_fields = ("provider", "occupation", "certificate_type", "venue_division")
    filter_horizontal = ("skills",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("program", "start_date", "end_date", "seats", "enrolled_count", "status")
    list_filter = ("status",)
    raw_id_fields = ("program",)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("worker", "session", "status", "source")
    list_filter = ("status",)
    raw_id_fields = ("worker", "session", "created_by")
