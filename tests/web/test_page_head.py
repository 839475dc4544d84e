"""The head every page shares (web/templates/base.html)."""

import re


def test_every_page_names_an_icon_that_is_served(client):
    """Browsers ask for /favicon.ico (a 404 in the console) unless the page names an icon."""
    html = client.get("/login").get_data(as_text=True)
    m = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert m, "no icon link in the page head"
    r = client.get(m.group(1))
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.get_data(as_text=True).startswith("<svg")
    # Where no page names it (a JSON answer opened in a browser), the usual path leads there.
    assert client.get("/favicon.ico").headers["Location"].endswith(m.group(1))
