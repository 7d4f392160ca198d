from django.contrib import admin

from .models import CertificateType, Occupation, Skill


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "brand", "category")
    list_filter = ("brand",)
    search_fields = ("name", "search_terms")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "category")
    search_fields = ("name", "search_terms")


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "has_levels")
    list_filter = ("kind",)
