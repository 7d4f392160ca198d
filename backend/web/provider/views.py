"""/provider/programs/...: a training provider's programs, their sessions (开班) and enrolments.

Only provider staff, and only their own provider's rows (another provider's is a 404). Every
write goes through training.services; its errors come back beside the form's fields.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.common.ids import new_external_id
from training import services
from training.models import Enrolment

from ..catalogue_selectors import occupation_skill_names
from ..shared import for_roles, run_reported, run_service
from . import selectors as sel
from .forms import ProgramForm, SessionForm

# The enrolment buttons: the status each sets and its label; the service decides which apply.
ENROLMENT_ACTIONS = (
    (Enrolment.Status.ENROLLED, gettext_lazy("录取")),
    (Enrolment.Status.COMPLETED, gettext_lazy("标记结业")),
    (Enrolment.Status.CERTIFIED, gettext_lazy("标记取证")),
    (Enrolment.Status.DROPPED, gettext_lazy("退出")),
)
provider_only = for_roles("provider_staff", refusal=gettext_lazy("只有培训机构的工作人员可以管理培训项目。"))


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if context["form"].errors else 200)


@provider_only
def programs(request: HttpRequest) -> HttpResponse:
    return render(request, "web/provider/programs.html", {"programs": sel.own_programs(user=request.user)})


@provider_only
@require_http_methods(["GET", "POST"])
def program_form(request: HttpRequest, program_id: int | None = None) -> HttpResponse:
    program = sel.own_program(user=request.user, program_id=program_id) if program_id else None
    form = ProgramForm(
        request.POST if request.method == "POST" else None, instance=program, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if program is None:
            data["external_id"] = new_external_id("p")
            action = partial(services.program_create, actor=request.user, data=data)
        else:
            action = partial(services.program_update, actor=request.user, program=program, data=data)
        if run_service(form, action):
            messages.success(request, _("培训项目已保存。发布后劳动者才能搜到。"))
            return redirect("provider-programs")
    context = {"form": form, "program": program, "skill_names": occupation_skill_names()}
    return _form_page(request, "web/provider/program_form.html", context)


@provider_only
@require_POST
def program_action(request: HttpRequest, program_id: int, action: str) -> HttpResponse:
    program = sel.own_program(user=request.user, program_id=program_id)
    run = {"publish": services.program_publish, "close": services.program_close}.get(action)
    if run is None:
        raise Http404
    about = _("“%(title)s”:") % {"title": program.title}
    if not run_reported(request, partial(run, actor=request.user, program=program), about=about):
        return redirect("provider-programs")
    done = _("已发布“%(title)s”。") if action == "publish" else _("已关闭“%(title)s”。")
    messages.success(request, done % {"title": program.title})
    return redirect("provider-programs")


@provider_only
def sessions(request: HttpRequest, program_id: int) -> HttpResponse:
    program = sel.own_program(user=request.user, program_id=program_id)
    context = {"program": program, "sessions": sel.program_sessions(user=request.user, program=program)}
    return render(request, "web/provider/sessions.html", context)


@provider_only
@require_http_methods(["GET", "POST"])
def session_form(request: HttpRequest, program_id: int, session_id: int | None = None) -> HttpResponse:
    program = sel.own_program(user=request.user, program_id=program_id)
    session = (
        sel.own_session(user=request.user, program=program, session_id=session_id) if session_id else None
    )
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if session is None:
            data.update(program=program, external_id=new_external_id("s"))
            action = partial(services.session_create, actor=request.user, data=data)
        else:
            action = partial(services.session_update, actor=request.user, session=session, data=data)
        if run_service(form, action):
            messages.success(request, _("开班已保存。"))
            return redirect("provider-sessions", program_id=program.pk)
    return _form_page(
        request, "web/provider/session_form.html", {"form": form, "program": program, "session": session}
    )


@provider_only
@require_http_methods(["GET", "POST"])
def enrolments(request: HttpRequest, program_id: int, session_id: int) -> HttpResponse:
    program = sel.own_program(user=request.user, program_id=program_id)
    session = sel.own_session(user=request.user, program=program, session_id=session_id)
    if request.method == "POST":
        enrolment = sel.session_enrolment(
            user=request.user, session=session, enrolment_id=_int(request.POST.get("enrolment"))
        )
        change = partial(
            services.enrolment_set_status,
            actor=request.user,
            enrolment=enrolment,
            data={"status": request.POST.get("status", "")},
        )
        if run_reported(request, change, about=f"{enrolment.worker.name}:"):
            messages.success(
                request,
                _("%(name)s 的报名状态已改为“%(status)s”。")
                % {"name": enrolment.worker.name, "status": enrolment.get_status_display()},
            )
        return redirect("provider-enrolments", program_id=program.pk, session_id=session.pk)
    rows = [
        (
            e,
            [
                (status, label)
                for status, label in ENROLMENT_ACTIONS
                if status in services.enrolment_next_statuses(e)  # the service still checks
            ],
        )
        for e in sel.session_enrolments(user=request.user, session=session)
    ]
    return render(
        request, "web/provider/enrolments.html", {"program": program, "session": session, "rows": rows}
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
