"""The API's documentation pages: drf-spectacular's Swagger UI and Redoc, served from the sidecar
package (never a CDN), under the site's Content-Security-Policy plus what each needs.

Swagger UI needs nothing more: its start-up script is fetched from the page's own URL (`?script`,
the split view) instead of being inline, and its one <style> block carries the nonce
(backend/web/templates/api/swagger_ui.html). Redoc's bundle inserts <style> elements as it loads,
before any nonce could reach it, and styled-components more as it renders: its page alone allows
inline styles (scripts stay 'self' only), and its search runs in a Web Worker from a blob: URL.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

swagger = SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")
# No nonce in style-src here: a nonce would make browsers ignore 'unsafe-inline'.
redoc = csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
)
