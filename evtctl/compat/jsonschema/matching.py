"""Maximum bipartite matching between the subschemas of two combined schemas.

Confluent pairs each old subschema with a distinct new one that accepts its data; if no
matching covers the smaller side, the combined schema is incompatible. Among maximum
matchings we prefer, greedily, edges with fewer differences, so that identical subschemas
pair with each other and reports stay minimal.
"""

from __future__ import annotations


def max_matching(
    n_left: int, n_right: int, edges: dict[tuple[int, int], int]
) -> set[tuple[int, int]]:
    """Return a maximum matching as a set of (left, right) pairs; ``edges`` maps pairs to costs."""
    adjacency: dict[int, list[int]] = {i: [] for i in range(n_left)}
    for (i, j), _cost in sorted(edges.items(), key=lambda item: (item[1], item[0])):
        adjacency[i].append(j)
    match_right: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_right or augment(match_right[j], seen):
                match_right[j] = i
                return True
        return False

    order = sorted(
        range(n_left), key=lambda i: min((edges[(i, j)] for j in adjacency[i]), default=0)
    )
    for i in order:
        augment(i, set())
    return {(i, j) for j, i in match_right.items()}
