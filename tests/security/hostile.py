"""Hostile input for the fuzz tests: what attackers, broken spreadsheets and copy-paste send."""

from __future__ import annotations

from hypothesis import strategies as st

FORMULAS = [
    "=1+2",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|'/c calc'!A1",
    "\t=1",
    "\r=1",
]
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\ufeffnombre",
    "x" * 10_000,  # huge
    "línea " * 5_000,  # a very long line
    "\n" * 500,
    "a\u0301" * 2_000,  # deep combining marks
    "\u202eoculto",  # right-to-left override
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏳️‍🌈 " * 50,  # astral planes, ZWJ sequences
    "\ud7ff\ue000\uffff",
    "NaN",
    "-1",
    "1e309",
    "99999999999999999999999999",
    "0",
    "-0.000001",
    "2026-02-30",
    "9999-12-31",
    "[]",
    "{}",
    "null",
    "<script>alert(1)</script>",
    "'; DROP TABLE organizations_organization; --",
    "../../etc/passwd",
    "%s%s%(x)s{0}{}",
]
hostile_text = st.one_of(
    st.sampled_from(SPECIAL + FORMULAS),
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
# Several values for one field (a multi-select, or a single field sent twice).
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))
# Bytes that are not UTF-8, for raw bodies and uploaded files.
invalid_utf8 = st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80abc", b"caf\xe9"])
