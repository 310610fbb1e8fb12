package io.hattn.data;

import java.util.Arrays;

/**
 * One labelled sequence of token ids (for ListOps: the expression without parentheses, see
 * {@link ListOpsVocabulary}, and its value). Immutable; equal when the tokens and the label are equal.
 */
public final class Example {

    private final int[] tokens;
    private final int label;
    private final int hash;

    public Example(int[] tokens, int label) {
        if (tokens == null || tokens.length == 0) {
            throw new IllegalArgumentException("tokens must be a non-empty array");
        }
        this.tokens = tokens.clone();
        this.label = label;
        this.hash = 31 * Arrays.hashCode(this.tokens) + label;
    }

    /** Takes ownership of {@code tokens} (no copy): for the generator and readers that built the array. */
    static Example owning(int[] tokens, int label) {
        return new Example(label, tokens);
    }

    private Example(int label, int[] tokens) {
        this.tokens = tokens;
        this.label = label;
        this.hash = 31 * Arrays.hashCode(tokens) + label;
    }

    public int length() {
        return tokens.length;
    }

    public int token(int i) {
        return tokens[i];
    }

    /** A copy of the token ids. */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Copies the tokens into {@code target} from {@code offset}. */
    public void copyTokens(int[] target, int offset) {
        System.arraycopy(tokens, 0, target, offset, tokens.length);
    }

    public int label() {
        return label;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Example e && e.hash == hash && e.label == label && Arrays.equals(e.tokens, tokens);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Example[length " + tokens.length + ", label " + label + "]";
    }
}
