"""Fuzz the CSV reader and the rule loader: the only exceptions allowed are ScreeningErrors.

Usage (atheris is a fuzzing-only tool, kept out of pyproject: ``pip install atheris``)::

    python benchmarks/fuzz.py csv  -max_total_time=300 [CORPUS_DIR ...]
    python benchmarks/fuzz.py rule -max_total_time=300 [CORPUS_DIR ...]

``csv`` writes each input to a file and runs ``read_records`` (with no encoding, or one picked by
the first byte) and then normalizes the table it read; ``rule`` runs ``load_rule`` on the input as
a rule file. Seeds are the test corpus, the demo records and the bundled rules. Without atheris a
plain random-mutation loop over the same seeds runs instead (``--seconds N``).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # pragma: no cover - fallback fuzzer below
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["screening"]):
        from screening.errors import ScreeningError
        from screening.normalizing.tables import normalize_table
        from screening.reading import read_records
        from screening.resources import rules_dir, seeds_dir
        from screening.rulespec.rulebook import load_rule
        from screening.rulespec.sources import load_corpus
else:
    from screening.errors import ScreeningError
    from screening.normalizing.tables import normalize_table
    from screening.reading import read_records
    from screening.resources import rules_dir, seeds_dir
    from screening.rulespec.rulebook import load_rule
    from screening.rulespec.sources import load_corpus


ROOT = Path(__file__).resolve().parent.parent
ENCODINGS = [None, None, None, "cp1251", "koi8-r", "utf-16", "no-such-encoding"]
WORK = Path(
    tempfile.mkdtemp(
        prefix="screening-fuzz-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
    )
)
CORPUS = load_corpus(seeds_dir())


def fuzz_csv(data: bytes) -> None:
    """One input through the reader and the normalizer."""
    encoding = ENCODINGS[data[0] % len(ENCODINGS)] if data else None
    path = WORK / "records.csv"
    path.write_bytes(data[1:])
    try:
        table = read_records(path, encoding)
    except ScreeningError:
        return
    assert len(table.frame) + len(table.rejected) == table.rows
    assert table.frame["_line"].is_monotonic_increasing
    normalize_table(table.kind, table.frame.fillna(""))


def fuzz_rule(data: bytes) -> None:
    """One input as a rule file."""
    path = WORK / "rule.yaml"
    path.write_bytes(data)
    try:
        load_rule(path, CORPUS)
    except ScreeningError:
        return


TARGETS: dict[str, tuple[Callable[[bytes], None], list[Path]]] = {
    "csv": (
        fuzz_csv,
        sorted((ROOT / "tests" / "data" / "hostile").glob("*.csv"))
        + sorted((ROOT / "screening" / "demo").glob("*.csv")),
    ),
    "rule": (fuzz_rule, sorted(rules_dir().glob("*.yaml"))),
}


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """A random byte-level edit: flip, insert, delete, duplicate a slice, or splice in a token."""
    tokens = [
        b'"',
        b",",
        b";",
        b"\t",
        b"\r\n",
        b"\n",
        b"\x00",
        b"\xff",
        b"\xd0",
        b"=",
        b"{",
        b"- ",
        b": ",
        b"!!python/object:os.system",
        b"&a ",
        b"*a",
        b"31/02/2020",
        b"\xef\xbb\xbf",
    ]
    buffer = bytearray(data)
    position = rng.randrange(len(buffer) + 1)
    choice = rng.randrange(5)
    if choice == 0 and buffer:
        buffer[min(position, len(buffer) - 1)] = rng.randrange(256)
    elif choice == 1:
        buffer[position:position] = rng.choice(tokens)
    elif choice == 2 and buffer:
        del buffer[position : position + rng.randrange(1, 16)]
    elif choice == 3 and buffer:
        end = min(len(buffer), position + rng.randrange(1, 64))
        buffer[position:position] = buffer[position:end]
    else:
        buffer[position:position] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
    return bytes(buffer)


def _random_fuzz(target: Callable[[bytes], None], seeds: list[bytes], seconds: float) -> int:
    """Fallback fuzzer: mutate seeds at random until time is up; returns the executions."""
    rng = random.Random(0)
    deadline = time.monotonic() + seconds
    executions = 0
    while time.monotonic() < deadline:
        data = rng.choice(seeds)
        for _ in range(rng.randrange(1, 8)):
            data = _mutate(rng, data)
        target(data)
        executions += 1
    return executions


def main(argv: list[str]) -> int:
    """Fuzz one target: atheris when installed, else the random-mutation loop."""
    if len(argv) < 2 or argv[1] not in TARGETS:
        print(__doc__, file=sys.stderr)
        return 2
    target, seed_files = TARGETS[argv[1]]
    if atheris is None:
        seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 60.0
        executions = _random_fuzz(target, [p.read_bytes() for p in seed_files], seconds)
        print(f"{argv[1]}: {executions} executions in {seconds:.0f} s, no unexpected exception")
        return 0
    corpus = WORK / f"corpus-{argv[1]}"
    corpus.mkdir(exist_ok=True)
    for index, seed in enumerate(seed_files):
        prefix = b"\x00" if argv[1] == "csv" else b""  # first byte picks the encoding: none
        (corpus / f"seed-{index}").write_bytes(prefix + seed.read_bytes())
    atheris.Setup([argv[0], *argv[2:], str(corpus)], target)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
