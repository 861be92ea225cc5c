"""Record what `screening.normalizing.transliteration.ascii_text` gives under this venv's ICU for a
broad sample, into tests/data/transliteration.json (which tests/normalizing/test_transliteration.py
holds every ICU version recorded there to).

    python scripts/transliteration_golden.py [MORE_INPUTS_FILE]

Run it once per ICU version to record (the file keeps the versions already there): its outputs
were recorded under ICU 72.1 (PyICU 2.17 built on Debian's ICU, the ICU normality's `ascii_text`
used here before), 76.1 (pyicu-wheels 2.14) and 77.1 (pyicu-wheels 2.15.2).

The sample: every string the project's own names feed `ascii_text` (the non-ASCII values of every
data file in the repository, through `screening.matching.normalize.latinize`, which the matcher
calls), every Hangul syllable (the matcher transliterates Korean one syllable at a time), every
letter of the Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic, Thai, Devanagari and
kana blocks, every seventh CJK ideograph, random words and phrases in each of those scripts (as
written and casefolded), every input recorded before, and the lines of MORE_INPUTS_FILE if given
(the first recording was given every single character on which ICU 72.1 and 77.1 differ, found
by comparing the two on every assigned code point from U+0080 to U+31FFF).
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLDEN = ROOT / "tests" / "data" / "transliteration.json"

BLOCKS = {
    "latin": [(0x00C0, 0x0250), (0x1E00, 0x1F00)],
    "greek": [(0x0370, 0x0400), (0x1F00, 0x2000)],
    "cyrillic": [(0x0400, 0x0530)],
    "armenian": [(0x0530, 0x0590)],
    "hebrew": [(0x0590, 0x0600)],
    "arabic": [(0x0600, 0x0700)],
    "devanagari": [(0x0900, 0x0980)],
    "thai": [(0x0E00, 0x0E80)],
    "georgian": [(0x10A0, 0x1100)],
    "kana": [(0x3041, 0x3100)],
}


def letters(ranges: list[tuple[int, int]]) -> list[str]:
    return [
        chr(cp)
        for start, end in ranges
        for cp in range(start, end)
        if unicodedata.category(chr(cp))[0] in "LM"
    ]


def fed_strings() -> set[str]:
    """What the matcher feeds `ascii_text` for the non-ASCII values of the repository's data."""
    import screening.matching.normalize as normalize
    from screening.normalizing.transliteration import ascii_text

    fed: set[str] = set()

    def recording(text: str) -> str:
        fed.add(text)
        return ascii_text(text)

    vars(normalize)["ascii_text"] = recording  # what latinize calls
    values: set[str] = set()
    for path in sorted(ROOT.glob("**/*")):
        if ".venv" in path.parts or not path.is_file() or path.suffix not in DATA_FILES:
            continue
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            for part in re.split(r'[,;|\t"\[\]{}:]', line):
                if not part.strip().isascii() and len(part.strip()) < 200:
                    values.add(part.strip())
    for value in sorted(values):
        normalize.latinize(value)
    vars(normalize)["ascii_text"] = ascii_text
    return {text for text in fed if not text.isascii()}


DATA_FILES = {".csv", ".yaml", ".txt", ".md", ".py"}


def sample(known: list[str]) -> list[str]:
    rng = random.Random(17)
    texts = set(known) | fed_strings()
    if len(sys.argv) > 1:  # a file of more inputs, one a line (e.g. characters versions differ on)
        texts |= set(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()) - {""}
    texts |= {chr(cp) for cp in range(0xAC00, 0xD7A4)}
    han = [chr(cp) for cp in range(0x4E00, 0xA000)]
    texts |= set(han[::7])
    alphabets = {name: letters(ranges) for name, ranges in BLOCKS.items()}
    alphabets["han"] = han
    alphabets["hangul"] = [chr(cp) for cp in range(0xAC00, 0xD7A4)]
    for name, alphabet in alphabets.items():
        if name not in ("han", "hangul"):
            texts |= set(alphabet) | {char.casefold() for char in alphabet}
        for _ in range(150):
            words = [
                "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 6)))
                for _ in range(rng.randint(1, 3))
            ]
            texts |= {" ".join(words), " ".join(words).casefold()}
    return sorted(text for text in texts if not text.isascii())


def main() -> None:
    import icu

    from screening.normalizing.transliteration import ascii_text

    version = icu.ICU_VERSION.split(".")[0]
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    recorded: dict[str, dict[str, str]] = {}  # version -> input -> output
    for text, output in golden.get("same", {}).items():
        for other in golden.get("icu", {}):
            recorded.setdefault(other, {})[text] = output
    for text, outputs in golden.get("differ", {}).items():
        for other, output in outputs.items():
            recorded.setdefault(other, {})[text] = output
    inputs = sample(list(golden.get("same", {})) + list(golden.get("differ", {})))
    recorded[version] = {text: ascii_text(text) for text in inputs}
    versions = sorted(recorded, key=int)
    inputs = sorted(set.intersection(*(set(outputs) for outputs in recorded.values())))
    same = {t: recorded[version][t] for t in inputs if len({recorded[v][t] for v in versions}) == 1}
    differ = {t: {v: recorded[v][t] for v in versions} for t in inputs if t not in same}
    about = (
        "Generated by scripts/transliteration_golden.py: ascii_text's outputs under each ICU "
        "version in `icu`. `same`: input -> the output of every version; `differ`: input -> "
        "version -> output."
    )
    written = {"about": about, "icu": versions, "same": same, "differ": differ}
    GOLDEN.write_text(json.dumps(written, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"ICU {icu.ICU_VERSION}: {len(inputs):,} inputs, {len(differ)} differ across {versions}")


if __name__ == "__main__":
    main()
