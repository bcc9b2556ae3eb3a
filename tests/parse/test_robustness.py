"""Bad input gets a clear result, never a traceback."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight import ReadError, parse, read

from ..conftest import STANDARD_EXAMPLE

MARKDOWNISH = st.text(
    alphabet=st.sampled_from(list("#|-*>`~[]()!:_ \t\n\r0123456789abcXYZ@.,+=<") + ["\ufeff", "é", "✅", "🔲", "\x00"]),
    max_size=400,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_parsing_markdownish_text_never_raises(text):
    pm = parse(text)
    assert pm.to_json()  # and the result always serialises


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parsing_arbitrary_unicode_never_raises(text):
    parse(text).to_json()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(STANDARD_EXAMPLE.read_text(encoding="utf-8").splitlines()), max_size=60))
def test_shuffled_lines_of_a_real_postmortem_never_raise(lines):
    parse("\n".join(lines)).to_json()


def test_empty_file_is_an_empty_postmortem(tmp_path):
    p = tmp_path / "empty.md"
    p.write_bytes(b"")
    pm = read(p)
    assert pm.title is None and pm.timeline == [] and pm.action_items == []


def test_binary_file_is_refused_with_the_path(tmp_path):
    p = tmp_path / "image.md"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ReadError, match="binary file") as e:
        read(p)
    assert str(p) in str(e.value)


def test_invalid_utf8_names_the_byte_offset_and_line(tmp_path):
    p = tmp_path / "latin1.md"
    p.write_bytes(b"# Incident: X\n\nCaf" + b"\xe9 down\n")
    with pytest.raises(ReadError) as e:
        read(p)
    assert e.value.line == 3
    assert "byte 18 is not valid UTF-8" in str(e.value)
    assert "save the file as UTF-8" in str(e.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "nope.md")
    with pytest.raises(ReadError, match="folder"):
        read(tmp_path)


def test_ten_megabyte_file_parses_in_reasonable_time(tmp_path):
    block = STANDARD_EXAMPLE.read_text(encoding="utf-8")
    p = tmp_path / "huge.md"
    p.write_text(block + ("\n| 16:50 | more |\n" * 600_000), encoding="utf-8")
    assert p.stat().st_size > 10_000_000
    t0 = time.perf_counter()
    pm = read(p)
    assert time.perf_counter() - t0 < 60  # generous: only guards against pathological slowness
    assert pm.date is not None and len(pm.action_items) == 5


def test_bom_crlf_and_html_comments():
    text = STANDARD_EXAMPLE.read_text(encoding="utf-8")
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    commented = text.replace("## Timeline", "<!-- a comment\n## Not a heading\n-->\n## Timeline")
    for variant in (crlf, commented):
        pm = parse(variant)
        assert pm.title == "[Brief Title]" and len(pm.timeline) == 11 and len(pm.action_items) == 5
    assert "Not a heading" not in [h.text for h in parse(commented).headings]


def test_structure_inside_code_fences_is_not_structure():
    pm = parse("# Incident: X\n\n```\n## Timeline\n| 14:30 | fake |\n```\n\n~~~\n## Action Items\n- fake\n~~~\n")
    assert pm.timeline == [] and pm.action_items == [] and [h.text for h in pm.headings] == ["Incident: X"]


def test_ragged_table_rows_are_read_and_reported():
    pm = parse("# Incident: X\n\n**Date:** 2025-12-09\n\n## Timeline\n\n| Time | Event |\n|---|---|\n"
               "| 14:30 |\n| 14:35 | ok | extra |\n")
    assert len(pm.timeline) == 2
    ragged = [d for d in pm.diagnostics if d.code == "ragged-table-row"]
    assert [d.line for d in ragged] == [9, 10]
    assert "the header has 2" in ragged[0].message


def test_invalid_front_matter_is_a_located_diagnostic():
    pm = parse("---\ntitle: [unclosed\n---\n# Incident: X\n")
    d = [d for d in pm.diagnostics if d.code == "front-matter-invalid"]
    assert d and d[0].line == 2 and pm.title == "X"
