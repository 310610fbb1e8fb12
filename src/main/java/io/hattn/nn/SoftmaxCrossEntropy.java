package io.hattn.nn;

/**
 * Mean softmax cross-entropy over the rows whose target is not {@link #IGNORE} (padding), with the softmax kept
 * for the backward. Rows are classification examples or language-model positions alike.
 */
public final class SoftmaxCrossEntropy {
    public static final int IGNORE = -1;

    private float[] probabilities = new float[0];
    private int counted;

    /** Returns the mean loss; {@code correct[0]} receives the number of rows whose arg-max is the target. */
    public double forward(float[] logits, int[] targets, int rows, int classes, int[] correct) {
        if (probabilities.length < rows * classes) {
            probabilities = new float[rows * classes];
        }
        double loss = 0;
        counted = 0;
        int right = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            int best = 0;
            for (int c = 0; c < classes; c++) {
                if (logits[base + c] > max) {
                    max = logits[base + c];
                    best = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[base + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                probabilities[base + c] = (float) (Math.exp(logits[base + c] - max) / sum);
            }
            int target = targets[r];
            if (target == IGNORE) {
                continue;
            }
            if (target < 0 || target >= classes) {
                throw new IllegalArgumentException("target " + target + " of row " + r + " is not a class in [0, "
                        + classes + ")");
            }
            loss += Math.log(sum) - (logits[base + target] - max);
            counted++;
            right += best == target ? 1 : 0;
        }
        if (correct != null) {
            correct[0] = right;
        }
        return counted == 0 ? 0 : loss / counted;
    }

    /** dLogits = (softmax - one-hot) / counted rows, 0 on ignored rows (overwrites dLogits). */
    public void backward(int[] targets, int rows, int classes, float[] dLogits) {
        float scale = counted == 0 ? 0f : 1f / counted;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            boolean ignored = targets[r] == IGNORE;
            for (int c = 0; c < classes; c++) {
                dLogits[base + c] = ignored ? 0f
                        : (probabilities[base + c] - (c == targets[r] ? 1f : 0f)) * scale;
            }
        }
    }
}
