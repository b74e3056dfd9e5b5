"""Thin wrappers around third-party libraries; each imports its library only when called."""
