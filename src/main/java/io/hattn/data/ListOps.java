package io.hattn.data;

import static io.hattn.data.ListOpsVocabulary.DIGIT_0;
import static io.hattn.data.ListOpsVocabulary.END;
import static io.hattn.data.ListOpsVocabulary.MAX;
import static io.hattn.data.ListOpsVocabulary.MED;
import static io.hattn.data.ListOpsVocabulary.MIN;
import static io.hattn.data.ListOpsVocabulary.SM;

import java.util.Arrays;

/**
 * ListOps expressions as token ids in prefix order without parentheses (an operator, its arguments, {@code ]}):
 * their value, their structure, and the LRA's parenthesised text (docs/listops.md).
 */
public final class ListOps {

    private ListOps() {
    }

    /**
     * The value of an expression: MIN, MAX, MED (median; for an even count the floor of the mean of the two
     * middle values, as LRA's {@code int(np.median(...))}), SM (sum mod 10).
     *
     * @throws IllegalArgumentException naming the position when the tokens are not one well-formed expression
     */
    public static int value(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("empty expression");
        }
        // One frame per open operator: the operator and a histogram of its arguments' values (digits only).
        int[] operators = new int[16];
        int[][] counts = new int[16][];
        int depth = 0;
        int result = -1;
        for (int i = 0; i < tokens.length; i++) {
            int token = tokens[i];
            int value = -1;
            if (result >= 0) {
                throw new IllegalArgumentException("token " + (i + 1) + " ('" + ListOpsVocabulary.token(token)
                        + "') follows a complete expression");
            }
            if (ListOpsVocabulary.isOperator(token)) {
                if (depth == operators.length) {
                    operators = Arrays.copyOf(operators, depth * 2);
                    counts = Arrays.copyOf(counts, depth * 2);
                }
                operators[depth] = token;
                if (counts[depth] == null) {
                    counts[depth] = new int[10];
                } else {
                    Arrays.fill(counts[depth], 0);
                }
                depth++;
                continue;
            } else if (ListOpsVocabulary.isDigit(token)) {
                value = token - DIGIT_0;
            } else if (token == END) {
                if (depth == 0) {
                    throw new IllegalArgumentException("token " + (i + 1) + " (']') closes no operator");
                }
                depth--;
                value = apply(operators[depth], counts[depth]);
                if (value < 0) {
                    throw new IllegalArgumentException("token " + (i + 1) + " (']') closes '"
                            + ListOpsVocabulary.token(operators[depth]) + "' without arguments");
                }
            } else {
                throw new IllegalArgumentException("token " + (i + 1) + " has id " + token
                        + ", which is not a ListOps operator, digit or ']'");
            }
            if (depth == 0) {
                result = value;
            } else {
                counts[depth - 1][value]++;
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException(depth + " operator" + (depth == 1 ? " is" : "s are")
                    + " not closed by ']'");
        }
        return result;
    }

    /** The operator applied to arguments given as a histogram of digit values; -1 for no arguments. */
    private static int apply(int operator, int[] counts) {
        int n = 0;
        long sum = 0;
        for (int v = 0; v < 10; v++) {
            n += counts[v];
            sum += (long) v * counts[v];
        }
        if (n == 0) {
            return -1;
        }
        switch (operator) {
            case MIN:
                return nthSmallest(counts, 0);
            case MAX:
                return nthSmallest(counts, n - 1);
            case MED:
                return n % 2 == 1 ? nthSmallest(counts, n / 2)
                        : (nthSmallest(counts, n / 2 - 1) + nthSmallest(counts, n / 2)) / 2;
            case SM:
                return (int) (sum % 10);
            default:
                throw new IllegalStateException("not an operator: " + operator);
        }
    }

    private static int nthSmallest(int[] counts, int rank) {
        int seen = 0;
        for (int v = 0; v < 10; v++) {
            seen += counts[v];
            if (seen > rank) {
                return v;
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond " + seen);
    }

    /** The depth of the tree: 1 for a single digit; an operator's arguments are one level below it. */
    public static int depth(int[] tokens) {
        int open = 0;
        int deepest = 0;
        for (int token : tokens) {
            if (ListOpsVocabulary.isOperator(token)) {
                open++;
                deepest = Math.max(deepest, open);
            } else if (token == END) {
                open--;
            } else {
                deepest = Math.max(deepest, open + 1);
            }
        }
        return deepest;
    }

    /**
     * The expression as the LRA writes it: each operator with arguments a1..an is the left-nested pairs
     * {@code ((((op a1) a2) ... an) ])}, every pair in parentheses, tokens separated by single spaces, e.g.
     * {@code [MAX 2 9 ]} is {@code ( ( ( [MAX 2 ) 9 ) ] )}. The tokens must form one expression ({@link #value}).
     */
    public static String toLraText(int[] tokens) {
        StringBuilder text = new StringBuilder(tokens.length * 5);
        appendLraText(text, tokens);
        return text.toString();
    }

    public static void appendLraText(StringBuilder text, int[] tokens) {
        int[] arguments = argumentCounts(tokens);
        int depth = 0;
        for (int i = 0; i < tokens.length; i++) {
            int token = tokens[i];
            if (i > 0) {
                text.append(' ');
            }
            if (ListOpsVocabulary.isOperator(token)) {
                for (int p = 0; p <= arguments[i]; p++) {
                    text.append("( ");
                }
                text.append(ListOpsVocabulary.token(token));
                depth++;
                continue;
            }
            text.append(ListOpsVocabulary.token(token));
            if (token == END) {
                text.append(" )"); // the pair (op a1 .. an, ])
                depth--;
            }
            if (depth > 0) {
                text.append(" )"); // the pair (op a1 .. a(k-1), ak) that this argument completes
            }
        }
    }

    /** For each operator position, its number of arguments (0 elsewhere); the tokens must be well-formed. */
    private static int[] argumentCounts(int[] tokens) {
        value(tokens);
        int[] arguments = new int[tokens.length];
        int[] openAt = new int[tokens.length];
        int depth = 0;
        for (int i = 0; i < tokens.length; i++) {
            int token = tokens[i];
            if (token == END) {
                depth--;
            } else if (depth > 0) {
                arguments[openAt[depth - 1]]++;
            }
            if (ListOpsVocabulary.isOperator(token)) {
                openAt[depth++] = i;
            }
        }
        return arguments;
    }
}
