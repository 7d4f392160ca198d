from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ServiceCentre, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "provider", "employer", "service_centre", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色", {"fields": ("role", "display_name", "provider", "employer", "service_centre")}),
    )
    raw_id_fields = ("provider", "employer")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("counties",)
