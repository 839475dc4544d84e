"""The audit log: recording hooks (hooks.py) and the admin's viewer (routes.py)."""
