"""The worker process's Flask app, created once and shared by every job it runs."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

_app: Flask | None = None


def get_app() -> Flask:
    """The active app if there is one (tests, callbacks in-process), else the worker's own."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from web import create_app

        _app = create_app()
    return _app
