from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from .models import ApiToken, ServiceCentre, User
from .services import RevokeReason, api_tokens_revoke, user_role_access_sync

ROLE_FIELDS = ("role", "display_name", "provider", "employer", "service_centre")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "provider", "employer", "service_centre", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("角色", {"fields": ROLE_FIELDS}),
    )
    # The role is chosen with the password, so the password rules of that role apply
    # (backend/accounts/password_validation.py) and a staff role gets its organisation.
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        ("角色", {"fields": ROLE_FIELDS}),
    )
    raw_id_fields = ("provider", "employer")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Only a superuser hands out superuser rights or single permissions; nobody but a
        superuser changes their own role, groups or admin access."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        readonly += ("is_superuser", "user_permissions")
        if obj is not None and obj.pk == request.user.pk:
            readonly += ("role", "groups", "is_staff", "is_active")
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user_role_access_sync(user=form.instance)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("counties",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The security administrator's view of API tokens: who, which device, when; deleting one
    revokes it (audited). Never the key: only its digest is stored, and not shown either."""

    list_display = ("user", "name", "user_agent", "created", "last_used_at", "expiry")
    search_fields = ("user__username", "name")
    fields = ("user", "name", "user_agent", "created", "last_used_at", "expiry")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens come from the token endpoint, whose answer is the only copy of the key

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        self.delete_queryset(request, ApiToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        api_tokens_revoke(
            tokens=queryset, actor=request.user, reason=RevokeReason.SECURITY_ADMIN, request=request
        )
