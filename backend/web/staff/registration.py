"""/staff/workers/new/: staff register a worker at the window with the worker's own wizard, then
see the first recommendations for them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from matching.services.recommend import recommendations_for_worker

from ..shared import for_roles
from ..worker import present, wizard
from . import selectors


@require_http_methods(["GET", "POST"])
@for_roles("service_staff", "admin", refusal=gettext_lazy("只有就业服务人员可以在窗口登记劳动者。"))
def staff_worker_new(request: HttpRequest) -> HttpResponse:
    created = request.GET.get("created", "")
    if request.method == "GET" and created.isdigit():
        worker = selectors.worker_for_staff(user=request.user, worker_id=int(created))
        preview = recommendations_for_worker(actor=request.user, worker=worker, kind="job", k=5)
        context = {"worker": worker, "results": present.results(preview.results)}
        return render(request, "web/worker/registered.html", context)

    def done(worker: Any) -> HttpResponse:
        wizard.saved_message(request, created=True)
        return redirect(wizard.staff_done_url(worker))

    run = wizard.Wizard(request, "staff", None)
    return wizard.run(request, run, title=_("窗口登记劳动者"), done=done)
