"""The `hindsight` command: a thin shell over the library.

Exit codes: 0 success, 1 findings at error level (`check`), 2 usage,
configuration or I/O error. Library errors become one line on stderr that says
what to do. Modules are imported inside the commands, so each command pays only
for what it uses (a warm `hindsight check` never builds a model).

One click group, `main`, and the shared options and helpers are here, with the
commands that read (`show`, `list`, `share`, `review`, `serve`, `schema`); the
other nouns each have a module: `authoring` (`new`, `import`, `convert`),
`checking` (`check`, `baseline`, `rules`, `rule`) and `tracking` (`actions`,
`status`, `register`, `agenda`).
"""

from __future__ import annotations

from . import authoring, checking, reading, tracking  # noqa: F401  (each registers its commands on `main`)
from ._shared import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
