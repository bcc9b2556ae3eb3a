import json
from pathlib import Path

from hindsight import json_schema

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "schema" / "postmortem.schema.json"


def test_published_schema_is_current():
    """Regenerate with: hindsight schema > docs/schema/postmortem.schema.json"""
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json_schema()


def test_schema_describes_the_show_keys():
    props = json_schema()["properties"]
    for key in ("title", "date", "start", "end", "timeline", "action_items", "root_cause", "diagnostics"):
        assert key in props
    assert props["start"]["anyOf"][0] == {"type": "string", "format": "date-time"}
