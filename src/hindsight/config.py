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
from .standard import DOCUMENT_STATUSES, DRAFT_DEADLINE_HOURS, SEVERITIES, SEVERITY_MAP


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    type: type
    default: Any
    help: str
    item: type | None = None  # the type of a list's items or a table's values


DEFAULT_SECTIONS = ["Summary", "Impact", "Timeline", "Root Cause Analysis", "What Happened", "Contributing Factors",
                    "Five Whys", "What Went Well", "What Could Be Improved", "Action Items", "Lessons Learned"]

OPTIONS: tuple[Option, ...] = (
    Option("incidents_dir", str, "docs/incidents",
           "Folder, relative to the project root, that holds the postmortems."),
    Option("sources", list, [], "Other repositories of postmortems, read with this project's: `[[sources]]` with "
                                "`name` and a git `url` (and `branch`) or a `path`, and `incidents_dir` "
                                "(docs/scale.md).", dict),
    Option("severity_levels", list, list(SEVERITIES), "The severity levels a postmortem may state.", str),
    Option("severity_map", dict, dict(SEVERITY_MAP),
           "Levels of other scales and the level each stands for, for the fix `invalid-severity` offers "
           "(`SEV1 = \"P0\"`, `Critical = \"P0\"`); keys match whatever their case, spaces and dashes.", str),
    Option("statuses", list, list(DOCUMENT_STATUSES),
           "The document statuses of the lifecycle, in order.", str),
    Option("required_sections", list, DEFAULT_SECTIONS,
           "Sections every postmortem must have (`missing-section`), by the standard's names.", str),
    Option("required_metrics", list, ["Duration", "Users Affected", "Requests Failed", "SLA Status"],
           "Rows the Impact table must have (`impact-metric-missing`).", str),
    Option("why_count", int, 5, "How many whys the Five Whys needs (`five-whys-incomplete`)."),
    Option("summary_max_words", int, 150, "Longest summary in words (`summary-too-long`)."),
    Option("roster", list, [], "Names of the people on the team, so blame-language knows a plain first name "
                               "such as `Bob` is a person.", str),
    Option("blame_words", list, [], "More judgement words for `blame-language`, added to the built-in list.", str),
    Option("blame_verbs", list, [], "More phrases that make a person the cause (`blame-language`), such as "
                                    "`botched`.", str),
    Option("register", str, "register.csv", "The incident register (CSV or YAML), relative to the incidents "
                                             "folder: incidents that happened, with or without a postmortem."),
    Option("policy", dict, {sev: {"required": True, "draft_hours": DRAFT_DEADLINE_HOURS[sev]}
                            if sev in DRAFT_DEADLINE_HOURS else {"required": False} for sev in SEVERITIES},
           "Per severity: whether a postmortem is `required` and `draft_hours` after the incident to draft it "
           "(the standard, section 3).", dict),
    Option("review_window_days", list, [3, 5], "Days after the incident within which the review meeting is held "
                                               "(the standard, section 4).", int),
    Option("publish_days", int, 7, "Days after the incident by which the postmortem is published and shared."),
    Option("business_days", bool, False, "Count deadlines in working days (Monday to Friday) instead of days."),
    Option("due_soon_days", int, 2, "A deadline this many days away or closer is `due soon` in `hindsight status`."),
    Option("attendees", list, [], "Default invitees of the review meeting (`hindsight agenda --ics`), as e-mail "
                                  "addresses.", str),
    Option("meeting_time", str, "10:00", "Time of day (HH:MM) for the review meeting invite."),
    Option("meeting_timezone", str, "UTC", "Time zone of the review meeting invite (`UTC`, `Europe/Oslo`…)."),
    Option("meeting_organizer", str, "", "E-mail address that organises the review meeting: with one, "
                                         "`hindsight agenda --ics` writes an invitation; without, an event to "
                                         "import."),
    Option("public_domains", list, [], "Domains that may appear on the status page (`example.com` allows "
                                       "`status.example.com`); every other host name and URL is removed.", str),
    Option("share_base_url", str, "", "Where the postmortems can be read (a repository or portal URL); shared "
                                      "summaries link to `<share_base_url>/<path>`."),
    Option("history_before", str, "", "Postmortems of incidents before this date (YYYY-MM-DD) are historical: "
           "written before the standard was adopted, they have no deadlines and nothing of theirs is overdue, "
           "but they count in themes, repeats, search and the review of their own month. Front matter "
           "`historical: true` marks one document."),
    Option("themes", dict, {}, "More themes for the monthly review: `name = [\"synonym\", …]`, added to the "
                               "built-in taxonomy (`docs/metrics.md`).", list),
    Option("roles", dict, {}, "Portal roles from SSO groups: `editor = [\"sre\"]`, `admin = [\"sre-leads\"]`; "
                              "everyone signed in is a viewer.", list),
    Option("trusted_proxies", list, [], "Addresses (or networks) of the SSO proxy whose X-Forwarded-User and "
                                        "X-Forwarded-Groups headers the portal trusts (`--auth header`).", str),
    Option("import_severity", dict, {"pagerduty": {"P1": "P0", "P2": "P1", "P3": "P2", "P4": "P3", "P5": "P3"},
                                     "incidentio": {}},
           "For `hindsight new --from`: per source, the standard's level each of its severities stands for "
           "(`[import_severity.pagerduty] P1 = \"P0\"`); a source not named keeps its default, and a severity not "
           "listed is read through `severity_map` (incident.io's Critical, Major and Minor are there).", dict),
    Option("pagerduty_url", str, "https://api.pagerduty.com", "Base URL of the PagerDuty REST API for "
           "`--api` (`https://api.eu.pagerduty.com` for the EU service region)."),
    Option("opsgenie_url", str, "https://api.opsgenie.com", "Base URL of the Opsgenie API for `--api` "
           "(`https://api.eu.opsgenie.com` for the EU instance)."),
    Option("incidentio_url", str, "https://api.incident.io", "Base URL of the incident.io API for `--api`."),
    Option("slack_api_url", str, "https://slack.com/api", "Base URL of Slack's Web API for `--api --from slack`."),
    Option("slack_url", str, "", "The Slack workspace's address (`https://acme.slack.com`): rows imported from "
           "a Slack export link to their messages."),
    Option("browser", str, "", "The Chromium, Chrome or Edge that prints PDFs (`share --format pdf`, `review "
                               "--format pdf`), by command or path; default: the first one installed."),
    Option("github_repo", str, "", "The repository (`OWNER/REPO`) whose issues track action items, when "
                                   "`actions sync` is given no `--github` or `--jira`."),
    Option("jira_project", str, "", "The Jira project (`SRE`) whose issues track action items, when `actions sync` "
                                    "is given no `--github` or `--jira`."),
    Option("jira_url", str, "", "The Jira site (`https://acme.atlassian.net`, or a Data Center's address)."),
    Option("jira_issue_type", str, "Task", "The issue type of the Jira issues `actions sync` creates."),
    Option("tracker_label", str, "postmortem", "The label every ticket `actions sync` creates carries, by which "
                                               "it finds them again."),
    Option("owners", dict, {}, "Action-item owners as tracker users: `[owners.\"@dana\"] github = \"dana-r\", jira = "
                               "\"<account id>\"` (docs/follow-ups.md).", dict),
    Option("catalog", list, [], "Backstage `catalog-info.yaml` files (globs under the project root) whose User "
                                "and Component entities map owners to assignees (docs/follow-ups.md).", str),
    Option("select", list, [], "Rules to run, by code, name or code prefix (default: all).", str),
    Option("ignore", list, [], "Rules not to run, by code, name or code prefix.", str),
    Option("rules", dict, {}, "Per-rule settings: `[tool.hindsight.rules.HS305]` or `[rules.blame-language]` "
                              "with `severity = \"error\" | \"warning\" | \"off\"` and the rule's options.", dict),
    Option("per_file_ignores", dict, {}, "Rules to ignore in files matching a glob: "
                                         "`\"docs/incidents/2019-*\" = [\"HS1\"]`.", list),
)
_BY_NAME = {o.name: o for o in OPTIONS}


@dataclass(slots=True)
class Config:
    root: Path
    source: Path | None = None  # the file the options came from, if any
    values: dict[str, Any] = field(default_factory=dict)
    in_project: bool = True  # False when no hindsight.toml, pyproject.toml or .git was found

    def get(self, name: str) -> Any:
        return self.values.get(name, _BY_NAME[name].default)

    @property
    def incidents_dir(self) -> Path:
        return self.root / self.get("incidents_dir")

    def line_of(self, key: str) -> int | None:
        """The line of the configuration file that sets `key`, for error messages."""
        if self.source is None:
            return None
        try:
            return _line_of(self.source.read_text(encoding="utf-8"), key)
        except OSError:
            return None


def default_of(name: str) -> Any:
    """An option's default, as declared."""
    return _BY_NAME[name].default


def find_root(start: Path | None = None) -> tuple[Path, Path | None, dict[str, Any] | None]:
    """(root, config file, its hindsight table) for the nearest project at or above `start`.

    With no project marker anywhere above, the root is `start` itself and the file is None.
    """
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
    cfg = Config(root=root, source=source,
                 in_project=source is not None or any((f / ".git").exists() for f in (root, *root.parents)))
    if source is None or table is None:
        return cfg
    text = source.read_text(encoding="utf-8")
    for key, value in table.items():
        opt = _BY_NAME.get(key)
        if opt is None:
            known = ", ".join(sorted(_BY_NAME))
            raise ConfigError(f"unknown option `{key}`; the options are: {known}", path=source,
                              line=_line_of(text, key))
        if not isinstance(value, opt.type) or (opt.type is bool) != isinstance(value, bool):
            raise ConfigError(f"`{key}` must be a {_type_name(opt.type)}, not {_type_name(type(value))}",
                              path=source, line=_line_of(text, key))
        items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
        if opt.item is not None and not all(isinstance(v, opt.item) for v in items):
            raise ConfigError(f"every entry of `{key}` must be a {_type_name(opt.item)}",
                              path=source, line=_line_of(text, key))
        cfg.values[key] = value
    if cfg.values.get("sources"):
        from . import sources

        sources.of(cfg)  # a bad source is named now, by every command, with its file and line
    return cfg


def _type_name(t: type) -> str:
    return {str: "string", int: "whole number", list: "list", dict: "table", bool: "boolean"}.get(t, t.__name__)


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
        table = rf"\s*\[\[?(?:tool\.hindsight\.)?{re.escape(key)}[.\]]"  # [key], [[key]], [tool.hindsight.key]
        if re.match(rf"\s*{re.escape(key)}\s*=", line) or re.match(table, line):
            return no
    return None
