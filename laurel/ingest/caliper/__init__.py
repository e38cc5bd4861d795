"""Caliper 1.1/1.2 event envelopes, authenticated by a bearer token."""
