package io.hattn.nn;

import java.util.SplittableRandom;

/** Row {@code id} of a [vocabulary, width] table per token. */
public final class TokenEmbedding {
    private final int vocabulary;
    private final int width;
    private final Parameters parameters;
    private final Parameters.View table;

    public TokenEmbedding(Parameters parameters, String name, int vocabulary, int width) {
        this.parameters = parameters;
        this.vocabulary = vocabulary;
        this.width = width;
        this.table = parameters.add(name + ".weight", vocabulary, width);
    }

    public void initialise(SplittableRandom random, double deviation) {
        Initialisation.normal(parameters.values(), table, random, deviation);
    }

    /** y[rows, width] = table[ids[r]]. */
    public void forward(int[] ids, int rows, float[] y) {
        float[] values = parameters.values();
        for (int r = 0; r < rows; r++) {
            int id = ids[r];
            if (id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException("token id " + id + " at position " + r + " is outside the "
                        + "vocabulary of " + vocabulary);
            }
            System.arraycopy(values, table.offset() + id * width, y, r * width, width);
        }
    }

    /** table gradient rows += dy rows. */
    public void backward(int[] ids, float[] dy, int rows) {
        float[] gradients = parameters.gradients();
        for (int r = 0; r < rows; r++) {
            int base = table.offset() + ids[r] * width;
            for (int c = 0; c < width; c++) {
                gradients[base + c] += dy[r * width + c];
            }
        }
    }
}
