"""/manage/imports/: upload a spreadsheet and import it at once through the import service.

The service validates every row first and writes all rows or none, so the page either reports
what was written or lists every bad row (row number, column, reason) with nothing written.
Files up to the service's size limit are imported within the request; the API's import jobs
(POST /api/v1/imports/) remain for larger batches run by Celery.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backend.accounts.policies import role_of
from backend.imports.engine import ImportResult
from backend.imports.models import ImportJob
from backend.imports.policies import KIND_ROLES
from backend.imports.services import import_file

from ..shared import for_roles, run_service
from .forms import ImportForm, import_kinds

# Everyone who may import at least one kind (import_kinds is then never empty).
IMPORT_ROLES = tuple(sorted({role for kind in ImportJob.Kind.values for role in KIND_ROLES[kind]}))


@require_http_methods(["GET", "POST"])
@for_roles(*IMPORT_ROLES, refusal=gettext_lazy("您的账号没有批量导入的权限。"))
def imports(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    kinds = import_kinds(role)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, role=role)
    result = _import(request, form) if posted and form.is_valid() else None
    if result is not None and result.ok:
        messages.success(
            request,
            _("导入成功:共 %(rows)s 行,新增 %(created)s 条,更新 %(updated)s 条。")
            % {"rows": result.row_count, "created": result.created, "updated": result.updated},
        )
        return redirect("manage-imports")
    if result is not None:
        # Errors about the whole file (format, size, headers) belong beside the file field.
        for problem in result.errors:
            if problem.row is None and not problem.column:
                form.add_error("file", problem.message)
    context = {
        "form": form,
        "result": result,
        "row_errors": [e for e in result.errors if e.row is not None or e.column] if result else [],
        "templates": kinds,
    }
    return render(request, "web/imports/upload.html", context, status=400 if form.errors or result else 200)


def _import(request: HttpRequest, form: ImportForm) -> ImportResult | None:
    """The import's result, or None when the service refused the kind (the form then says why)."""
    upload = form.cleaned_data["file"]
    done: list[ImportResult] = []

    def run() -> Any:
        done.append(
            import_file(
                path_or_file=upload, kind=form.cleaned_data["kind"], actor=request.user, filename=upload.name
            )
        )

    run_service(form, run)
    return done[0] if done else None
