"""The names of the source formats searchsvc reads, which a source may force in config.

A list apart from the parsers (``sources.READERS``, which must name exactly these), so
that reading the configuration does not load every parser.
"""

from __future__ import annotations

SOURCE_FORMATS: tuple[str, ...] = (
    "referat", "pdf", "firstagenda", "aarhus-html", "sbsys", "edoc", "acadre", "acadre-manifest",
)
