"""Views of a `Postmortem`: Markdown in the standard's template."""

from .markdown import render

__all__ = ["render"]
