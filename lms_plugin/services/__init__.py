"""Use cases with explicit inputs, callable without a request."""
