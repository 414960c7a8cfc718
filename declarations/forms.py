"""The declaration pages' forms."""
