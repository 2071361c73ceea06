"""The indicator engine: per-enterprise rows, their sums, the public keys and the summary that keeps
them fast. Every figure the product shows comes from here."""
