"""Error pages: in the user's language, inside the site's layout, with the error's status."""

import pytest

from web import create_app


def _page(r) -> str:
    return r.get_data(as_text=True)


def test_an_unknown_page_is_a_danish_404_in_the_sites_layout(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and r.mimetype == "text/html"
    html = _page(r)
    assert "<h1>Siden findes ikke</h1>" in html and 'href="/"' in html
    assert 'class="top"' in html and "Fejlkode 404" in html
    assert "Not Found" not in html and "requested URL" not in html  # not Werkzeug's page


def test_the_404_follows_the_chosen_language(client):
    client.post("/lang/en")
    html = _page(client.get("/no-such-page"))
    assert "<h1>Page not found</h1>" in html and "Error code 404" in html


def test_someone_elses_record_is_the_same_404_with_the_menu(client, make, auth):
    me = make.user("consultant")
    theirs = make.participant(code="THEIRS")
    auth.login(me)
    r = client.get(f"/participants/{theirs.id}")
    assert r.status_code == 404
    html = _page(r)
    assert "Siden findes ikke" in html and "Deltagere" in html  # the menu is there
    assert "THEIRS" not in html


def test_a_wrong_method_keeps_its_allow_header(client):
    r = client.get("/logout")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]
    assert "Ikke muligt her" in _page(r)


def test_a_too_large_upload_says_the_limit(client, make, auth):
    auth.login(make.user("consultant"))
    r = client.post("/imports/", data=b"x" * (5 * 1024 * 1024 + 1),
                    content_type="application/octet-stream")
    assert r.status_code == 413
    assert "større end de tilladte 5 MB" in _page(r)
    assert "Højst 5 MB." in _page(client.get("/imports/"))  # said before the upload, too


def test_the_api_still_answers_problem_json(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.get_json()["status"] == 404


@pytest.fixture
def strict_app(app_config, db):
    """The app as it runs: CSRF checked and exceptions turned into 500 pages."""
    strict = create_app({**app_config, "WTF_CSRF_ENABLED": True, "PROPAGATE_EXCEPTIONS": False})

    @strict.route("/test-raises")
    def boom():
        raise RuntimeError("internal detail 4711")

    return strict


def test_a_form_without_a_valid_csrf_token_explains_what_to_do(strict_app):
    r = strict_app.test_client().post("/login", data={"email": "a@b.dk", "password": "x"})
    assert r.status_code == 400
    html = _page(r)
    assert "Formularen er forældet" in html and "Genindlæs siden" in html
    assert "CSRF" not in html


def test_an_unexpected_error_is_a_500_page_without_details(strict_app):
    r = strict_app.test_client().get("/test-raises")
    assert r.status_code == 500
    html = _page(r)
    assert "Noget gik galt" in html and "4711" not in html and "Traceback" not in html
