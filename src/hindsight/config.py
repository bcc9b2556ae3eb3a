"""Where the project is and how it is configured.

The project root is found by walking up from the working folder to the first
folder holding `hindsight.toml`, a `pyproject.toml` with a `[tool.hindsight]`
table, or a `.git` folder. Options are declared as data (name, type, default,
help), so the reference in `docs/configuration.md` can be generated from them
and an unknown key is an error that names its file and line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    type: type
    default: Any
    help: str


OPTIONS: tuple[Option, ...] = (
    Option("incidents_dir", str, "docs/incidents",
           "Folder, relative to the project root, that holds the postmortems."),
)
_BY_NAME = {o.name: o for o in OPTIONS}


@dataclass(slots=True)
class Config:
    root: Path
    source: Path | None = None  # the file the options came from, if any
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values.get(name, _BY_NAME[name].default)

    @property
    def incidents_dir(self) -> Path:
        return self.root / self.get("incidents_dir")


def find_root(start: Path | None = None) -> tuple[Path, Path | None, dict[str, Any] | None]:
    """(root, config file, its hindsight table) for the nearest project at or above `start`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "hindsight.toml"
        if own.is_file():
            return folder, own, _load(own, table=None)
        py = folder / "pyproject.toml"
        if py.is_file():
            table = _load(py, table="tool.hindsight")
            if table is not None:
                return folder, py, table
        if (folder / ".git").exists():
            return folder, None, None
    return here, None, None


def load(start: Path | None = None) -> Config:
    root, source, table = find_root(start)
    cfg = Config(root=root, source=source)
    if source is None or table is None:
        return cfg
    text = source.read_text(encoding="utf-8")
    for key, value in table.items():
        opt = _BY_NAME.get(key)
        if opt is None:
            known = ", ".join(sorted(_BY_NAME))
            raise ConfigError(f"unknown option `{key}`; the options are: {known}", path=source,
                              line=_line_of(text, key))
        if not isinstance(value, opt.type):
            raise ConfigError(f"`{key}` must be a {opt.type.__name__}, not {type(value).__name__}",
                              path=source, line=_line_of(text, key))
        cfg.values[key] = value
    return cfg


def _load(path: Path, table: str | None) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(f"invalid TOML ({e}); fix the syntax", path=path,
                          line=int(m.group(1)) if m else None) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read the configuration ({e})", path=path) from None
    if table is None:
        return data
    node: Any = data
    for part in table.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, dict) else None


def _line_of(text: str, key: str) -> int | None:
    for no, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return no
    return None
