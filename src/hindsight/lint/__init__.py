"""`hindsight check`: the standard as lint rules.

    >>> from hindsight import load_config
    >>> from hindsight.lint import make_settings, check_text
    >>> findings = check_text(text, "docs/incidents/x.md", make_settings(load_config()))  # doctest: +SKIP
"""

from ._types import Edit, Finding, Fix
from .engine import Settings, check_path, check_text, make_settings
from .fix import apply_fixes
from .registry import Rule, all_rules, find_rule, select

__all__ = ["Edit", "Finding", "Fix", "Rule", "Settings", "all_rules", "apply_fixes", "check_path", "check_text",
           "find_rule", "make_settings", "select"]
