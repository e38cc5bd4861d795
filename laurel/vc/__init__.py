"""Laurel's standards library: keys, DIDs, proofs, status lists, baking, verification.

Nothing here imports Django; it can be used on its own.
"""
