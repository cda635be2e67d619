"""The item store: SQLite (all of the project's SQL), the manifest of source files, and the
generations of (store, index) with the CURRENT pointer."""
