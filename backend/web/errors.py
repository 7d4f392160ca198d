"""handler500 (backend/urls.py): Django's 500 page, with the CSP nonce its one inline <style> needs.

The page is rendered as Django's own is, without a request context (nothing that can fail: no
static manifest, no database, no context processors); only the nonce is passed in. A failure in a
middleware before django-csp's leaves no nonce and no CSP header, and the style applies anyway.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    nonce = getattr(request, "csp_nonce", None)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"csp_nonce": str(nonce) if nonce is not None else ""}))
