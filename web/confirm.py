"""Asking before a state change that is hard to undo.

The button's form carries ``class="confirm" data-confirm="…"`` and a hidden ``confirmed``
input: ``static/confirm.js`` asks in a browser dialog and sends ``confirmed=1``. Without
JavaScript the route answers with ``templates/confirm.html``, which asks on a page and posts
the same action again with ``confirmed=1`` (and whatever fields ``carry`` names).
"""

from __future__ import annotations

from flask import render_template, request

from web.forms_common import EmptyForm


def asked_first(question: str, back: str, carry: dict | None = None):
    """None once the user has said yes; else the page that asks ``question``."""
    if request.form.get("confirmed") == "1":
        return None
    return render_template("confirm.html", question=question, action=request.path,
                           button=EmptyForm(), back=back, carry=carry)
