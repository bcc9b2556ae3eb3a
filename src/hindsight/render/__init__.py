"""Views of a `Postmortem`: Markdown in the standard's template (`render`), and safe HTML (`render.html`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .markdown import render

__all__ = ["render"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that importing the package costs nothing (the model is pydantic).
    if name == "render":
        from .markdown import render

        return render
    raise AttributeError(name)
