"""/search/: the search service rendered as a page, with the same parameters as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.services import search_run

from .. import search_page, selectors
from ..forms import SearchForm


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    result = search_run(query=form.query()) if form.is_valid else None
    home = selectors.worker_home_county(user=request.user)
    context = {
        "form": form,
        "result": result,
        "home_county": home,
        "tabs": search_page.tabs(form, result),
        "choices": search_page.facet_choices(
            form, result, division_label=selectors.division_name(code=form.value("division"))
        ),
        "pagination": search_page.pagination(form, result) if result else None,
    }
    return render(request, "web/search.html", context, status=200 if form.is_valid else 400)
