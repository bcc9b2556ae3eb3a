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


def test_show_json_is_a_document_the_schema_describes():
    from click.testing import CliRunner

    from hindsight.cli import main
    from hindsight.model import PostmortemDocument

    from .conftest import EXAMPLES

    r = CliRunner().invoke(main, ["show", str(EXAMPLES / "2026-01-14-checkout-outage-after-certificate-expiry.md"),
                                  "--format", "json", "--today", "2026-04-30"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    doc = PostmortemDocument.model_validate(data)  # every key known to the schema, none missing
    assert doc.id == "2026-01-14-checkout-outage-after-certificate-expiry" and len(doc.version) == 32
    assert [f.code for f in doc.findings] == ["HS305", "HS305"]
    assert data["path"] == "examples/docs/incidents/2026-01-14-checkout-outage-after-certificate-expiry.md"
