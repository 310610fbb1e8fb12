package io.hattn.nn;

/**
 * One vector per sequence from [batch, length, width]: the first token, the mean over the valid tokens, or the
 * first and the last valid token side by side ({@link #ENDS}, 2 x width).
 */
public enum Pooling {
    FIRST,
    MEAN,
    /**
     * The first token's vector and the last valid token's, concatenated. In ListOps the last token closes the
     * outermost operator, so a digit just before it is one of that operator's own arguments, as is a digit just
     * after the first: with exact attention near both ends, a model sees the answer's operator and arguments at
     * both ends, where the first token alone reaches the far end only through the hierarchy's coarse averages.
     * (On the generated test split the best answer from the operator alone scores 35.2%, from the operator and
     * its first and last arguments 38.6%: docs/listops.md.)
     */
    ENDS;

    /** The width of one pooled vector for activations of {@code width}. */
    public int pooledWidth(int width) {
        return this == ENDS ? 2 * width : width;
    }

    /** pooled[batch, pooledWidth]; {@code valid} is [batch, length] (null = all valid). */
    public void forward(float[] x, boolean[] valid, int batch, int length, int width, float[] pooled) {
        int out = pooledWidth(width);
        java.util.Arrays.fill(pooled, 0, batch * out, 0f);
        for (int b = 0; b < batch; b++) {
            switch (this) {
                case FIRST -> System.arraycopy(x, b * length * width, pooled, b * out, width);
                case ENDS -> {
                    System.arraycopy(x, b * length * width, pooled, b * out, width);
                    System.arraycopy(x, (b * length + lastValid(valid, b, length)) * width, pooled, b * out + width,
                            width);
                }
                case MEAN -> {
                    int count = validCount(valid, b, length);
                    for (int t = 0; t < length; t++) {
                        if (valid == null || valid[b * length + t]) {
                            addTo(x, (b * length + t) * width, pooled, b * width, width, count);
                        }
                    }
                }
            }
        }
    }

    /** dx += the pooled gradient ([batch, pooledWidth]) spread back to the tokens it came from. */
    public void backward(float[] dPooled, boolean[] valid, int batch, int length, int width, float[] dx) {
        int out = pooledWidth(width);
        for (int b = 0; b < batch; b++) {
            switch (this) {
                case FIRST -> addTo(dPooled, b * out, dx, b * length * width, width, 1);
                case ENDS -> {
                    addTo(dPooled, b * out, dx, b * length * width, width, 1);
                    addTo(dPooled, b * out + width, dx, (b * length + lastValid(valid, b, length)) * width, width, 1);
                }
                case MEAN -> {
                    int count = validCount(valid, b, length);
                    for (int t = 0; t < length; t++) {
                        if (valid == null || valid[b * length + t]) {
                            addTo(dPooled, b * width, dx, (b * length + t) * width, width, count);
                        }
                    }
                }
            }
        }
    }

    /** {@code to[toOffset + c] += from[fromOffset + c] / divisor}: the same bits as a plain add for divisor 1. */
    private static void addTo(float[] from, int fromOffset, float[] to, int toOffset, int width, int divisor) {
        for (int c = 0; c < width; c++) {
            to[toOffset + c] += from[fromOffset + c] / divisor;
        }
    }

    /** The position of sequence b's last valid token (padding comes after the tokens). */
    private static int lastValid(boolean[] valid, int b, int length) {
        if (valid == null) {
            return length - 1;
        }
        for (int t = length - 1; t >= 0; t--) {
            if (valid[b * length + t]) {
                return t;
            }
        }
        throw new IllegalArgumentException("sequence " + b + " has no valid token to pool");
    }

    private static int validCount(boolean[] valid, int b, int length) {
        if (valid == null) {
            return length;
        }
        int count = 0;
        for (int t = 0; t < length; t++) {
            count += valid[b * length + t] ? 1 : 0;
        }
        if (count == 0) {
            throw new IllegalArgumentException("sequence " + b + " has no valid token to pool");
        }
        return count;
    }
}
