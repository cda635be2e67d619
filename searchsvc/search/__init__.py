"""Search: request validation, the query language, ranking, facets, snippets, and the service facade that the web app and the CLI call."""
