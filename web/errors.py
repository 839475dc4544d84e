"""Error pages for people: in the user's language, inside the site's layout, saying what to do.

The API under /api/ answers errors as application/problem+json (web.api.errors); everything
else comes here instead of Werkzeug's bare English pages.
"""

from __future__ import annotations

import logging

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.config import UPLOAD_MB

log = logging.getLogger(__name__)

# status: (title, what happened and what to do)
MESSAGES = {
    400: (_l("The request could not be read"),
          _l("Something in what was sent did not make sense. Go back and try again.")),
    403: (_l("No access"), _l("You do not have access to this page.")),
    404: (_l("Page not found"),
          _l("The page does not exist, or you do not have access to it. Check the address, "
             "or start again from the menu.")),
    405: (_l("Not possible here"), _l("This page cannot be used that way.")),
    413: (_l("Too large"),
          _l("What you sent is larger than the %(mb)s MB allowed. Split the file and send the "
             "parts one at a time.", mb=UPLOAD_MB)),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a minute and try again.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. Try again in a moment; if it keeps "
             "happening, tell your administrator what you were doing.")),
}
CSRF_MESSAGE = (_l("The form is out of date"),
                _l("The form was sent from a page that is out of date, or you were logged out "
                   "meanwhile. Reload the page, check what you filled in, and send it again."))


def html_error(error: HTTPException):
    """The error page for a non-API request, with the error's own status and headers."""
    code = error.code or 500
    if isinstance(error, CSRFError):
        title, text = CSRF_MESSAGE
    else:
        title, text = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    try:
        body = render_template("errors/error.html", code=code, title=title, text=text)
    except Exception:  # the layout itself failed (e.g. the database is down): plain text
        log.exception("error page could not be rendered for status %s", code)
        body = f"{code} {error.name}"
        headers.append(("Content-Type", "text/plain; charset=utf-8"))
    return body, code, headers
