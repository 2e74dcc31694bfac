"""Hostile form values: what a broken browser, a spreadsheet paste or an attacker sends."""

from hypothesis import strategies as st

MALFORMED_DATES = [
    "31/02/2023",
    "2023-13-01",
    "2023-02-30",
    "29/02/2023",
    "00/00/0000",
    "1/1/1",
    "01/01/10000",
    "99999-01-01",
    "0001-01-01",
    "9999-12-31",
    "32/01/2022",
    "2022/01/01",
    "01-01-2022",
    "hier",
]

NUMBERS = [
    "-1",
    "0",
    "-0",
    "1,5",
    "-2,75",
    "1 234,5",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "0x1F",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
]

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "\u202eevil",
    "😀" * 50,
    "Ⅻ",
    "\r\n",
]


def long_text() -> st.SearchStrategy[str]:
    return st.sampled_from([101, 201, 301, 1001, 4001, 20_000]).map(lambda n: "é" * n)


def scalar() -> st.SearchStrategy[str]:
    """One hostile value for any field."""
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(MALFORMED_DATES),
        st.sampled_from(NUMBERS),
        st.sampled_from(NASTY_TEXT),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
            lambda d: str(d).replace(".", ",")
        ),
        st.integers(min_value=100_000, max_value=2**31 + 10).map(str),  # ids that do not exist
        long_text(),
    )


def field_value(valid: list[str]) -> st.SearchStrategy:
    """A field's value: one of its valid values, a hostile scalar, or a list of them."""
    choices = [scalar(), st.lists(scalar(), min_size=2, max_size=3)]
    if valid:
        choices.insert(0, st.sampled_from(valid))
        choices.append(st.lists(st.sampled_from(valid), min_size=1, max_size=4))
    return st.one_of(*choices)
