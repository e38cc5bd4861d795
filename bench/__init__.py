"""Benchmarks for signing and verifying Open Badges 3.0 credentials (see docs/benchmarks.md)."""
