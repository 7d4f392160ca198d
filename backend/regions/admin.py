from django.contrib import admin

from .models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "latitude", "longitude")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
