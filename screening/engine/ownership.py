"""Ownership chains: which companies a company is owned through, walked a level at a time.

A chain link is a relationship whose `party_id` is the record_id of another company in the data.
Starting from the companies that satisfy the condition at the top (the owners), each level joins
the links whose party was reached at the level before, over whole arrays of row positions: as
many joins as the chain is deep, never a loop per record. A company is reached once, by its
shortest chain (ties: the first link in file order), so cycles end the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.display import MISSING, display
from screening.engine.context import Context, Evidence
from screening.engine.rows import take_rows
from screening.records import NAME_FIELD, RecordKind

_NONE = -1


@dataclass(frozen=True)
class Chains:
    """For every company row: how deep below an owner it was reached (0: not reached), the link
    that reached it, and the owner at the top of its chain (rows of the first record with each
    company id; -1 where none)."""

    depth: np.ndarray
    link: np.ndarray
    owner: np.ndarray


def walk_chains(
    context: Context, owners: np.ndarray, links_allowed: np.ndarray, max_depth: int
) -> Chains:
    """Chains from the companies `owners` (mask over company rows) down the relationship rows
    `links_allowed` (mask), at most `max_depth` links long."""
    firsts = context.links(RecordKind.company, "record_id", RecordKind.company)
    parties = context.links(RecordKind.relationship, "party_id", RecordKind.company)
    owned = context.links(RecordKind.relationship, "company_id", RecordKind.company)
    count = len(firsts)
    usable = np.flatnonzero(links_allowed & (parties >= 0) & (owned >= 0))
    depth = np.zeros(count, dtype=np.int64)
    link = np.full(count, _NONE, dtype=np.int64)
    frontier = np.zeros(count, dtype=bool)
    tops = np.unique(firsts[owners])
    frontier[tops] = True
    origin = np.full(count, _NONE, dtype=np.int64)  # the owner each chain started from
    origin[tops] = tops
    for level in range(1, max_depth + 1):
        step = usable[frontier[parties[usable]]]
        targets, sources = owned[step], origin[parties[step]]
        # reached once, by its shortest chain; never through a chain that starts at itself
        fresh = (depth[targets] == 0) & (targets != sources)
        step, targets, sources = step[fresh], targets[fresh], sources[fresh]
        if not len(step):
            break
        targets, first = np.unique(targets, return_index=True)  # `step` ascends: first link
        depth[targets], link[targets], origin[targets] = level, step[first], sources[first]
        frontier[:] = False
        frontier[targets] = True
    return Chains(depth, link, np.where(depth > 0, origin, _NONE))


def chain_paths(context: Context, chains: Chains) -> Evidence:
    """`C-7 ← 60% C-3 (Name) ← 51% C-1 (Name)`: each company asked for, up to its owner."""
    firsts = context.links(RecordKind.company, "record_id", RecordKind.company)
    parties = context.links(RecordKind.relationship, "party_id", RecordKind.company)
    ids = context.column(RecordKind.company, "record_id")
    names = context.column(RecordKind.company, NAME_FIELD[RecordKind.company])
    shares = context.column(RecordKind.relationship, "share_pct")

    def at(rows: np.ndarray) -> pd.Series:
        current = firsts[rows]
        path = take_rows(ids, rows).astype("str").to_numpy(dtype=object)
        steps = chains.depth[current]
        for level in range(int(steps.max(initial=0))):
            going = steps > level
            links = chains.link[current[going]]
            above = parties[links]
            share = display(take_rows(shares, links), percent=True).to_numpy(dtype=object)
            share = np.where(share == MISSING, "share not recorded", share)
            label = (
                take_rows(ids, above).astype("str").to_numpy(dtype=object)
                + " ("
                + take_rows(names, above).astype("str").to_numpy(dtype=object)
                + ")"
            )
            path[going] = path[going] + " ← " + share + " " + label
            current = current.copy()
            current[going] = above
        return pd.Series(path, dtype="str")

    return at


def chain_column(values: np.ndarray, firsts: np.ndarray) -> Evidence:
    """Per company row asked for, the value its first record has in a per-company array."""

    def at(rows: np.ndarray) -> pd.Series:
        return pd.Series(values[firsts[rows]])

    return at
