"""The performance benchmark: scaled corpora, a query log, searchsvc against its peers."""
