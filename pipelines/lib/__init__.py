"""Shared library: settings and paths, warehouse IO. Domains import from here, never from each other."""
