package io.hattn.attention;

/**
 * The shape and options of one attention call: {@code batch x heads} independent heads over sequences of
 * {@code length} tokens, queries and keys of width {@code dim}, values of width {@code valueDim}, hierarchical
 * block size {@code block} (Nr of docs/algorithm.md), decoder masking, and the score scale applied to q.k.
 *
 * <p>Any length is accepted: the hierarchy pads to {@link HierarchyShape#paddedLength()} with a mask, so the
 * user never has to. Every argument is validated here once, with a message that names it.
 */
public record AttentionSpec(int batch, int heads, int length, int dim, int valueDim, int block, boolean causal,
                            float scale) {

    public AttentionSpec {
        requirePositive("batch", batch);
        requirePositive("heads", heads);
        requirePositive("length", length);
        requirePositive("dim", dim);
        requirePositive("valueDim", valueDim);
        if (block < 2 || block % 2 != 0) {
            throw new IllegalArgumentException("block (Nr) must be an even number >= 2, got " + block);
        }
        if (block > length / 2) {
            throw new IllegalArgumentException("block (Nr) must be <= length/2 = " + (length / 2)
                    + " for length " + length + ", got " + block);
        }
        if (!(scale > 0f) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
        }
        long elements = (long) batch * heads * length * Math.max(dim, valueDim);
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batch x heads x length x dim = " + elements
                    + " exceeds the largest Java array (" + (Integer.MAX_VALUE - 8) + " elements)");
        }
    }

    /** The usual case: values as wide as keys, scores scaled by 1/sqrt(dim). */
    public static AttentionSpec of(int batch, int heads, int length, int dim, int block, boolean causal) {
        return new AttentionSpec(batch, heads, length, dim, dim, block, causal, defaultScale(dim));
    }

    public static float defaultScale(int dim) {
        return (float) (1.0 / Math.sqrt(dim));
    }

    public AttentionSpec withCausal(boolean newCausal) {
        return new AttentionSpec(batch, heads, length, dim, valueDim, block, newCausal, scale);
    }

    public HierarchyShape hierarchy() {
        return HierarchyShape.of(length, block);
    }

    public int headCount() {
        return batch * heads;
    }

    public int queryElements() {
        return batch * heads * length * dim;
    }

    public int valueElements() {
        return batch * heads * length * valueDim;
    }

    /** Entries of the relative-position bias table: 4 Nr - 1 per head (docs/algorithm.md section 7). */
    public int biasEntriesPerHead() {
        return 4 * block - 1;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
