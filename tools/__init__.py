"""Command-line tools that use the app's core: figure and screenshot export (python -m tools.export)."""
