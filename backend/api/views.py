"""Shared view plumbing: a viewset whose reads go to a selector and whose writes go to services.

Subclasses name a selector (visible rows for the user), input/output serializers and the
create/update services; the view itself holds no rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from backend.api.filtering import ID_PATTERN
from backend.api.idempotency import idempotent


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_PATTERN  # an id too long for the database is a 404, not a driver error
    selector: ClassVar[Callable[..., Any]]
    input_serializer_class: ClassVar[type[Serializer] | None] = None
    # Some resources take a narrower body on update (e.g. only a status); defaults to the input one.
    update_serializer_class: ClassVar[type[Serializer] | None] = None
    create_service: ClassVar[Callable[..., Any] | None] = None
    update_service: ClassVar[Callable[..., Any] | None] = None
    # The name of the object keyword the update service takes (program=..., posting=...).
    object_kwarg: ClassVar[str] = "instance"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return type(self).selector(user=self.request.user)

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        if self.action in ("create", "update", "partial_update") and self.input_serializer_class:
            return self.input_serializer_class
        return self.serializer_class

    def output(self, instance: Any, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        return Response(
            self.serializer_class(fresh, context=self.get_serializer_context()).data,  # type: ignore[misc]
            status=status_code,
        )

    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        create_service = type(self).create_service
        if create_service is None:
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        serializer = self.input_serializer_class(data=request.data, context=self.get_serializer_context())  # type: ignore[misc]
        serializer.is_valid(raise_exception=True)
        instance = create_service(actor=request.user, data=serializer.validated_data)
        return self.output(instance, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        update_service = type(self).update_service
        if update_service is None:
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        instance = self.get_object()
        partial = kwargs.get("partial", False)
        serializer_class = self.update_serializer_class or self.input_serializer_class
        serializer = serializer_class(  # type: ignore[misc]
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        updated = update_service(
            actor=request.user, data=serializer.validated_data, **{self.object_kwarg: instance}
        )
        return self.output(updated)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)
