import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/divisions/?q=%00", "/api/v1/skills/?q=a%00b", "/api/v1/postings/?division=%00"]
)
def test_nul_in_a_query_string_is_a_clean_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


@pytest.mark.django_db
def test_ordinary_queries_pass():
    assert Client().get("/api/v1/divisions/?q=英德").status_code == 200


def test_a_lone_surrogate_in_a_parameter_is_a_clean_400():
    # No client can percent-encode a lone surrogate; an ASGI/WSGI layer or a test transport can
    # still hand one over, so the middleware is tried on the request object itself.
    from django.http import HttpResponse, QueryDict
    from django.test import RequestFactory

    from backend.common.middleware import RejectBadCharactersMiddleware

    request = RequestFactory().get("/api/v1/postings/")
    request.GET = QueryDict(mutable=True)
    request.GET["q"] = "电\ud800工"
    response = RejectBadCharactersMiddleware(lambda r: HttpResponse("ok"))(request)
    assert response.status_code == 400
    assert b"invalid_characters" in response.content
    request.GET["q"] = "电工"
    assert RejectBadCharactersMiddleware(lambda r: HttpResponse("ok"))(request).status_code == 200
