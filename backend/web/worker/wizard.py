"""The profile wizard: four short steps, state kept in the session so it works without JS.

Every step posts its fields with a `go` button (next, back, refresh a place list, restart). A valid
step moves on (POST/redirect/GET); the last one validates every step again, checks the whole
profile with the API's `WorkerProfileInput` and saves through `worker_register`/`worker_update`.
Problems found by the serializer or the services come back beside the field on its own step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from backend.common import crypto, errors
from backend.workers.api import WorkerProfileInput
from backend.workers.models import WorkerProfile
from backend.workers.services import worker_register, worker_update

from ..shared import drf_messages, problems_by_field
from . import forms as wf
from . import selectors as sel

LAST = len(wf.STEP_FORMS)
_NOT_INPUT = ("csrfmiddlewaretoken", "go", "step")
MULTI = ("preferred_divisions",)
# Typed but not yet saved: kept in the session encrypted like the saved number (sessions are rows
# in the database), so an ID number is never at rest in clear text.
SEALED = ("id_number",)


def _seal(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [crypto.encrypt(x) if x else "" for x in v] if k in SEALED else v for k, v in raw.items()}


def _open(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [_unsealed(x) for x in v] if k in SEALED else v for k, v in raw.items()}


def _unsealed(token: str) -> str:
    """A value sealed under a key since removed is dropped (the worker types it again), not a 500."""
    try:
        return crypto.decrypt(token) if token else ""
    except crypto.InvalidToken:
        return ""


@dataclass
class Wizard:
    """One run of the wizard: whose profile (None: a new one) and where its state lives."""

    request: HttpRequest
    mode: str  # "self" (the worker) or "staff" (at the window)
    worker: WorkerProfile | None

    @property
    def key(self) -> str:
        return f"worker-wizard:{self.mode}"

    @property
    def state(self) -> dict[str, dict[str, list[str]]]:
        stored = self.request.session.get(self.key)
        if stored is None:
            seeded = sel.profile_as_steps(self.worker) if self.worker else {}
            state = {step: {k: v if isinstance(v, list) else [v] for k, v in raw.items()}
                     for step, raw in seeded.items()}  # fmt: skip
            self._store(state)
            return state
        return {step: _open(raw) for step, raw in stored.items()}

    def _store(self, state: dict[str, dict[str, list[str]]]) -> None:
        self.request.session[self.key] = {step: _seal(raw) for step, raw in state.items()}

    def keep(self, step: int, raw: dict[str, list[str]]) -> None:
        self._store({**self.state, str(step): raw})

    def clear(self) -> None:
        self.request.session.pop(self.key, None)

    def form(self, step: int, *, bound: bool) -> Form:
        """A step's form, bound to what was typed (to validate) or showing it as initial values."""
        raw = self.state.get(str(step), {})
        kwargs: dict[str, Any] = {"on_behalf": self.mode == "staff"} if step == LAST else {}
        if bound:
            return wf.STEP_FORMS[step](MultiValueDict(raw), **kwargs)
        initial = {k: v if k in MULTI else (v[0] if v else "") for k, v in raw.items()}
        return wf.STEP_FORMS[step](initial=initial, **kwargs)

    def url(self, step: int, anchor: str = "") -> str:
        return f"{self.request.path}?step={step}{anchor}"


def _step(value: Any) -> int:
    return min(max(int(value), 1), LAST) if str(value).isdigit() else 1


def run(request: HttpRequest, wizard: Wizard, *, title: str, done: Any) -> HttpResponse:
    """GET shows a step; POST stores it and moves on; `done(worker)` answers after the save."""
    if request.method != "POST":
        step = _step(request.GET.get("step", 1))
        return _page(request, wizard, step, wizard.form(step, bound=False), title=title)
    step, go = _step(request.POST.get("step", 1)), request.POST.get("go", "next")
    if go == "restart":
        wizard.clear()
        return redirect(wizard.url(1))
    wizard.keep(step, {k: request.POST.getlist(k) for k in request.POST if k not in _NOT_INPUT})
    if go == "back":
        return redirect(wizard.url(max(step - 1, 1)))
    if go == "refresh":  # a province or city was picked without JS: show its list below
        return redirect(wizard.url(step, "#places"))
    form = wizard.form(step, bound=True)
    if not form.is_valid():
        return _page(request, wizard, step, form, title=title, status=400)
    if step < LAST:
        return redirect(wizard.url(step + 1))
    saved = _save(request, wizard)
    if isinstance(saved, tuple):
        failed_step, failed_form = saved
        return _page(request, wizard, failed_step, failed_form, title=title, status=400)
    wizard.clear()
    return done(saved)


def _save(request: HttpRequest, wizard: Wizard) -> WorkerProfile | tuple[int, Form]:
    """The saved profile, or (step, form with the errors) to show again."""
    forms = {step: wizard.form(step, bound=True) for step in wf.STEP_FORMS}
    for step, form in forms.items():
        if not form.is_valid():
            return step, form
    data: dict[str, Any] = {}
    for form in forms.values():
        data |= form.profile_data()  # type: ignore[attr-defined]
    serializer = WorkerProfileInput(data=data)
    if not serializer.is_valid():
        return _place_errors(forms, {k: drf_messages(v) for k, v in serializer.errors.items()})
    try:
        if wizard.worker is None:
            return worker_register(actor=request.user, data=serializer.validated_data)
        return worker_update(actor=request.user, worker=wizard.worker, data=serializer.validated_data)
    except errors.PermissionDenied as error:
        if wizard.mode != "staff":
            raise
        # Staff registering outside their counties: the place is what needs changing.
        return _place_errors(forms, {"current_division": [error.message]})
    except errors.DomainError as error:
        return _place_errors(forms, problems_by_field(error) or {"": [error.message]})


def _place_errors(forms: dict[int, Form], problems: dict[str, list[str]]) -> tuple[int, Form]:
    """Errors of the whole profile put beside their fields, on the first step that has one."""
    first = min((wf.step_of(field) for field in problems), default=LAST)
    form = forms[first]
    for field, messages_ in problems.items():
        if wf.step_of(field) != first:
            continue
        name = wf.form_field(field)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)
    return first, form


def _page(
    request: HttpRequest, wizard: Wizard, step: int, form: Form, *, title: str, status: int = 200
) -> HttpResponse:
    context = {
        "title": title,
        "step": step,
        "last": LAST,
        "steps": [(n, str(label)) for n, label in wf.STEP_TITLES.items()],
        "step_title": str(wf.STEP_TITLES[step]),
        "form": form,
        "wizard": wizard,
        "editing": wizard.worker,
        "on_behalf": wizard.mode == "staff",
    }
    return render(request, "web/worker/wizard.html", context, status=status)


def saved_message(request: HttpRequest, *, created: bool) -> None:
    messages.success(request, _("资料已保存。") if not created else _("登记成功。"))


def staff_done_url(worker: WorkerProfile) -> str:
    return f"{reverse('staff-worker-new')}?created={worker.pk}"
