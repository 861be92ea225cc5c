"""The two CSV splitters on texts chosen to trip one of them: same cells, lines and rejections."""

from __future__ import annotations

import pytest

from screening.reading.splitting import _split_exact, _split_fast, detect_delimiter

H = "record_id,full_name\n"
CASES = [
    # (id, text, expected (line, record_id) of kept rows, expected rejected lines)
    ("plain", H + "W1,Kim\nW2,Pak\n", [(2, "W1"), (3, "W2")], []),
    ("no final newline", H + "W1,Kim\nW2,Pak", [(2, "W1"), (3, "W2")], []),
    ("blank lines", "\n\n" + H + "\nW1,Kim\n\n \n,\n\x00\n", [(5, "W1")], []),
    ("quoted empties are blank", H + 'W1,Kim\n"",""\n""\n', [(2, "W1")], []),
    ("crlf", H.replace("\n", "\r\n") + "W1,Kim\r\n\r\nW2,Pak\r\n", [(2, "W1"), (4, "W2")], []),
    ("lone CR line ends", H.replace("\n", "\r") + "W1,Kim\rW2,Pak\r", [(2, "W1"), (3, "W2")], []),
    ("quoted newline", H + 'W1,"Kim\nChol"\nW2,Pak\n', [(2, "W1"), (4, "W2")], []),
    ("quoted blank line", H + 'W1,"Kim\n\nChol"\nW2,Pak\n', [(2, "W1"), (5, "W2")], []),
    ("open quote at the end", H + 'W1,Kim\nW2,"Pak\n', [(2, "W1"), (3, "W2")], []),
    # CSV semantics: the open quote takes the next line into the name; the row still has two
    # fields, so it is kept (the swallowed text shows in the report) rather than rejected.
    ("open quote mid-file", H + 'W1,"Kim\nW2,Pak\n', [(2, "W1")], []),
    ("open quote, wrong width", 'record_id,name,country\nW1,"Kim,KP\nW2,Pak,KP\n', [], [2]),
    ("stray quote mid-field", H + 'W1,Kim "Boss" Chol\nW2,5\'10"\n', [(2, "W1"), (3, "W2")], []),
    ("ragged both ways", H + "W1\nW2,Pak,extra\nW3,Ri\n", [(4, "W3")], [2, 3]),
    ("whitespace-only line", H + "W1,Kim\n   \t \nW2,Pak\n", [(2, "W1"), (4, "W2")], []),
    ("escaped quotes", H + 'W1,"Kim ""the"" Chol"\n', [(2, "W1")], []),
]


@pytest.mark.parametrize(
    ("text", "kept", "rejected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_splitters_agree(text: str, kept: list[tuple[int, str]], rejected: list[int]) -> None:
    delimiter = detect_delimiter(text)
    exact = _split_exact(text, delimiter)
    assert exact is not None
    assert list(zip(exact.lines, exact.frame[0], strict=True)) == kept
    assert [row.line for row in exact.rejected] == rejected
    fast = _split_fast(text.encode(), delimiter)
    if fast is not None:
        assert fast.frame.equals(exact.frame)
        assert list(fast.lines) == list(exact.lines)
        assert list(fast.ends) == list(exact.ends)
        assert [r[:3] for r in fast.rejected] == [r[:3] for r in exact.rejected]


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b;c", ","),
        ("a;b;c,d", ";"),
        ("a\tb\tc", "\t"),
        ('"a;b",c', ","),
        ("single", ","),
    ],
)
def test_delimiter_is_the_one_the_header_uses_most(header: str, delimiter: str) -> None:
    assert detect_delimiter(header + "\n1,2,3\n") == delimiter
