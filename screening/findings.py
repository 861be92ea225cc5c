"""Findings: one row per (rule, record), with its evidence and the sentence a reviewer reads.

Built a rule at a time from the engine's masks and evidence columns; the sentence comes from the
rule's `explain` template, filled column-wise (no loop per finding except the id hash).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.arrowbytes import hex_text
from screening.display import MISSING
from screening.engine.context import Context, Evaluated
from screening.engine.evaluate import Results, evaluate
from screening.engine.rows import take_rows
from screening.engine.shown import (
    SCORE_KEY,
    field_vocabulary,
    is_percent,
    shown_text,
    with_vocabulary_note,
)
from screening.engine.text import Text, arrow_text, joined, replaced, with_given
from screening.normalizing.tables import record_fingerprints
from screening.parallel import each
from screening.reading import FILE_COLUMN, LINE_COLUMN
from screening.records import RecordKind
from screening.rows import FOUND_COLUMNS
from screening.rulespec.checks import PLACEHOLDER, plural_forms
from screening.rulespec.rulebook import LoadedRule

FRAME_COLUMNS = (*FOUND_COLUMNS, "row")
"""The findings table `find` returns: a finding as found, before review (`rows.FOUND_COLUMNS`),
and the engine's row number of its record (dropped by `assemble.sort_findings`)."""

RULE_TEXT_COLUMNS = ("rule_title", "legal_basis", "sources", "rule_sha")
"""Findings columns that only show what the rule says, the same for each of its findings: held
once per rule (an Arrow dictionary, then a pandas category), not once per finding. A 10M screen's
1.35M findings held 0.55 GB of them, the sources' quoted passages most. The rule's id, severity
and record type are its findings' sort and group keys, and stay plain text."""


def finding_id(rule_id: str, record_type: str, record_id: str, entry: str) -> str:
    """Stable id from the rule, the record and the matched list entry (never from row order).

    Version 1, stored with every review decision and so never to change: "F-" and the first 12
    lowercase hex digits of the SHA-1 of the UTF-8 text `rule_id|record_type|record_id|entry`,
    each part exactly as read (a record id with control characters included)."""
    text = pa.array([record_id], type=pa.large_string())
    ids = finding_ids(rule_id, record_type, text, pa.array([entry], type=pa.large_string()))
    return str(ids[0].as_py())


def finding_ids(rule_id: str, record_type: str, record_ids: Text, entries: Text) -> Text:
    """`finding_id` of each record of one rule: "F-" and the first 12 hex digits of the SHA-1
    of `rule|type|record|entry`.

    The messages are joined in Arrow and only the hashing loops in Python (~1 µs a finding);
    the digests are written out as hex with numpy, where `hexdigest` and slicing per finding
    cost as much as the hashing."""
    # a missing id or entry is hashed as the word None, as formatting it in Python always did
    parts = [pc.fill_null(record_ids, "None"), pc.fill_null(entries, "None")]
    messages = joined([f"{rule_id}|{record_type}|", parts[0], "|", parts[1]], len(record_ids))
    if isinstance(messages, pa.ChunkedArray):
        messages = messages.combine_chunks()
    sha1 = hashlib.sha1
    digests = b"".join(
        [sha1(message).digest() for message in messages.cast(pa.large_binary()).to_pylist()]
    )
    octets = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 20)[:, :_ID_OCTETS]
    return hex_text(octets, _ID_PREFIX)


_ID_OCTETS = 6
_ID_PREFIX = b"F-"


@dataclass
class Named:
    """The records of one kind that some rule names, with their values as the file gave them
    (evidence shows them where normalizing changed a value) and their fingerprints.

    Gathered once all rules have run, so each given column is taken from the whole table once,
    not per rule; a record's fingerprint depends on its own values alone, so hashing these few
    records gives the same as hashing the table, and a record several rules name is hashed once.
    """

    rows: np.ndarray
    """Row positions in the kind's table, ascending."""
    given: dict[str, Text]
    fingerprints: Text

    def at(self, rows: np.ndarray) -> np.ndarray:
        """Positions in these records of the table's `rows` (all of them named)."""
        return np.searchsorted(self.rows, rows)


def named_records(context: Context, kind: RecordKind, rows: np.ndarray) -> Named:
    """The `Named` records of `kind` at `rows` (row positions, ascending)."""
    raw = context.tables[kind].raw
    names = [str(name) for name in raw.columns if not str(name).startswith("_")]
    given = dict(zip(names, each(lambda name: take_rows(raw[name], rows), names), strict=True))
    hashed = record_fingerprints(kind, pd.DataFrame(given, index=pd.RangeIndex(len(rows))))
    texts = {name: arrow_text(column) for name, column in given.items()}
    return Named(rows, texts, arrow_text(hashed))


def rule_findings(
    loaded: LoadedRule, result: Evaluated, context: Context, named: Named
) -> pa.Table | None:
    """The findings of one rule from its evaluated condition, ordered by record id. `named`:
    the records of the rule's kind that any rule names.

    Only the rows that hold are touched: evidence is computed for them alone (see `Evidence`).
    The order is the one `assemble.sort_findings` gives within a rule, so that sort moves
    nothing. Columns stay Arrow arrays: pandas Series per column and rule cost more than the
    text they hold. None when the rule holds for no record."""
    rule, kind = loaded.rule, loaded.rule.applies_to
    rows = np.flatnonzero(result.mask.to_numpy(dtype=bool))
    if len(rows) == 0:
        return None
    record_ids = _taken(context.column(kind, "record_id"), rows)
    order = pc.sort_indices(record_ids)
    rows, record_ids = rows[order.to_numpy()], record_ids.take(order)
    cited = dict.fromkeys(name for name, _ in PLACEHOLDER.findall(rule.explain))
    evidence = {
        key: at(rows)
        for key, at in result.evidence.items()
        if key in cited or not _not_evidence(key)
    }
    values = context.values(kind)
    for name in cited:
        # values the sentence cites are evidence too, even where the condition did not test them
        if name not in evidence and name in values.columns:
            evidence[name] = take_rows(context.column(kind, name), rows)
    shown = {key: shown_text(series, key, kind) for key, series in evidence.items()}
    at = named.at(rows)
    for key, series in evidence.items():
        if key in named.given:  # a vocabulary's word, and what the file wrote where it matters
            noted = with_vocabulary_note(series, key, kind, named.given[key].take(at))
            if noted is not None:
                shown[key] = noted
    # a branch that did not hold is left out, but a field of the record the sentence cites is
    # always shown: the evidence backs what the sentence says
    held = {
        key: where[rows]
        for key, where in result.held.items()
        if key in shown and not (key in cited and key in values.columns)
    }
    count = len(rows)
    entries = shown.get("list.reference", joined([""], count))
    record_type = kind.value
    columns: dict[str, Text | np.ndarray] = {
        "finding_id": finding_ids(rule.id, record_type, record_ids, entries),
        "record_id": record_ids,
        "record_type": joined([record_type], count),
        "name": _taken(context.column(kind, context.tables[kind].schema.name_field), rows),
        "rule_id": joined([rule.id], count),
        "rule_title": _per_rule(rule.title, count),
        "severity": joined([rule.severity.value], count),
        "legal_basis": _per_rule(rule.legal_basis.citation, count),
        "explanation": render(rule.explain, values, rows, shown, context, kind),
        "evidence": _evidence_text(shown, named, rows, held, kind),
        "sources": _per_rule(loaded.cited, count),
        "list_reference": replaced(entries, MISSING, ""),
        "file": pa.array(values[FILE_COLUMN].to_numpy()[rows], type=pa.large_string()),
        "line": values[LINE_COLUMN].to_numpy()[rows],
        "record_sha": named.fingerprints.take(named.at(rows)),
        "rule_sha": _per_rule(loaded.sha256[:16], count),
        "entry_sha": (
            joined([""], count)
            if result.entry_sha is None
            else pc.fill_null(arrow_text(result.entry_sha(rows)), "")
        ),
        "row": values.index.to_numpy()[rows],
    }
    return pa.table(columns)


def _per_rule(value: str, count: int) -> pa.DictionaryArray:
    """`value` on each of `count` findings, held once (see `RULE_TEXT_COLUMNS`)."""
    indices = pa.array(np.zeros(count, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([value], type=pa.large_string()))


def findings_frame(findings: pa.Table) -> pd.DataFrame:
    """All rules' findings (`rule_findings`, concatenated) as the findings table: text as `str`
    columns, `RULE_TEXT_COLUMNS` as categories (in text order, whatever order the rules came
    in), `file` as objects like the reader's column."""
    columns: dict[str, object] = {}
    for name in FRAME_COLUMNS:
        if name in RULE_TEXT_COLUMNS:
            held = findings.column(name).to_pandas()  # one dictionary for the rules' pieces
            columns[name] = held.cat.reorder_categories(sorted(held.cat.categories))
        elif name == "file":
            columns[name] = pd.Series(findings.column(name).to_numpy(), dtype=object)
        elif name in ("line", "row"):
            columns[name] = findings.column(name).to_numpy()
        else:
            columns[name] = pd.array(findings.column(name), dtype="str")
    return pd.DataFrame(columns)


def _taken(column: pd.Series, rows: np.ndarray) -> Text:
    """A text column's values at `rows`, as Arrow text."""
    return arrow_text(take_rows(column, rows))


def render(
    template: str,
    values: pd.DataFrame,
    rows: np.ndarray,
    shown: dict[str, Text],
    context: Context,
    kind: RecordKind,
) -> Text:
    """Fill `{placeholders}` from evidence, then record fields, for every finding at once.

    `{field|words}` shows the words where the value is missing; `{count|plural:noun}` the noun
    in the number's form (1 DPRK national, 5 DPRK nationals)."""
    parts: list[str | Text] = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(template[position : match.start()])
        filled = _placeholder(match.group(1), values, rows, shown, context, kind)
        forms = plural_forms(match.group(2))
        if forms is not None:
            singular, plural = forms
            filled = pc.if_else(pc.equal(filled, _ONE), _text(singular), _text(plural))
        elif match.group(2) is not None:
            filled = replaced(filled, MISSING, match.group(2))
        parts.append(filled)
        position = match.end()
    parts.append(template[position:])
    return joined(parts, len(rows))


def _placeholder(
    name: str,
    values: pd.DataFrame,
    rows: np.ndarray,
    shown: dict[str, Text],
    context: Context,
    kind: RecordKind,
) -> Text:
    if name in shown:
        return shown[name]
    if name == "as_of":
        as_of = context.as_of_for(kind)
        if isinstance(as_of, pd.Series):
            return arrow_text(take_rows(as_of.dt.strftime("%Y-%m-%d"), rows))
        return joined([as_of.strftime("%Y-%m-%d")], len(rows))
    return shown_text(take_rows(values[name], rows), name, kind)


_ONE = pa.scalar("1", type=pa.large_string())


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())


def _evidence_text(
    shown: dict[str, Text],
    named: Named,
    rows: np.ndarray,
    held: dict[str, np.ndarray],
    kind: RecordKind,
) -> Text:
    """`field: value` pairs; a value that was normalized also shows what the file said. A pair
    that says nothing of the finding is left out: a branch of an `any` that did not hold
    (`held`), another rule that did not fire, no other entry matched, a name matched in full.

    One join over every pair: a join per pair cost as much again (only a pair that may be left
    out is joined on its own)."""
    parts: list[str | Text] = []
    at = named.at(rows)
    count = len(rows)
    pairs = [(key, value) for key, value in shown.items() if not _not_evidence(key)]
    for key, value in pairs:
        if key in named.given and field_vocabulary(kind, key) is None:  # vocabularies: noted
            given = pc.fill_null(named.given[key].take(at), "")
            if is_percent(key):  # 40 is what 40% says: no "given as"
                given = pc.if_else(pc.equal(joined([given, "%"], count), value), value, given)
            value = with_given(value, value, given)
        separator = "; " if parts else ""
        silent = _says_nothing(key)
        if silent is not None or key in held:
            pair = joined([separator, key + ": ", value], count)
            left_out = (
                pc.fill_null(pc.equal(value, silent), True)
                if silent is not None
                else pa.array(np.zeros(count, dtype=bool))
            )
            if key in held:
                left_out = pc.or_(left_out, pa.array(~held[key]))
            parts.append(pc.if_else(left_out, _NOTHING, pair))
        else:
            parts += [separator, key + ": ", value]
    text = joined(parts, count)
    if pairs and _may_be_left_out(pairs[0][0], held):  # the first pair may be left out
        text = pc.replace_substring_regex(text, pattern="^; ", replacement="")
    return text


def _may_be_left_out(key: str, held: dict[str, np.ndarray]) -> bool:
    return key in held or _says_nothing(key) is not None


_NOT_EVIDENCE = ("list.alignment",)
"""Evidence keys a template may cite but the evidence never shows: the token alignment is the
matcher's working (the name it was read as, where not as written, is `list.read_as`)."""
_ONLY_WHEN_GIVEN = ("list.also_matched", "list.read_as")
"""Evidence keys shown only where they hold something: no other entry matched, or a name read
as written, says nothing."""
_FINDING_KEY = ".finding."
"""Evidence keys `finding.ID` and `<move>.finding.ID` say whether another rule fired."""
_FULL_SCORE = "100%"
"""A name match's full score: the matched name and the corroboration say all a reviewer needs."""


def _not_evidence(key: str) -> bool:
    return key.endswith(_NOT_EVIDENCE)


def _says_nothing(key: str) -> str | None:
    """The value for which the evidence pair of `key` is left out (another rule that did not
    fire, no other entry matched, a full score); None: the pair is always shown."""
    if _FINDING_KEY in f".{key}":
        return "no"
    if key == SCORE_KEY or key.endswith("." + SCORE_KEY):
        return _FULL_SCORE
    return "" if key.endswith(_ONLY_WHEN_GIVEN) else None


_NOTHING = pa.scalar("", type=pa.large_string())


def find(rules: list[LoadedRule], context: Context) -> pd.DataFrame:
    """The findings of all rules, in review order (most serious first, then by rule and record),
    the order `assemble.sort_findings` then finds already in place.

    Findings are built once every rule has run, when the records they name are known; rules
    build theirs side by side (`parallel.each`), each from the finished masks."""
    results = evaluate(rules, context)
    named = {
        kind: named_records(context, kind, rows) for kind, rows in _named_rows(results).items()
    }
    ordered = sorted(
        (pair for pair in results if pair[0].rule.applies_to in named),
        key=lambda pair: _review_order(pair[0]),
    )
    tables = each(
        lambda pair: rule_findings(*pair, context, named[pair[0].rule.applies_to]), ordered
    )
    found = [findings for findings in tables if findings is not None]
    if not found:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    return findings_frame(pa.concat_tables(found))


def _named_rows(results: Results) -> dict[RecordKind, np.ndarray]:
    """Per kind, the rows (positions, ascending) that at least one rule holds for."""
    masks: dict[RecordKind, np.ndarray] = {}
    for loaded, result in results:
        kind, mask = loaded.rule.applies_to, result.mask.to_numpy(dtype=bool)
        masks[kind] = mask | masks[kind] if kind in masks else mask
    return {kind: np.flatnonzero(mask) for kind, mask in masks.items() if mask.any()}


def _review_order(loaded: LoadedRule) -> tuple[int, str, str]:
    rule = loaded.rule
    return (-rule.severity.rank, rule.id, rule.applies_to.value)
