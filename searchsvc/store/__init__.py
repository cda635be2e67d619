"""The item store: SQLite (every SQL statement of the project), the manifest of source files, and the generations of (store, index) with the CURRENT pointer."""
