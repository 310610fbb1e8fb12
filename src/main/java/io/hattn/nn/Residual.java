package io.hattn.nn;

/** y = a + b; its backward hands dy to both branches. */
public final class Residual {

    private Residual() {
    }

    public static void forward(float[] a, float[] b, int count, float[] y) {
        for (int i = 0; i < count; i++) {
            y[i] = a[i] + b[i];
        }
    }

    /** da += dy and db += dy. */
    public static void backward(float[] dy, int count, float[] da, float[] db) {
        for (int i = 0; i < count; i++) {
            da[i] += dy[i];
            db[i] += dy[i];
        }
    }
}
