"""The portal: `hindsight serve`, a web home for every postmortem and action item.

A thin layer over the library: it reads the files through the same parser, the
same linter, the same action-item, lifecycle and review code, and its edits
go through `hindsight.edit` (one cell, atomic, refused when stale), then into a
git commit authored by the signed-in user when the folder is a git work tree.
"""

from __future__ import annotations

from .app import create_app, server_config

__all__ = ["create_app", "server_config"]
