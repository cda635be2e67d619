"""searchsvc: full-text search for Danish municipal council minutes."""

__version__ = "0.1.0"
