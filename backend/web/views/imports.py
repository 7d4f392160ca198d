"""/manage/imports/: upload a spreadsheet and import it at once through the import service.

The service validates every row first and writes all rows or none, so the page either reports
what was written or lists every bad row (row number, column, reason) with nothing written.
Files up to the service's size limit are imported within the request; the API's import jobs
(POST /api/v1/imports/) remain for larger batches run by Celery.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.policies import role_of
from backend.common import errors
from backend.imports.services import import_file

from ..forms_provider import ImportForm, import_kinds


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    role = role_of(request.user)
    kinds = import_kinds(role)
    if not kinds:
        raise PermissionDenied(_("您的账号没有批量导入的权限。"))
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, role=role)
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                path_or_file=upload, kind=form.cleaned_data["kind"], actor=request.user, filename=upload.name
            )
        except errors.PermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except errors.DomainError as error:
            form.add_error("kind", error.message)
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
