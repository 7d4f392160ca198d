"""Pages of the employment-service staff: the review queue, batch runs, the county dashboard and
registering a worker at the window."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..shared import for_roles

staff_only = for_roles("service_staff", "admin", refusal=gettext_lazy("只有就业服务人员可以使用该页面。"))
