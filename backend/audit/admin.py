"""No audit log in the Django admin: auditlog registers its admin for the log entry model, which
would show the log to the system administrator (superuser). The auditor reads it at /audit/."""

from auditlog.admin import LogEntryAdmin  # noqa: F401  (imported first, so it is registered)
from django.contrib import admin

from .models import Entry

if admin.site.is_registered(Entry):
    admin.site.unregister(Entry)
