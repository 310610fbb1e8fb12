#!/usr/bin/env python3
"""Accuracy of simple rules on ListOps files: what a model's accuracy means (docs/listops.md, "Reading accuracy").

Rule "depth d": evaluate the expression exactly down to depth d below the root and replace every deeper
sub-expression by the most frequent value of its operator alone (MAX 9, MIN 0, MED 4, SM 7). Depth 0 is the
outermost-operator rule (the answer from the first token only). Standard library only.

    python3 docs/listops_rules.py DIR          # DIR holds basic_val.tsv and basic_test.tsv
"""
import os
import sys

GUESS = {"MAX": 9, "MIN": 0, "MED": 4, "SM": 7}


def parse(tokens):
    """The tree of a token list without parentheses: a digit, or (operator, [arguments])."""
    stack = [("ROOT", [])]
    for token in tokens:
        if token.startswith("["):
            stack.append((token[1:], []))
        elif token == "]":
            node = stack.pop()
            stack[-1][1].append(node)
        else:
            stack[-1][1].append(int(token))
    return stack[0][1][0]


def apply(op, values):
    if op == "MAX":
        return max(values)
    if op == "MIN":
        return min(values)
    if op == "SM":
        return sum(values) % 10
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) // 2


def value(node, depth=None):
    """Exact value, or with depth given the value with sub-expressions deeper than depth guessed."""
    if isinstance(node, int):
        return node
    op, args = node
    if depth is not None and depth < 0:
        return GUESS[op]
    return apply(op, [value(a, None if depth is None else depth - 1) for a in args])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: listops_rules.py DIR")
    for split in ("val", "test"):
        path = os.path.join(sys.argv[1], f"basic_{split}.tsv")
        rows = []
        with open(path, newline="") as f:
            next(f)
            for line in f:
                source, target = line.rstrip("\r\n").split("\t")
                tree = parse([t for t in source.split() if t not in "()"])
                if value(tree) != int(target):
                    sys.exit(f"{path}: a row's label is not its expression's value: {line[:60]}...")
                rows.append((tree, int(target)))
        cells = [f"depth {d}: {sum(value(t, d - 1) == y for t, y in rows) / len(rows):.1%}" for d in range(5)]
        print(f"{split} ({len(rows)} examples): " + ", ".join(cells))


if __name__ == "__main__":
    main()
