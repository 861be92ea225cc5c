"""`ascii_text` gives what normality's `ascii_text` gave (ICU 72.1, through PyICU) on a broad
sample: tests/data/transliteration.json, recorded by scripts/transliteration_golden.py under ICU
72.1, 76.1 and 77.1 (pyicu-wheels), so that the tests need no normality.

On most of the sample every version agrees; each input where they do not (ICU 76 corrected some
rare characters' readings: Kazakh ң ө ұ ү һ, Urdu and Pashto letters, rare Han readings) is held
to the output of the version running, when that version was recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import icu
import pytest

from screening.normalizing.transliteration import ascii_text

GOLDEN = json.loads(
    (Path(__file__).parent.parent / "data" / "transliteration.json").read_text(encoding="utf-8")
)
VERSION = icu.ICU_VERSION.split(".")[0]


def test_every_version_recorded_agrees_on_most_of_the_sample() -> None:
    assert len(GOLDEN["same"]) > 19_000 and len(GOLDEN["differ"]) < 600
    assert {"72", "77"} <= set(GOLDEN["icu"])


def test_outputs_every_version_gives() -> None:
    differing = {
        text: (expected, got)
        for text, expected in GOLDEN["same"].items()
        if (got := ascii_text(text)) != expected
    }
    assert differing == {}


def test_outputs_this_version_gives() -> None:
    if VERSION not in GOLDEN["icu"]:
        pytest.skip(f"ICU {icu.ICU_VERSION} was not recorded (scripts/transliteration_golden.py)")
    differing = {
        text: (outputs[VERSION], got)
        for text, outputs in GOLDEN["differ"].items()
        if (got := ascii_text(text)) != outputs[VERSION]
    }
    assert differing == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kim Jong Un", "Kim Jong Un"),  # ASCII as it is
        ("조선", "joseon"),
        ("김정은", "gimjeong-eun"),
        ("朝鲜 银行", "chao xian yin xing"),
        ("重庆", "chong qing"),  # a word ICU reads as a whole
        ("平壤", "ping rang"),
        ("きゃく", "kyaku"),
        ("Трудовой", "Trudovoj"),
        ("ђорђе", "dorde"),
        ("łódź straße æsir", "lodz strasse aesir"),
        ("Nguyễn Văn Đức", "Nguyen Van Duc"),
        ("محمد", "mhmd"),
        ("Ελλάδα", "Ellada"),
    ],
)
def test_scripts(text: str, expected: str) -> None:
    assert ascii_text(text) == expected
