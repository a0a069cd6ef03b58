"""Turning guidance documents into chunks in the store."""
