"""Root conftest: puts the repository root on sys.path for the tests."""
