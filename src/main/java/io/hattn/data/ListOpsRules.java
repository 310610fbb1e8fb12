package io.hattn.data;

/**
 * The rules of ListOps generation (docs/listops.md): trees grow from depth 1; below {@code maxDepth} a node is an
 * operator with probability {@code operatorProbability} (uniform 2..{@code maxArgs} arguments), else a digit;
 * at {@code maxDepth} always a digit. A tree is kept when {@code minLength < length < maxLength}, both bounds
 * exclusive, where length counts the tokens without parentheses (an operator and its {@code ]} count 2).
 */
public record ListOpsRules(int maxDepth, int maxArgs, int minLength, int maxLength, double operatorProbability) {

    /** The LRA's rules: depth 10, 10 arguments, 500 &lt; length &lt; 2000, operators with probability 0.25. */
    public static final ListOpsRules LRA = new ListOpsRules(10, 10, 500, 2000, 0.25);

    public ListOpsRules {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be >= 1, got " + maxDepth);
        }
        if (maxArgs < 2) {
            throw new IllegalArgumentException("maxArgs must be >= 2, got " + maxArgs);
        }
        if (minLength < 0 || maxLength <= minLength + 1) {
            throw new IllegalArgumentException("need 0 <= minLength < maxLength - 1 (exclusive bounds), got minLength "
                    + minLength + ", maxLength " + maxLength);
        }
        if (!(operatorProbability > 0 && operatorProbability < 1)) {
            throw new IllegalArgumentException("operatorProbability must be in (0, 1), got " + operatorProbability);
        }
    }

    /** Rules with other length bounds (exclusive), the rest as here. */
    public ListOpsRules withLengths(int minLength, int maxLength) {
        return new ListOpsRules(maxDepth, maxArgs, minLength, maxLength, operatorProbability);
    }

    public boolean keeps(int length) {
        return length > minLength && length < maxLength;
    }
}
