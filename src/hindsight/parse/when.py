"""Dates, times, time zones and durations as people write them in postmortems.

`2025-12-09 14:30`, `[08:47]`, `**18:53**`, `` `07:35` ``, `2:54 PM PST`,
`2022-02-02 1625`, `13:14 EDT (17:14 UTC)`, `July 11, 2025, 12:42 PM`,
`[03-26 23:04]`, `On Friday 29 November 2019`, `2 hours 15 minutes`, `~1hr`,
`seven days`. Nothing here raises on odd input: a reader returns None.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.timezone.utc

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"
# The year after a month and day; four digits followed by a zone are a time (`Feb 9 1924 UTC`), not a year.
_YEAR = r"(?:,?\s+(?P<y>(?:19|20)\d\d(?!\d)(?!\s*\(?(?:UTC|GMT|Z|[ECMP][SD]?T)\b)|[’'‘]\d\d(?!\d)))?"

_DATE_PATTERNS = [
    # 2025-12-09, 2025/12/09, 2025.12.09
    ("iso", re.compile(r"(?P<y>(?:19|20)\d\d)([-/.])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d])")),
    # 2025-Feb-07
    ("iso", re.compile(r"(?P<y>(?:19|20)\d\d)-" + _MONTH + r"-(?P<d>\d{1,2})(?!\d)", re.I)),
    # Friday, December 13th, 2022 / May 31 / Dec 9 2025 / August 18-19, 2025 (read at its first day) /
    # November 5th ’24
    ("mdy", re.compile(_WEEKDAY + _MONTH + r"\s+(?P<d>\d{1,2})" + _ORD + r"(?!\d|:\d)"
                       + r"(?:\s*[-–]\s*\d{1,2}" + _ORD + r"(?![\d:]))?" + _YEAR, re.I)),
    # Friday 29 November 2019 / 31st July 2018 / the 3rd of May
    ("dmy", re.compile(_WEEKDAY + r"(?:the\s+)?(?P<d>\d{1,2})" + _ORD + r"(?:\s+of)?\s+" + _MONTH + _YEAR,
                       re.I)),
    # 19.09.2023 (day first, as in Europe, when written with dots)
    ("dmy", re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?![\d.])")),
    # 12/09/2025 or 4/26 (month first, as in the US)
    ("us", re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>(?:19|20)?\d\d))?(?![\d/])")),
    # 03-26, only directly before a time (Kubernetes-style `[03-26 23:04]`)
    ("md", re.compile(r"(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?=[ T]\d{1,2}:\d\d)")),
]

_TIME = re.compile(
    r"(?P<h>[01]?\d|2[0-4])(?::(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d)(?:\.\d+)?)?)"
    r"(?:\s*(?P<ap>[ap]\.?\s?m\b\.?))?"
    r"|(?P<h2>1[0-2]|0?[1-9])\s*(?P<ap2>[ap]\.?\s?m\b\.?)",
    re.I,
)
_HHMM = re.compile(r"(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)(?!\d)")

# Zone abbreviations as fixed offsets (hours); region words as IANA zones (with DST).
_FIXED = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "CET": 1, "WEST": 1, "CEST": 2, "EET": 2, "SAST": 2,
    "EEST": 3, "MSK": 3, "IST": 5.5, "SGT": 8, "HKT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "HST": -10, "AKST": -9, "AKDT": -8, "PST": -8,
    "PDT": -7, "MST": -7, "MDT": -6, "CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "BRT": -3,
}
_REGIONS = {
    "PST/PDT": "America/Los_Angeles", "PDT/PST": "America/Los_Angeles", "EST/EDT": "America/New_York",
    "EDT/EST": "America/New_York", "CST/CDT": "America/Chicago", "CDT/CST": "America/Chicago",
    "MST/MDT": "America/Denver", "MDT/MST": "America/Denver",
    "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles", "MT": "America/Denver",
    "MOUNTAIN": "America/Denver", "CT": "America/Chicago", "CENTRAL": "America/Chicago",
    "ET": "America/New_York", "EASTERN": "America/New_York",
}
_LONG_NAMES = {
    "coordinated universal time": "UTC", "pacific standard time": "PST", "pacific daylight time": "PDT",
    "eastern standard time": "EST", "eastern daylight time": "EDT", "central european time": "CET",
    "central european summer time": "CEST", "british summer time": "BST", "india standard time": "IST",
    "central standard time": "CST", "central daylight time": "CDT", "pacific time": "PT", "eastern time": "ET",
}
_ABBR = "|".join(sorted([*_FIXED, *(k for k in _REGIONS if len(k) <= 7)], key=len, reverse=True))
_TZ = re.compile(
    r"(?<![A-Za-z])(?:"
    r"(?P<base>UTC|GMT)\s?(?P<off>[+\-−]\s?\d{1,2}(?::?\d{2})?)"
    r"|(?P<abbr>" + _ABBR + r")"
    r"|(?P<word>Pacific|Eastern|Central|Mountain)"
    r"|(?P<iana>(?:America|Europe|Asia|Australia|Africa|Pacific)/[A-Za-z_]+(?:/[A-Za-z_]+)?)"
    r")(?![A-Za-z])"
)
_LONG = re.compile("|".join(_LONG_NAMES), re.I)


@cache
def zone(label: str) -> dt.tzinfo | None:
    """The tzinfo for a label such as `UTC`, `PST`, `UTC-7`, `GMT+1`, `Eastern` or `Europe/Oslo`."""
    label = label.strip()
    m = _TZ.fullmatch(label)
    if not m:
        long = _LONG_NAMES.get(label.lower())
        return zone(long) if long else None
    if m.group("base"):
        off = m.group("off").replace("−", "-").replace(" ", "")
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        hours = int(digits[:-2]) if len(digits) > 2 else int(digits)
        minutes = int(digits[-2:]) if len(digits) > 2 else 0
        if hours > 14 or minutes >= 60:
            return None
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes), f"{m.group('base')}{off}")
    name = (m.group("abbr") or m.group("word") or "").upper()
    if name in _FIXED:
        return dt.timezone(dt.timedelta(hours=_FIXED[name]), name) if _FIXED[name] else UTC
    region = _REGIONS.get(name) or m.group("iana")
    try:
        return ZoneInfo(region) if region else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_name(tz: dt.tzinfo) -> str:
    if tz is UTC:
        return "UTC"
    return getattr(tz, "key", None) or tz.tzname(None) or str(tz)


def find_zone(text: str) -> tuple[dt.tzinfo, str] | None:
    """The first time zone a piece of prose names: `All times in PST`, `(times in BST)`, `UTC+1`."""
    candidates = []
    m = _LONG.search(text)
    if m:
        candidates.append((m.start(), 0, _LONG_NAMES[m.group(0).lower()]))
    m = _TZ.search(text)
    if m:
        candidates.append((m.start(), 1, m.group(0)))
    for _, _, label in sorted(candidates):
        tz = zone(label)
        if tz is not None:
            return tz, label
    return None


@dataclass(slots=True)
class When:
    """A date and/or time read at the start of a piece of text."""

    text: str  # as written
    end: int  # index just past it in the source text
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    tz: dt.tzinfo | None = None
    readable: bool = True

    @property
    def has_date(self) -> bool:
        return self.month is not None

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    def date_near(self, ref: dt.date | None) -> dt.date | None:
        """The date, borrowing a missing year from the nearest match to `ref`."""
        if self.month is None or self.day is None:
            return None
        if self.year is not None:
            return _safe_date(self.year, self.month, self.day)
        if ref is None:
            return None
        best = None
        for y in (ref.year - 1, ref.year, ref.year + 1):
            d = _safe_date(y, self.month, self.day)
            if d and (best is None or abs((d - ref).days) < abs((best - ref).days)):
                best = d
        return best

    def time(self) -> dt.time | None:
        if self.hour is None:
            return None
        h = 0 if self.hour == 24 else self.hour
        return dt.time(h, self.minute or 0, self.second or 0)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def match_date(s: str, pos: int = 0, *, kinds: tuple[str, ...] = ("iso", "mdy", "dmy", "us", "md")):
    """A date starting exactly at `pos`: (year or None, month, day, end) or None."""
    for kind, rx in _DATE_PATTERNS:
        if kind not in kinds:
            continue
        m = rx.match(s, pos)
        if not m:
            continue
        gd = m.groupdict()
        month = _MONTHS[gd["mon"].lower().rstrip(".")] if gd.get("mon") else int(gd["m"])
        day = int(gd["d"])
        year = gd.get("y")
        y = None
        if year:
            year = year.lstrip("’'‘")
            y = int(year) if len(year) == 4 else 2000 + int(year)
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        if y is not None and _safe_date(y, month, day) is None:
            continue
        return y, month, day, m.end()
    return None


def match_time(s: str, pos: int = 0, *, allow_hhmm: bool = False):
    """A time starting exactly at `pos`: (hour, minute, second or None, end) or None."""
    m = _TIME.match(s, pos)
    if m:
        if m.group("h2"):
            h, mi, sec, ap = int(m.group("h2")), 0, None, m.group("ap2")
        else:
            h, mi = int(m.group("h")), int(m.group("mi"))
            sec = int(m.group("s")) if m.group("s") else None
            ap = m.group("ap")
        if ap:
            pm = ap.lower().startswith("p")
            if h > 12:
                if not pm:
                    return None
                # `13:06PM`: a 24-hour time with a stray PM; the hour says which it is.
            elif h == 0:
                if pm:
                    return None
            else:
                h = (h % 12) + (12 if pm else 0)
        if h == 24 and (mi or sec):
            return None
        end = m.end()
        if end < len(s) and (s[end].isdigit() or (s[end] == ":" and end + 1 < len(s) and s[end + 1].isdigit())):
            return None
        return h, mi, sec, end
    if allow_hhmm:
        m = _HHMM.match(s, pos)
        if m:
            return int(m.group("h")), int(m.group("mi")), None, m.end()
    return None


def match_zone(s: str, pos: int):
    """A zone label at `pos` (after optional spaces): (tzinfo, end) or None."""
    k = pos
    while k < len(s) and s[k] == " ":
        k += 1
    m = _LONG.match(s, k)
    if m:
        return zone(_LONG_NAMES[m.group(0).lower()]), m.end()
    m = _TZ.match(s, k)
    if m:
        tz = zone(m.group(0))
        if tz is not None:
            return tz, m.end()
    return None


# A real offset: at most 14 hours, in whole quarter hours (`15:30-17:54` is a range, not a zone).
_ISO_OFFSET = re.compile(r"([+\-−])(0\d|1[0-4]):?(00|15|30|45)(?![\d:])")
_WRAPPED_TIME = re.compile(r"(\*\*|__|`)(?=\d)")
_SKIP_SEP = re.compile(r"\s*(?:,\s*|T(?=\d)|\s+at\s+|\s+)")
_PAREN = re.compile(r"\s*\(([^()]{1,40})\)")
_PAREN_ZONE = re.compile(r"\s*\(\s*([^()]{1,40}?)\s*\)")
_RANGE = re.compile(r"\s*(?:to|until|-|–|—)\s*")


def match_when(s: str, pos: int = 0, *, date_kinds: tuple[str, ...] = ("iso", "mdy", "dmy", "md")) -> When | None:
    """A date, a time, or both, with an optional zone, starting at `pos`."""
    w = When(text="", end=pos)
    p = pos
    d = match_date(s, pos, kinds=date_kinds)
    t = None
    if d:
        w.year, w.month, w.day, p = d
        m = _SKIP_SEP.match(s, p)
        k = m.end() if m else p
        t = match_time(s, k, allow_hhmm=True)
        if t is None and (wrap := _WRAPPED_TIME.match(s, k)):
            # `Feb 28th **01:52**`: the time emphasised after the day.
            t = match_time(s, wrap.end(1), allow_hhmm=True)
            if t is not None and s.startswith(wrap.group(1), t[3]):
                t = (*t[:3], t[3] + len(wrap.group(1)))
            else:
                t = None
    else:
        t = match_time(s, p)
        if t is None:
            # `1900 UTC`: four digits are a time only when a zone follows.
            t2 = match_time(s, p, allow_hhmm=True)
            if t2 and match_zone(s, t2[3]):
                t = t2
    if t:
        w.hour, w.minute, w.second, p = t
    if not d and not t:
        return None
    m = _ISO_OFFSET.match(s, p) if t else None
    if m and m.group(1) != "+" and w.second is None and not (d and "T" in s[d[3]:d[3] + 2]):
        m = None  # `10:00-12:00` is a range; `2025-03-04T10:00-07:00` and `10:00:00-07:00` have an offset
    if m:  # 2025-03-04T14:30:00+01:00
        sign = -1 if m.group(1) in "-−" else 1
        w.tz = dt.timezone(sign * dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))
        p = m.end()
    z = match_zone(s, p) if not m else None
    if z is None and not m and t and (pm := _PAREN_ZONE.match(s, p)):
        z = match_zone(pm.group(1), 0)  # `21:45 (UTC)`
        if z is not None and z[1] == len(pm.group(1)):
            z = (z[0], pm.end())
        else:
            z = None
    if z:
        w.tz, p = z
    if t:
        # `13:14 EDT (17:14 UTC)`: the same moment in a second zone.
        m = _PAREN.match(s, p)
        if m and match_time(m.group(1).strip(), 0) is not None:
            p = m.end()
    w.end = p
    w.text = s[pos:p].strip()
    return w


def find_date(text: str, *, need_year: bool = True) -> tuple[dt.date | None, int, int, tuple[int, int]] | None:
    """The first calendar date written in prose: (date or None, start, end, (month, day))."""
    best = None
    for kind, rx in _DATE_PATTERNS:
        if kind not in ("iso", "mdy", "dmy"):
            continue
        for m in rx.finditer(text):
            if best is not None and m.start() >= best[1]:
                break
            r = match_date(text, m.start(), kinds=(kind,))
            if r is None:
                continue
            y, mo, d, end = r
            if need_year and y is None:
                continue
            # "may" as a verb: a month word must be capitalised in prose.
            mon = m.groupdict().get("mon")
            if mon and not mon[0].isupper():
                continue
            date = _safe_date(y, mo, d) if y else None
            if best is None or m.start() < best[1]:
                best = (date, m.start(), end, (mo, d))
            break
    if best is None:
        return None
    return best[0], best[1], best[2], best[3]


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "half an": 0.5, "half a": 0.5,
}
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1, "s": 1 / 60}
_DURATION_PART = re.compile(
    r"(?:(?<![\d.,])(?P<num>\d+(?:[.,]\d+)?)\s*-?\s*|\b(?P<word>"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")[\s-]+)"
    r"(?P<unit>weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])",
    re.I,
)


def duration_text(minutes: int, *, long: bool = False) -> str:
    """Minutes as the standard writes them: `2h 15m`, `45m`, `3h`; or `2 hours 15 minutes` when `long`.

    `parse_duration` reads every one of these back to the same minutes.
    """
    h, m = divmod(minutes, 60)
    if long:
        return " ".join(p for p in (f"{h} hour{'s' * (h != 1)}" if h else "",
                                    f"{m} minute{'s' * (m != 1)}" if m or not h else "") if p)
    return " ".join(p for p in (f"{h}h" if h else "", f"{m}m" if m or not h else "") if p)


def parse_duration(text: str) -> int | None:
    """Minutes in `2 hours 15 minutes`, `2h 15m`, `~1hr`, `27 minutes`, `seven days`; None if none."""
    head = text.split("(", 1)[0]
    total = 0.0
    found = False
    for m in _DURATION_PART.finditer(head):
        word = m.group("word")
        value = _NUMBER_WORDS[word.lower()] if word else float(m.group("num").replace(",", "."))
        unit = m.group("unit").lower()
        key = "m" if unit.startswith("mi") or unit == "m" else unit[0]
        total += value * _UNIT_MINUTES[key]
        found = True
    if not found:
        m = re.fullmatch(r"\s*~?\s*(\d{1,3}):(\d\d)\s*", head)
        if m:
            return int(m.group(1)) * 60 + int(m.group(2))
        return None
    return round(total)


_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNITS = r"(?:weeks?|days?|hours?|hrs?|h|minutes?|mins?|m)(?![a-z])"
_STATED = re.compile(
    r"(?:\b(?:outage|offline|down|unavailable|unreachable|halted|degraded|degradation|disrupted|interrupted|"
    r"stopped|inaccessible|downtime|impacted|affected)\b[^.;:!?\n]{0,40}?(?:\bfor|\bof|\bduring)|\blast(?:ed|ing))"
    r"\s+(?:(?:almost|about|nearly|approximately|approx\.|around|roughly|"
    r"just over|just under|over|under|some|~)\s*)?"
    r"(?P<dur>" + _NUMBER + r"[\s-]*" + _UNITS + r"(?:,?\s*(?:and\s+)?" + _NUMBER + r"[\s-]*" + _UNITS + r")*)",
    re.I)


def find_stated_duration(text: str) -> tuple[int, int, int] | None:
    """A duration prose states for the outage: `halted for almost four hours`, `offline for 13 minutes`,
    `an outage of 2h 10m`, `lasted 42 minutes`: (minutes, start, end), or None."""
    m = _STATED.search(text)
    if not m:
        return None
    minutes = parse_duration(m.group("dur"))
    return (minutes, m.start("dur"), m.end("dur")) if minutes else None


def find_range(text: str) -> tuple[When, When] | None:
    """A `start - end` range such as `14:30 - 16:45 UTC` or `2025-12-09 14:30 – 2025-12-10 01:00`."""
    for k in range(len(text)):
        if not text[k].isdigit() or (k and text[k - 1].isdigit()):
            continue
        a = match_when(text, k, date_kinds=("iso", "mdy", "dmy"))
        if not a or not a.has_time:
            continue
        m = _RANGE.match(text, a.end)
        if not m:
            continue
        b = match_when(text, m.end(), date_kinds=("iso", "mdy", "dmy"))
        if b and b.has_time:
            tz = b.tz or a.tz
            a.tz, b.tz = a.tz or tz, tz
            return a, b
    return None
