from django.contrib import admin

from .models import Application, Employer, Posting


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "county", "industry", "is_stable_employment_base")
    search_fields = ("name", "credit_code", "external_id")
    list_filter = ("is_stable_employment_base",)
    raw_id_fields = ("county",)


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ("title", "employer", "division", "wage_min", "wage_max", "status", "expires_on")
    list_filter = ("status", "campaign", "wage_type")
    search_fields = ("title", "external_id")
    raw_id_fields = ("employer", "division", "occupation", "required_certificate")
    filter_horizontal = ("required_skills", "preferred_skills")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("worker", "posting", "status", "source", "created_at")
    list_filter = ("status", "source")
    raw_id_fields = ("worker", "posting", "referred_by")
