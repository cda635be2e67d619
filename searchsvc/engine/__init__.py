"""The engine: the only package that imports whoosh. See README.md beside this file."""
