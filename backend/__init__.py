"""The Django project. Importing it loads nothing, so the pure packages below it (backend.text,
backend.common.geo) stay importable without Django; the Celery app is loaded when Django starts
(backend.common.apps) and found by `celery -A backend` as backend.celery."""
