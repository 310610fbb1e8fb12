package io.hattn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An independent reading of the LRA's parenthesised text, as the LRA's own {@code to_value} reads its trees: each
 * {@code ( a b )} is a pair; a pair whose left side is an operator starts a function with one argument, a pair
 * whose right side is {@code ]} applies it, any other pair adds an argument. Used to check the generator's labels
 * and the writer's text against a second implementation.
 */
final class ListOpsTestTrees {

    private ListOpsTestTrees() {
    }

    static int lraValue(String text) {
        String[] tokens = text.trim().split(" +");
        int[] at = {0};
        Object tree = parse(tokens, at);
        if (at[0] != tokens.length) {
            throw new IllegalArgumentException("trailing tokens at " + at[0]);
        }
        return (Integer) value(tree);
    }

    private static Object parse(String[] tokens, int[] at) {
        String token = tokens[at[0]++];
        if (!token.equals("(")) {
            return token.matches("[0-9]") ? (Object) Integer.valueOf(token) : token;
        }
        Object left = parse(tokens, at);
        Object right = parse(tokens, at);
        if (!tokens[at[0]++].equals(")")) {
            throw new IllegalArgumentException("expected ) at " + (at[0] - 1));
        }
        return new Object[] {left, right};
    }

    /** An unsaturated function: the operator and its arguments so far. */
    private record Partial(String operator, List<Integer> arguments) {
    }

    private static Object value(Object tree) {
        if (!(tree instanceof Object[] pair)) {
            return tree;
        }
        Object left = value(pair[0]);
        Object right = value(pair[1]);
        if (left instanceof String operator) {
            return new Partial(operator, new ArrayList<>(List.of((Integer) right)));
        }
        Partial partial = (Partial) left;
        if ("]".equals(right)) {
            int[] values = partial.arguments().stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(values);
            switch (partial.operator()) {
                case "[MIN": return values[0];
                case "[MAX": return values[values.length - 1];
                case "[SM": return Arrays.stream(values).sum() % 10;
                case "[MED": {
                    int n = values.length;
                    double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
                    return (int) median; // int(np.median(...))
                }
                default: throw new IllegalArgumentException("operator " + partial.operator());
            }
        }
        partial.arguments().add((Integer) right);
        return partial;
    }

    /** Token ids from text tokens without parentheses, e.g. {@code ids("[MED 1 2 3 4 ]")}. */
    static int[] ids(String tokens) {
        return Arrays.stream(tokens.trim().split(" +")).mapToInt(ListOpsVocabulary::id).toArray();
    }

    /** For each operator, its argument count, in prefix order; checks well-formedness on the way. */
    static List<Integer> argumentCounts(int[] tokens) {
        List<Integer> counts = new ArrayList<>();
        int[] stack = new int[tokens.length];
        int depth = 0;
        for (int token : tokens) {
            if (token == ListOpsVocabulary.END) {
                counts.add(stack[--depth]);
                continue;
            }
            if (depth > 0) {
                stack[depth - 1]++;
            }
            if (ListOpsVocabulary.isOperator(token)) {
                stack[depth++] = 0;
            }
        }
        return counts;
    }
}
