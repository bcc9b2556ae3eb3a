"""The rules, grouped by what they look at; importing this package registers them all."""

from . import access, actions, content, document, language, markup, process  # noqa: F401
