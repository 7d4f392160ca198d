"""Job postings managed by employers (their own) and employment-service staff (their counties')."""
