"""Action items as tables, checklists, bullets and headings."""

import datetime as dt
import textwrap

import pytest

from hindsight import parse


def items(body: str, heading: str = "Action Items"):
    pm = parse(f"# Incident: X\n\n**Date:** 2025-12-09\n\n## {heading}\n\n" + textwrap.dedent(body),
               path="docs/incidents/2025-12-09-x.md")
    return pm.action_items


def test_table_with_column_synonyms_and_id_column():
    got = items("""
        | # | Task | Assignee | Deadline | State | Tracking |
        |---|------|----------|----------|-------|----------|
        | 7 | Add alert | @sre | 2025-12-16 | ✅ DONE | [SRE-123](https://jira.example.com/browse/SRE-123) |
        | 8 | Write runbook | @ops | Dec 20 | In progress | OPS-9 |
    """)
    assert [(a.id, a.action, a.owner, a.due, a.status, a.ticket) for a in got] == [
        ("2025-12-09-x#7", "Add alert", "@sre", dt.date(2025, 12, 16), "DONE", "SRE-123"),
        ("2025-12-09-x#8", "Write runbook", "@ops", dt.date(2025, 12, 20), "IN PROGRESS", "OPS-9"),
    ]
    assert got[0].ticket_url == "https://jira.example.com/browse/SRE-123"


@pytest.mark.parametrize("cell,status", [
    ("🔲 TODO", "TODO"), ("🔄 IN PROGRESS", "IN PROGRESS"), ("✅ DONE", "DONE"), ("WONTFIX", "WONTFIX"),
    ("❌", "WONTFIX"), ("done", "DONE"), ("To Do", "TODO"), ("Won't fix", "WONTFIX"), ("Blocked", "Blocked"),
])
def test_statuses_with_or_without_emoji(cell, status):
    got = items(f"| Action | Owner | Due | Status |\n|---|---|---|---|\n| Do it | @a | 2025-12-20 | {cell} |\n")
    assert got[0].status == status


def test_checklists_checked_is_done_and_in_progress_noted():
    got = items("""
        - [ ] Add Redis read replicas
        - [x] Update deployer ([#6555](https://github.com/org/infra/pull/6555))
        - [ ] Increase VM size (in progress)
        - [ ] Ensure alerting is in place for:
          - [ ] Warp Speed
          - [ ] Claims backend
    """)
    assert [(a.action, a.status) for a in got] == [
        ("Add Redis read replicas", "TODO"),
        ("Update deployer", "DONE"),
        ("Increase VM size", "IN PROGRESS"),
        ("Ensure alerting is in place for: Warp Speed, Claims backend", "TODO"),
    ]
    assert got[1].ticket == "#6555" and got[1].ticket_url == "https://github.com/org/infra/pull/6555"


def test_bullets_with_owner_due_ticket_in_text():
    got = items("""
        - Add connection wait time alert (owner: @sre-team, due 2025-12-16, SRE-123)
        - **Separate autoscaling groups per zone**: lets the scheduler spread load.
        - [#2226]: Add simple logging
        - Implement guards against invalid runtime selection (done)
        - **HIGH** Include downloads in the smoke test
    """ + "\n[#2226]: https://github.com/rust-lang/crates.io/issues/2226\n")
    assert got[0].owner == "@sre-team" and got[0].due == dt.date(2025, 12, 16) and got[0].ticket == "SRE-123"
    assert got[1].action == "Separate autoscaling groups per zone"
    assert (got[2].action, got[2].ticket, got[2].ticket_url) == (
        "Add simple logging", "#2226", "https://github.com/rust-lang/crates.io/issues/2226")
    assert (got[3].action, got[3].status) == ("Implement guards against invalid runtime selection", "DONE")
    assert (got[4].action, got[4].priority) == ("Include downloads in the smoke test", "HIGH")


def test_metadata_written_in_the_text_is_read_and_removed_from_the_action():
    got = items("""
        - Add connection wait time alert (owner: @sre-team, due 2025-12-16)
        - @erin: rotate the signing keys (due 2025-12-20)
        - Drop the old index [OPS-12] — @frank, by 2025-12-30
        - **Add the alert** (@carol) — https://github.com/acme/api/issues/7
        - Fix the flaky probe *(@dave)*
        - Retire the legacy queue (won't do)
        - Ensure the branchprotector run is not reverted: [#11134]
    """ + "\n[#11134]: https://github.com/kubernetes/test-infra/pull/11134\n")
    assert [(a.action, a.owner) for a in got] == [
        ("Add connection wait time alert", "@sre-team"), ("rotate the signing keys", "@erin"),
        ("Drop the old index", "@frank"), ("**Add the alert**", "@carol"),
        ("Fix the flaky probe", "@dave"), ("Retire the legacy queue", None),
        ("Ensure the branchprotector run is not reverted", None)]
    assert [a.due for a in got[:3]] == [dt.date(2025, 12, 16), dt.date(2025, 12, 20), dt.date(2025, 12, 30)]
    assert got[2].ticket == "OPS-12" and got[3].ticket_url == "https://github.com/acme/api/issues/7"
    assert got[5].status == "WONTFIX"
    assert (got[6].ticket, got[6].ticket_url) == ("#11134", "https://github.com/kubernetes/test-infra/pull/11134")


def test_headings_as_items_with_owner_in_the_heading():
    got = items("""
        #### 1) Cron cleanup scheduled `@malte_j`

        Cron scheduled to remove old archives.

        #### 2) Alerts configured `@dma`

        Alerts at 90% disk.
    """, heading="Resulting Action")
    assert [(a.action, a.owner) for a in got] == [("Cron cleanup scheduled", "@malte_j"),
                                                 ("Alerts configured", "@dma")]


def test_group_headings_hold_their_lists():
    got = items("""
        ### Public Endpoint
        - [ ] Add replicas

        ### Infra
        - [ ] Remove public endpoint configs
    """)
    assert [a.action for a in got] == ["Add replicas", "Remove public endpoint configs"]


@pytest.mark.parametrize("heading", ["Follow-ups", "Remediation", "Corrective actions", "Action points",
                                     "Next steps", "Action items"])
def test_heading_synonyms(heading):
    assert len(items("- Do the thing\n", heading=heading)) == 1


def test_a_person_named_in_the_middle_is_not_the_owner():
    got = items("- Ask @katharine about the namespace and add a check\n")
    assert got[0].owner is None


def test_labelled_lists_outside_an_action_section():
    pm = parse("# X\n\n## Lessons learned\n\n### Reviews\n\n**Actions taken:**\n\n1. Extended the scope.\n\n"
               "**Actions planned:**\n\n- Build a threat model.\n")
    assert [(a.action, a.status) for a in pm.action_items] == [("Extended the scope.", "DONE"),
                                                              ("Build a threat model.", "TODO")]


def test_template_placeholders_are_not_items():
    assert items("| Action | Owner | Due Date | Status |\n|---|---|---|---|\n"
                 "| [TODO: specific task] | [TODO: @owner] | [TODO: YYYY-MM-DD] | 🔲 TODO |\n") == []


def test_a_bold_section_name_alone_on_its_line_is_a_subheading():
    # Google Docs and Word documents (the SRE book's template) write subheadings as bold paragraphs.
    pm = parse("# X\n\n**Date:** 2024-01-02\n\n# Lessons Learned\n\n**What went well**\n\n- The rollback was quick.\n\n"
               "**What went wrong**\n\n- The alert was muted.\n- Nobody owned it.\n")
    assert [n.text for n in pm.went_well] == ["The rollback was quick."]
    assert [n.text for n in pm.could_improve] == ["The alert was muted.", "Nobody owned it."]
