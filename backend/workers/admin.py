from django.contrib import admin

from .models import WorkerCertificate, WorkerProfile, WorkerSkill


class WorkerSkillInline(admin.TabularInline):
    model = WorkerSkill
    raw_id_fields = ("skill",)
    extra = 0


class WorkerCertificateInline(admin.TabularInline):
    model = WorkerCertificate
    raw_id_fields = ("certificate_type",)
    extra = 0


@admin.register(WorkerProfile)
class WorkerProfileAdmin(admin.ModelAdmin):
    # The ID number shows masked only; the admin never renders the ciphertext or the whole number.
    list_display = ("name", "mobile_masked", "id_number_masked", "current_division", "registration_status")
    search_fields = ("name", "external_id")
    raw_id_fields = ("user", "hukou_division", "current_division", "registered_by")
    exclude = ("preferred_divisions", "desired_occupations")
    readonly_fields = ("id_number_masked",)
    inlines = (WorkerSkillInline, WorkerCertificateInline)
