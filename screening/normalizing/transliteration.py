"""Any script to ASCII, as ICU transliterates it: normality's `ascii_text`, without normality.

Why this library: the name matching was tuned on ICU's transliteration (CLDR's rules: Han to
pinyin, Hangul, kana, Arabic, Cyrillic, Latin accents...), which normality applies through PyICU.
PyICU is only a source distribution (a C++ compiler, ICU headers and pkg-config, and minutes of
compiling to install). `pyicu-wheels` is the same `icu` module built with ICU bundled, as wheels
for Linux, macOS and Windows, so nothing is compiled. The transform below is normality's own
(normality 3.1), and so is what is done with characters it leaves non-ASCII.

Outputs depend on ICU's data version. Every name in the project's data (the bundled list, the
demo, the test and benchmark sets) gives the same output under ICU 72 (what normality had here,
PyICU built on Debian's ICU) and ICU 76-77 (pyicu-wheels), and so the names benchmark gives the
same results; of single characters, some 330 rare ones read differently, ICU 76 having fixed
them (Kazakh ң ө ұ ү һ, rare or polyphonic Han readings such as 珲 hun, Urdu and Pashto letters,
characters ICU 72 did not know). tests/normalizing/test_transliteration.py holds the outputs of
both for a broad sample.
"""

from __future__ import annotations

from functools import lru_cache

from icu import Transliterator

# Transform to Latin, separate accents, decompose, remove symbols, compose, push to ASCII
ASCII_SCRIPT = (
    "Any-Latin; NFKD; [:Nonspacing Mark:] Remove; Accents-Any; [:Symbol:] Remove; "
    "[:Nonspacing Mark:] Remove; Latin-ASCII"
)
_ASCII = Transliterator.createInstance(ASCII_SCRIPT)


def ascii_text(text: str) -> str:
    """The text in ASCII: transliterated, accents dropped, what is left over as `?`."""
    if text.isascii():
        return text
    return _ascii_text(text)


@lru_cache(maxsize=2**16)
def _ascii_text(text: str) -> str:
    result = str(_ASCII.transliterate(text))
    if not result.isascii():
        result = result.encode("ascii", "replace").decode("ascii")
    return result
