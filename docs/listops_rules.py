#!/usr/bin/env python3
"""Accuracy of simple rules on ListOps files: what a model's accuracy means (docs/listops.md, "Reading accuracy").

Rule "depth d": evaluate the expression exactly down to depth d below the root and replace every deeper
sub-expression by the most frequent value of its operator alone (MAX 9, MIN 0, MED 4, SM 7). Depth 0 is the
outermost-operator rule (the answer from the first token only).

Rules "ends": the most frequent answer in basic_train.tsv for the root's operator and what stands at the ends of
its argument list (a digit, or the operator of a nested argument): its first argument (the token after the
first), its last one (the token before the final `]`), or both. These are what a model sees with exact attention
near the two ends of the sequence (`--pooling ends`). Standard library only.

    python3 docs/listops_rules.py DIR          # DIR holds basic_val.tsv, basic_test.tsv (and basic_train.tsv)
"""
import collections
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


def read(path):
    """(tree, label) per row; exits naming the file if a label is not its expression's value."""
    rows = []
    with open(path, newline="") as f:
        next(f)
        for line in f:
            source, target = line.rstrip("\r\n").split("\t")
            tree = parse([t for t in source.split() if t not in "()"])
            if value(tree) != int(target):
                sys.exit(f"{path}: a row's label is not its expression's value: {line[:60]}...")
            rows.append((tree, int(target)))
    return rows


def label(argument):
    return argument if isinstance(argument, int) else argument[0]


ENDS = {
    "operator + first argument": lambda tree: (tree[0], label(tree[1][0])),
    "operator + last argument": lambda tree: (tree[0], label(tree[1][-1])),
    "operator + first and last arguments": lambda tree: (tree[0], label(tree[1][0]), label(tree[1][-1])),
}


def ends_rules(train):
    """Each ENDS rule as a predictor: the most frequent training answer for its key (the operator's otherwise)."""
    by_operator = collections.defaultdict(collections.Counter)
    for tree, y in train:
        by_operator[tree[0]][y] += 1
    rules = {}
    for name, key in ENDS.items():
        table = collections.defaultdict(collections.Counter)
        for tree, y in train:
            table[key(tree)][y] += 1
        rules[name] = lambda tree, key=key, table=table: (table.get(key(tree)) or by_operator[tree[0]]).most_common(1)[0][0]
    return rules


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: listops_rules.py DIR")
    train_path = os.path.join(sys.argv[1], "basic_train.tsv")
    rules = ends_rules(read(train_path)) if os.path.exists(train_path) else {}
    for split in ("val", "test"):
        rows = read(os.path.join(sys.argv[1], f"basic_{split}.tsv"))
        cells = [f"depth {d}: {sum(value(t, d - 1) == y for t, y in rows) / len(rows):.1%}" for d in range(5)]
        cells += [f"{name}: {sum(rule(t) == y for t, y in rows) / len(rows):.1%}" for name, rule in rules.items()]
        print(f"{split} ({len(rows)} examples): " + ", ".join(cells))


if __name__ == "__main__":
    main()
