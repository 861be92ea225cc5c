"""Score the evaluation queries with nomenklatura's logic-v2 (run where nomenklatura is installed).

Reads {"entries": [{reference, schema, names}], "queries": [name, ...], "floor": 0.3} as JSON on
stdin and writes, for each query, {reference: score} for the entries scoring at least `floor`
(default 0.3), over the entries of both schemas (the query is tried as a Person against persons and
as an Organization against organizations: its schema is not known).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

SCHEMA = {"person": "Person", "organization": "Organization"}


def main() -> None:
    """Read the job from stdin, print the scores as JSON."""
    job: dict[str, Any] = json.load(sys.stdin)
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    floor = float(job.get("floor", 0.3))
    results = []
    for entry in job["entries"]:
        proxy = model.make_entity(SCHEMA[entry["schema"]])
        proxy.id = entry["reference"]
        proxy.add("name", entry["names"][0])
        proxy.add("alias", entry["names"][1:])
        results.append((entry, proxy))
    out: list[dict[str, float]] = []
    for i, name in enumerate(job["queries"]):
        queries = {}
        for schema in SCHEMA.values():
            queries[schema] = model.make_entity(schema)
            queries[schema].id = f"q{i}"
            queries[schema].add("name", name)
        scores: dict[str, float] = {}
        for entry, result in results:
            score = algorithm.compare(queries[SCHEMA[entry["schema"]]], result, config).score
            if score >= floor:
                scores[entry["reference"]] = round(score, 3)
        out.append(scores)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
