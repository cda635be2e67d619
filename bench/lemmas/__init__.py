"""Held-out measurement sets for Danish lemmatisation (issue 12): an inflection test set and
look-alike pairs drawn from the real corpus, and a script measuring how normalisers conflate them."""
