"""Name-matching benchmark: accuracy per category on labelled sets (vs nomenklatura logic-v2),
and speed.

    python benchmarks/names.py [--sets pairs,dev,heldout] [--names 1000000] [--entries 10000]
                               [--skip-speed] [--misses]

Sets (`--sets`, comma-separated; default: every set whose file exists):
- `pairs`: tests/data/name_pairs.csv against the bundled UN 1718 list;
- any other NAME (`dev`, `heldout`, `after`): tests/data/company_names/NAME.csv against the list
  tests/data/company_names/designations.yaml.

A set's rows are `record_name,list_reference,expected,category[,note]`; `expected` is `match`
(the entry `list_reference` must score at or above the threshold: recall) or `no match` (no
entry may: false-positive rate). Both are given overall and per category, for this project's
matcher at DEFAULT_THRESHOLD and for nomenklatura logic-v2 at 0.7, with, for ours, how often the
top-scored entry of a `match` row is another entry ("wrong best").

`--misses` prints our misses and false positives, for `pairs` and `dev` only: the other sets are
held out from tuning, and only their per-category numbers are ever shown.

nomenklatura is optional: it is used when importable here, or through the Python named by
$NOMENKLATURA_PYTHON (default /work/venv-bench/bin/python) when that exists; otherwise skipped.
$SCREENING_CODE=DIR measures the `screening` package in DIR (e.g. a commit's, exported with
`git archive`) instead of this tree's, on this tree's data.
Results are printed and written to benchmarks/results/names.md, where the sections this run
computed replace those of an earlier run and the others are kept; each section names the commit
it was measured on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CODE = os.environ.get("SCREENING_CODE")
"""A folder holding another copy of the `screening` package to measure instead of this tree's,
e.g. a commit's (`git archive HEAD screening | tar -x -C DIR`; a file DIR/COMMIT names it)."""
sys.path.insert(0, CODE or str(ROOT))

from screening.lists import ListEntry, Watchlist, bundled_list  # noqa: E402
from screening.lists.loading import load_list  # noqa: E402
from screening.matching import DEFAULT_THRESHOLD, match_names  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "name_pairs.csv"
COMPANY_NAMES = ROOT / "tests" / "data" / "company_names"
DESIGNATIONS = COMPANY_NAMES / "designations.yaml"
KNOWN_SETS = ["pairs", "dev", "scripts_dev", "heldout", "after"]
"""The sets in their report order; any other NAME.csv in COMPANY_NAMES can be asked for."""
OPEN_SETS = {"pairs", "dev", "scripts_dev"}
"""The sets whose individual rows may be printed (`--misses`); the others are held out."""
RESULTS = ROOT / "benchmarks" / "results" / "names.md"
NOMENKLATURA_THRESHOLD = 0.7
NOMENKLATURA_PYTHON = os.environ.get("NOMENKLATURA_PYTHON", "/work/venv-bench/bin/python")
FLOOR = 0.3
"""Scores below this are not collected (for ours and for nomenklatura): they decide nothing."""
COLUMNS = ["record_name", "list_reference", "expected", "category"]
Found = list[dict[str, float]]
"""For each row of a set: the best score of each list reference that scored at least FLOOR."""


# ---- the labelled sets
def set_path(name: str) -> Path:
    """The CSV file of set `name`."""
    return PAIRS if name == "pairs" else COMPANY_NAMES / f"{name}.csv"


def available_sets() -> list[str]:
    """The known sets whose file exists, in report order."""
    return [name for name in KNOWN_SETS if set_path(name).is_file()]


def read_set(path: Path) -> pd.DataFrame:
    """A set's rows, checked: the columns are there and `expected` is `match` or `no match`."""
    rows = pd.read_csv(path, keep_default_na=False, dtype=str).reset_index(drop=True)
    missing = [c for c in COLUMNS if c not in rows.columns]
    if missing:
        raise SystemExit(f"{path}: missing column(s) {', '.join(missing)}")
    for column in ("list_reference", "expected", "category"):
        rows[column] = rows[column].str.strip()
    rows["expected"] = rows["expected"].replace("no_match", "no match")  # name_pairs.csv's spelling
    bad = ~rows["expected"].isin(["match", "no match"])
    if bad.any():
        raise SystemExit(f"{path}: {int(bad.sum())} row(s) whose expected is not match/no match")
    return rows


def _shown(path: Path) -> str:
    """A path as shown in the results: relative to the project when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def set_watchlist(name: str) -> Watchlist:
    """The list a set is screened against."""
    return bundled_list() if name == "pairs" else load_list(DESIGNATIONS)


def describe(name: str, rows: pd.DataFrame, watchlist: Watchlist) -> str:
    """One line: what the set is."""
    n_pos = int((rows["expected"] == "match").sum())
    where = _shown(set_path(name))
    against = "the bundled UN 1718 list" if name == "pairs" else f"`{_shown(DESIGNATIONS)}`"
    return (
        f"`{where}`: {len(rows)} labelled rows ({n_pos} `match`, {len(rows) - n_pos} `no match`) "
        f"in {rows['category'].nunique()} categories, against {against} "
        f"({len(watchlist.entries)} entries, {sum(len(e.names()) for e in watchlist.entries)} "
        "names)."
    )


# ---- scoring
def outcomes(rows: pd.DataFrame, found: Found, threshold: float) -> np.ndarray:
    """Per row: a `match` row's expected entry scored >= threshold; a `no match` row's any did."""
    return np.asarray(
        [
            (ref in f and f[ref] >= threshold)
            if exp == "match"
            else any(s >= threshold for s in f.values())
            for ref, exp, f in zip(rows["list_reference"], rows["expected"], found, strict=True)
        ],
        dtype=bool,
    )


def wrong_best(rows: pd.DataFrame, found: Found) -> np.ndarray:
    """Per row: a `match` row whose top-scored entry is another one, scoring strictly above the
    expected entry (a tie is not counted; nor is a row where nothing scored FLOOR)."""
    return np.asarray(
        [
            exp == "match" and bool(f) and max(f.values()) > f.get(ref, -1.0)
            for ref, exp, f in zip(rows["list_reference"], rows["expected"], found, strict=True)
        ],
        dtype=bool,
    )


def ours(rows: pd.DataFrame, watchlist: Watchlist) -> Found:
    """Best score per listed reference for each row's record name."""
    matches = match_names(rows["record_name"], [watchlist], threshold=FLOOR)
    found: Found = [{} for _ in range(len(rows))]
    for row, ref, score in zip(matches["row"], matches["reference"], matches["score"], strict=True):
        found[int(row)][ref] = max(float(score), found[int(row)].get(ref, 0.0))
    return found


def nomenklatura(rows: pd.DataFrame, watchlist: Watchlist) -> Found | None:
    """nomenklatura logic-v2 scores, or None when nomenklatura is not available."""
    job = {
        "entries": [
            {"reference": e.reference, "schema": e.schema, "names": [n for n, _ in e.names()]}
            for e in watchlist.entries
        ],
        "queries": rows["record_name"].tolist(),
        "floor": FLOOR,
    }
    helper = ROOT / "benchmarks" / "nomenklatura_eval.py"
    try:
        import nomenklatura  # noqa: F401

        python = sys.executable
    except ImportError:
        if not Path(NOMENKLATURA_PYTHON).exists():
            return None
        python = NOMENKLATURA_PYTHON
    done = subprocess.run(
        [python, str(helper)], input=json.dumps(job), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"nomenklatura skipped: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    result: Found = json.loads(done.stdout)
    return result


# ---- tables
def _share(hits: np.ndarray, mask: np.ndarray) -> str:
    n = int(mask.sum())
    return f"{hits[mask].mean():.3f} ({int(hits[mask].sum())}/{n})" if n else "-"


def set_table(rows: pd.DataFrame, mine: Found, theirs: Found | None) -> list[str]:
    """Overall and per-category recall, false-positive rate and wrong best, ours vs logic-v2."""
    positive = (rows["expected"] == "match").to_numpy()
    mine_hits = outcomes(rows, mine, DEFAULT_THRESHOLD)
    theirs_hits = None if theirs is None else outcomes(rows, theirs, NOMENKLATURA_THRESHOLD)
    wrong = wrong_best(rows, mine)
    out = [
        "",
        "| category | n | match / no match | recall ours | recall logic-v2 | FPR ours "
        "| FPR logic-v2 | wrong best ours |",
        "|---|---|---|---|---|---|---|---|",
    ]
    groups = [("**all**", np.ones(len(rows), dtype=bool))] + [
        (str(category), (rows["category"] == category).to_numpy())
        for category in sorted(rows["category"].unique())
    ]
    for label, group in groups:
        pos, neg = group & positive, group & ~positive
        cells = [
            _share(mine_hits, pos),
            "n/a" if theirs_hits is None else _share(theirs_hits, pos),
            _share(mine_hits, neg),
            "n/a" if theirs_hits is None else _share(theirs_hits, neg),
            f"{int(wrong[pos].sum())}/{int(pos.sum())}" if pos.any() else "-",
        ]
        out.append(
            f"| {label} | {int(group.sum())} | {int(pos.sum())} / {int(neg.sum())} | "
            + " | ".join(cells)
            + " |"
        )
    return out


def misses(rows: pd.DataFrame, mine: Found) -> list[str]:
    """Our misses, false positives and wrong bests, one line each (for open sets only)."""
    hits = outcomes(rows, mine, DEFAULT_THRESHOLD)
    wrong = wrong_best(rows, mine)
    out = []
    for i, row in enumerate(rows.to_dict("records")):
        f = mine[i]
        best = sorted(f.items(), key=lambda kv: -kv[1])[:3]
        top = ", ".join(f"{ref} {score:.3f}" for ref, score in best) or "nothing"
        expected = f"-> {row['list_reference']} {f.get(row['list_reference'], 0.0):.3f}"
        if row["expected"] == "match" and not hits[i]:
            out.append(f"MISS  [{row['category']}] {row['record_name']!r} {expected}; top: {top}")
        elif row["expected"] == "no match" and hits[i]:
            out.append(f"FP    [{row['category']}] {row['record_name']!r}; top: {top}")
        elif wrong[i]:
            out.append(f"WRONG [{row['category']}] {row['record_name']!r} {expected}; top: {top}")
    return out


def evaluate(name: str, show_misses: bool) -> list[str]:
    """The section of one set: what it is, and its table."""
    path = set_path(name)
    if not path.is_file():
        raise SystemExit(f"set {name!r}: {_shown(path)} does not exist")
    rows = read_set(path)
    watchlist = set_watchlist(name)
    references = {e.reference for e in watchlist.entries}
    unknown = (rows["expected"] == "match") & ~rows["list_reference"].isin(references)
    if unknown.any():
        print(
            f"warning: set {name!r}: {int(unknown.sum())} match row(s) name a reference that "
            "is not on the list (counted as misses)",
            file=sys.stderr,
        )
    start = time.perf_counter()
    mine = ours(rows, watchlist)
    mine_seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = nomenklatura(rows, watchlist)
    theirs_seconds = time.perf_counter() - start
    print(
        f"set {name}: ours {mine_seconds:.1f} s, logic-v2 {theirs_seconds:.1f} s", file=sys.stderr
    )
    lines = [
        f"## Set `{name}`",
        "",
        describe(name, rows, watchlist) + " " + stamp(),
    ]
    if theirs is None:
        lines.append("nomenklatura was not available: its columns are n/a.")
    lines.extend(set_table(rows, mine, theirs))
    if show_misses:
        if name in OPEN_SETS:
            print(f"\n{name}: misses, false positives and wrong bests (ours)")
            print("\n".join(misses(rows, mine)) or "none")
        else:
            print(f"\n{name}: held out, misses not shown", file=sys.stderr)
    return lines


def stamp() -> str:
    """The commit measured (and whether screening/ had uncommitted changes), and the date."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    if CODE:
        marker = Path(CODE) / "COMMIT"
        label = marker.read_text(encoding="utf-8").strip() if marker.is_file() else ""
        return f"Measured on `screening` from {label or CODE}, {dt.date.today().isoformat()}."
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = (
        " + uncommitted changes in screening/" if git("status", "--porcelain", "screening") else ""
    )
    return f"Measured on commit {commit}{dirty}, {dt.date.today().isoformat()}."


# ---- speed: a generated list and generated records
def _words(text: str) -> list[str]:
    return text.split()


# Korean surnames and given-name syllables in MR spelling, as on the UN list
SURNAMES = _words(
    """
    Kim Ri Pak Choe Jong Kang Jo Yun Jang Han Rim O So Sin Kwon Hwang An Song Ryu Hong Jon Ko
    Mun Yang Son Pae Paek Ho Yu Nam Sim No Ha Kwak Song Cha Ju U Ku Min Chin Na Ji Om Chae Won
    Chon Pang
    """
)
SYLLABLES = _words(
    """
    chol su nam yong il kyu song sung hyok myong chun gwang jin hui ok sun gil man ho u dok
    rim hak pyong ryong hyon chan mun sok bong ung tae gyong jun kum hwa ae ran hye jong won
    chang hun sik kuk chil pil sam tong ung ho chae yon mi hyang hwan gun bok myon dal chung
    hyang in ik ja jae ki kon kwan nyong pom phil rak ryol sae san sol suk tak thae un yop
    """
)
WORDS = _words(
    """
    Ryonbong Kumsan Pugang Sinhung Taesong Mirim Unha Haegumgang Chollima Paektu Moranbong
    Kwangmyong Sonbong Rason Hwanggumpyong Songbong Kumgang Myohyang Chilbo Taedong Ryugyong
    """
)
GENERIC = _words(
    """
    Trading General Corporation Company Korea International Joint Venture Group
    """
)
WESTERN_FIRST = _words(
    """
    Ivan Maria John Anna Peter Olga Sergei Elena Dmitri Natalia Paul Laura
    """
)
WESTERN_LAST = _words(
    """
    Petrov Ivanova Smith Garcia Novak Kowalski Muller Rossi Popov Sokolova
    """
)
TO_CYRILLIC = {"ch": "ч", "ng": "н", "yo": "ё", "yu": "ю", "ya": "я", "k": "к", "i": "и", "m": "м",
               "r": "р", "p": "п", "a": "а", "o": "о", "l": "ль", "s": "с", "u": "у", "n": "н",
               "g": "г", "y": "й", "e": "е", "h": "х", "j": "дж", "b": "б", "d": "д", "t": "т",
               "w": "в", "c": "к"}  # fmt: skip


def cyrillic(name: str) -> str:
    """A crude Russian-style rendering of a romanized Korean name."""
    out, i, low = [], 0, name.lower()
    while i < len(low):
        two = low[i : i + 2]
        if two in TO_CYRILLIC:
            out.append(TO_CYRILLIC[two])
            i += 2
        else:
            out.append(TO_CYRILLIC.get(low[i], low[i]))
            i += 1
    return "".join(out).title()


def _entry(entry_id: str, schema: str, name: str) -> ListEntry:
    return ListEntry.model_validate(
        {"entry_id": entry_id, "reference": entry_id, "schema": schema, "name": name}
    )


def generated_list(n: int, rng: np.random.Generator) -> Watchlist:
    """n entries: 70% persons (surname + two syllables), 30% organizations."""
    entries = []
    for i in range(n):
        if rng.random() < 0.7:
            s1, s2 = rng.choice(SYLLABLES, 2)
            name = f"{rng.choice(SURNAMES)} {s1.title()} {s2.title()}"
            entries.append(_entry(f"P{i}", "person", name))
        else:
            word = str(rng.choice(WORDS)) + str(rng.choice(SYLLABLES))
            name = f"Korea {word.title()} {rng.choice(GENERIC)} Corporation"
            entries.append(_entry(f"E{i}", "organization", name))
    return Watchlist(name="generated", source="benchmark", format="native", entries=entries)


VARIANTS = [("Chol", "Cheol"), ("Pak", "Park"), ("Ri ", "Lee "), ("Jong", "Chong"), ("Kim", "Gim"),
            ("Kyu", "Gyu"), ("Yong", "Young"), ("Su", "Soo")]  # fmt: skip


def generated_records(n: int, listed: list[str], rng: np.random.Generator) -> pd.Series:
    """n record names: 20% variants of listed names, 5% Cyrillic, the rest unrelated names."""
    names: list[str] = []
    kinds = rng.random(n)
    picks = rng.integers(0, len(listed), n)
    for kind, pick in zip(kinds, picks, strict=True):
        base = listed[pick]
        if kind < 0.2:
            old, new = VARIANTS[int(pick) % len(VARIANTS)]
            parts = base.replace(old, new).split(" ")
            names.append(" ".join(parts[1:] + parts[:1]) if kind < 0.05 else " ".join(parts))
        elif kind < 0.25:
            names.append(cyrillic(base))
        elif kind < 0.65:
            s1, s2 = rng.choice(SYLLABLES, 2)
            names.append(f"{rng.choice(SURNAMES)} {s1.title()}-{s2}")
        elif kind < 0.85:
            names.append(f"{rng.choice(WESTERN_FIRST)} {rng.choice(WESTERN_LAST)}")
        else:
            names.append(f"{rng.choice(WESTERN_LAST)} {rng.choice(GENERIC)} LLC")
    return pd.Series(names, dtype="str")


def speed(n_names: int, n_entries: int) -> dict[str, float]:
    """Time match_names on generated data."""
    rng = np.random.default_rng(1718)
    watchlist = generated_list(n_entries, rng)
    records = generated_records(n_names, [e.name for e in watchlist.entries], rng)
    start = time.perf_counter()
    matches = match_names(records, [watchlist], threshold=DEFAULT_THRESHOLD)
    seconds = time.perf_counter() - start
    return {
        "names": n_names,
        "unique": float(records.nunique()),
        "entries": n_entries,
        "seconds": seconds,
        "per_second": n_names / seconds,
        "matches": float(len(matches)),
    }


def token_scorers(n: int = 200_000) -> list[str]:
    """Speed of rigour's string similarity against rapidfuzz's compiled cpdist on token pairs."""
    from rapidfuzz import fuzz, process

    try:
        from rigour.text.distance import levenshtein_similarity
    except ImportError:  # optional: rigour is no dependency (it needs PyICU, built from source)
        return ["", "Token similarity: skipped, rigour is not installed."]

    rng = np.random.default_rng(0)
    left = [str(x) for x in rng.choice(SYLLABLES, n)]
    right = [str(x) for x in rng.choice(SYLLABLES, n)]
    start = time.perf_counter()
    process.cpdist(left, right, scorer=fuzz.ratio, workers=-1)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    for a, b in zip(left, right, strict=True):
        levenshtein_similarity(a, b)
    slow = time.perf_counter() - start
    return [
        "",
        f"Token similarity, {n:,} syllable pairs: rapidfuzz `cpdist` {n / fast:,.0f} pairs/s, "
        f"rigour `levenshtein_similarity` (per pair, Python loop) {n / slow:,.0f} pairs/s.",
    ]


NOTES = [
    "## Notes",
    "",
    "- recall: share of `match` rows whose expected entry scored at or above the threshold; FPR:",
    "  share of `no match` rows where any entry did; cells give the share and the counts.",
    "- wrong best (ours): `match` rows whose top-scored entry (any score from 0.3) is another",
    "  entry, strictly above the expected one, whether or not either reaches the threshold.",
    "- The `pairs` set was written for this project and the matcher was tuned on its first 511",
    "  pairs; the last 53 (34 variants, 19 negatives) were written afterwards and scored once,",
    "  untuned: recall 0.97 (missed: 'Ryeonbong Trading'), false-positive rate 0.00.",
    "- `dev` may be used for tuning; `heldout` (and `after`) are not: only their per-category",
    "  numbers are looked at.",
    "- nomenklatura runs each query as a Person against persons and as an Organization against",
    "  organizations (the record's type is not known), best score kept, threshold 0.7.",
    "- Speed depends on the number of distinct names (each is normalized and scored once) and on",
    "  how many list names share keys; the generated list is dense (46 surnames, ~100 syllables).",
]
SECTION = re.compile(r"^<!-- section: (\S+) -->\n", re.MULTILINE)


def old_sections() -> dict[str, str]:
    """The sections of the results file written by an earlier run (none if its format differs)."""
    if not RESULTS.is_file():
        return {}
    parts = SECTION.split(RESULTS.read_text(encoding="utf-8"))
    return {name: body.strip("\n") for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def write_results(new: dict[str, list[str]]) -> None:
    """Write the results file: this run's sections, and an earlier run's other ones."""
    sections = {**old_sections(), **{name: "\n".join(lines) for name, lines in new.items()}}
    sets = [s for s in sections if s.startswith("set:")]
    order = (
        ["header"]
        + [f"set:{n}" for n in KNOWN_SETS if f"set:{n}" in sets]
        + sorted(s for s in sets if s.removeprefix("set:") not in KNOWN_SETS)
        + ["tokens", "speed", "notes"]
    )
    text = "\n\n".join(f"<!-- section: {s} -->\n{sections[s]}" for s in order if s in sections)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    """Run the benchmark and write benchmarks/results/names.md."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sets",
        type=lambda text: [s.strip() for s in text.split(",") if s.strip()],
        default=None,
        help=f"comma-separated sets (default: those of {', '.join(KNOWN_SETS)} that exist)",
    )
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--misses", action="store_true", help="print our misses for the open sets (pairs, dev)"
    )
    args = parser.parse_args()
    names = available_sets() if args.sets is None else args.sets
    print(
        f"screening: {sys.modules['screening'].__file__}; sets: {', '.join(names)}", file=sys.stderr
    )
    new: dict[str, list[str]] = {
        "header": [
            "# Name matching benchmark",
            "",
            f"Each set is screened by this project's matcher (`match_names`, threshold "
            f"{DEFAULT_THRESHOLD}) and by nomenklatura logic-v2 (threshold "
            f"{NOMENKLATURA_THRESHOLD}). `python benchmarks/names.py [--sets "
            f"{','.join(KNOWN_SETS)}] [--skip-speed]` rewrites the sections it runs and keeps the "
            "others; each says which commit it measured.",
        ],
        "notes": NOTES,
    }
    for name in names:
        lines = evaluate(name, args.misses)
        print("\n".join(lines) + "\n")
        new[f"set:{name}"] = lines
    tokens = token_scorers()
    print("\n".join(tokens))
    new["tokens"] = ["## Token similarity", *tokens, "", stamp()]
    if not args.skip_speed:
        result = speed(args.names, args.entries)
        cpu = f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}"
        speed_lines = [
            "## Speed",
            "",
            f"Speed: {result['names']:,} generated record names ({result['unique']:,.0f} distinct) "
            f"against a generated {result['entries']:,}-entry list ({cpu}, Python "
            f"{platform.python_version()}). {stamp()}",
            "",
            "| names | entries | seconds | names/s | matches |",
            "|---|---|---|---|---|",
            f"| {result['names']:,} | {result['entries']:,} | {result['seconds']:.2f} | "
            f"{result['per_second']:,.0f} | {result['matches']:,.0f} |",
        ]
        print("\n".join(speed_lines))
        new["speed"] = speed_lines
    write_results(new)
    print(f"\nwritten: {_shown(RESULTS)}", file=sys.stderr)


if __name__ == "__main__":
    main()
