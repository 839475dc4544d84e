"""GDPR: export and erase one participant's data (service.py), pages (routes.py)."""
