"""/manage/imports/: upload a spreadsheet; /manage/imports/<id>/: the import job's progress and result.

The upload creates an import job through the same service as the API (POST /api/v1/imports/)
and redirects to the job's page: the file is read and checked by a Celery task (in-process when
no broker is configured, the embedded default), never inside the upload request on a deployment
with workers. A file over a limit that needs no parsing (size, an .xlsx's zip directory, sheets)
is refused at once beside the file field. The job validates every row first and writes all rows
or none, so its page either reports what was written or lists every bad row (row number, column,
reason) with nothing written. While it runs the page shows rows checked of the total; a small
script (static/js/import-job.js) keeps it current, and a link reloads it without the script.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from backend.accounts.policies import role_of
from backend.common.errors import NotFound
from backend.imports.models import ImportJob
from backend.imports.policies import KIND_ROLES
from backend.imports.selectors import import_job_get, import_job_list
from backend.imports.services import import_job_create

from ..shared import for_roles, run_service
from .forms import KIND_LABELS, ImportForm, import_kinds

# Everyone who may import at least one kind (import_kinds is then never empty).
IMPORT_ROLES = tuple(sorted({role for kind in ImportJob.Kind.values for role in KIND_ROLES[kind]}))
REFUSAL = gettext_lazy("您的账号没有批量导入的权限。")
RECENT_JOBS = 5
UNFINISHED = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)


@require_http_methods(["GET", "POST"])
@for_roles(*IMPORT_ROLES, refusal=REFUSAL)
def imports(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, role=role)
    if posted and form.is_valid():
        job = _create_job(request, form)
        if job is not None:
            return redirect("manage-import-job", job_id=job.pk)
    context = {
        "form": form,
        "templates": import_kinds(role),
        "recent": [(job, KIND_LABELS[job.kind]) for job in import_job_list(actor=request.user)[:RECENT_JOBS]],
    }
    return render(request, "web/imports/upload.html", context, status=400 if form.errors else 200)


def _create_job(request: HttpRequest, form: ImportForm) -> ImportJob | None:
    """The new job, or None when the service refused the file (the form then says why)."""
    created: list[ImportJob] = []

    def create() -> Any:
        created.append(
            import_job_create(
                actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        )

    run_service(form, create)
    return created[0] if created else None


@require_GET
@for_roles(*IMPORT_ROLES, refusal=REFUSAL)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        job = import_job_get(actor=request.user, job_id=job_id)
    except NotFound:
        raise Http404 from None
    errors = job.errors or []
    context = {
        "job": job,
        "kind_label": KIND_LABELS[job.kind],
        "unfinished": job.status in UNFINISHED,
        "file_errors": [e for e in errors if e.get("row") is None and not e.get("column")],
        "row_errors": [e for e in errors if e.get("row") is not None or e.get("column")],
        "bad_rows": len({e["row"] for e in errors if e.get("row") is not None}),
    }
    return render(request, "web/imports/job.html", context)
