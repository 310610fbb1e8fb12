package io.hattn.nn;

/** One vector per sequence from [batch, length, width]: the first token, or the mean over the valid tokens. */
public enum Pooling {
    FIRST, MEAN;

    /** pooled[batch, width]; {@code valid} is [batch, length] (null = all valid). */
    public void forward(float[] x, boolean[] valid, int batch, int length, int width, float[] pooled) {
        java.util.Arrays.fill(pooled, 0, batch * width, 0f);
        for (int b = 0; b < batch; b++) {
            if (this == FIRST) {
                System.arraycopy(x, b * length * width, pooled, b * width, width);
                continue;
            }
            int count = validCount(valid, b, length);
            for (int t = 0; t < length; t++) {
                if (valid == null || valid[b * length + t]) {
                    for (int c = 0; c < width; c++) {
                        pooled[b * width + c] += x[(b * length + t) * width + c] / count;
                    }
                }
            }
        }
    }

    /** dx += the pooled gradient spread back to the tokens it came from. */
    public void backward(float[] dPooled, boolean[] valid, int batch, int length, int width, float[] dx) {
        for (int b = 0; b < batch; b++) {
            if (this == FIRST) {
                for (int c = 0; c < width; c++) {
                    dx[b * length * width + c] += dPooled[b * width + c];
                }
                continue;
            }
            int count = validCount(valid, b, length);
            for (int t = 0; t < length; t++) {
                if (valid == null || valid[b * length + t]) {
                    for (int c = 0; c < width; c++) {
                        dx[(b * length + t) * width + c] += dPooled[b * width + c] / count;
                    }
                }
            }
        }
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
