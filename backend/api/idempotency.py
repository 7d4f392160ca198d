"""`Idempotency-Key` on API writes that create things: a client that retries (a timeout, a lost
answer on a bad mobile connection) gets the first answer again instead of a second row.

`@idempotent` wraps a view's create handler. Without the header nothing changes. With it, the
handler runs in one transaction with a record of (user, key): the first successful answer (its
status, body and Location) is stored there, so a write that fails or rolls back leaves no record
and may be retried. A later request with the same key and the same method, path and body (for an
upload: the same file content) gets that answer again with `Idempotent-Replayed: true`; the same
key with anything else is a 422 `idempotency_key_reused`. Two requests racing with one key meet at
the record's unique constraint: the second waits for the first to commit and replays its answer.
Records are kept IDEMPOTENCY_KEY_HOURS (24) and pruned by the `outbox.prune` beat job.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from backend.common.errors import DomainError, ValidationFailed
from backend.outbox.idempotency import keep_for
from backend.outbox.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEPT_HEADERS = ("Location",)


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _("该幂等键已用于另一个不同的请求,请为新的请求使用新的幂等键。")


def request_key(request: Request) -> str | None:
    """The request's key, None without the header; 400 unless 1-255 printable ASCII characters."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise ValidationFailed.for_field(
            HEADER, "invalid_idempotency_key", _("幂等键须为 1 至 255 个可打印的 ASCII 字符。")
        )
    return key


def _file_digest(upload: UploadedFile) -> dict[str, str]:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"file": upload.name or "", "sha256": digest.hexdigest()}


def _canonical(data: Any) -> Any:
    """The parsed body as plain JSON values, uploads replaced by their name and content hash."""
    if hasattr(data, "lists"):  # a QueryDict (form or multipart body)
        return {key: [_canonical(value) for value in values] for key, values in data.lists()}
    if isinstance(data, UploadedFile):
        return _file_digest(data)
    if isinstance(data, dict):
        return {str(key): _canonical(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_canonical(value) for value in data]
    return data


def fingerprint(request: Request) -> str:
    try:
        body = json.dumps(_canonical(request.data), sort_keys=True, ensure_ascii=False, default=str)
    except RecursionError:  # a body nested too deeply to compare: refuse it, never a 500
        raise ValidationFailed(_("请求内容嵌套过深。"), code="too_deep") from None
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    return Response(
        record.body, status=record.status_code, headers={**record.headers, REPLAYED_HEADER: "true"}
    )


def _claim(*, user: Any, key: str, where: str, digest: str) -> IdempotencyRecord:
    """This request's record (in the current transaction), or the first request's when it has one."""
    found = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if found is not None and found.created_at < timezone.now() - keep_for():
        found.delete()  # expired but not yet pruned: the key is free again
        found = None
    if found is None:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(user=user, key=key, request=where, fingerprint=digest)
        except IntegrityError:  # a concurrent request with this key committed first
            found = IdempotencyRecord.objects.get(user=user, key=key)
    if found.fingerprint != digest:
        raise IdempotencyKeyReused()
    return found


Handler = Callable[..., Response]


def idempotent(handler: Handler) -> Handler:
    """Decorate a view's create handler (`create`, or an APIView's `post`)."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request_key(request)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        digest = fingerprint(request)
        with transaction.atomic():
            record = _claim(
                user=request.user, key=key, where=f"{request.method} {request.path}"[:300], digest=digest
            )
            if record.status_code:
                return _replay(record)
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.status_code = response.status_code
                record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                record.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                record.save(update_fields=["status_code", "body", "headers"])
            else:  # only a success is worth replaying; this answer was no write
                record.delete()
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def is_idempotent(handler: Any) -> bool:
    return bool(getattr(handler, "idempotent", False))
