package io.hattn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every layer's backward against finite differences of its own forward (llm.c's habit: each layer checkable in
 * isolation). One bound for all: 2e-3 relative + 2e-4 absolute (Richardson-extrapolated central differences at
 * h = 1e-2 in float32); the worst measured per layer is written beside each test as a share of that bound (the
 * largest, 0.46, keeps the bound about 2x above it; -Dhattn.test.report=true prints them).
 */
class LayerGradientTest {

    private static final double RTOL = 2e-3;
    private static final double ATOL = 2e-4;
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final MatrixProducts PRODUCTS = MatrixProducts.create(POOL);
    private static final ParallelChunks CHUNKS = new ParallelChunks(POOL);

    @AfterAll
    static void close() {
        POOL.shutdown();
    }

    /** Measured worst: 0.12 of the bound (inputs), 0.10 (weights). */
    @Test
    void linear() {
        int rows = 7;
        int in = 13;
        int out = 11;
        Parameters parameters = new Parameters();
        Linear linear = new Linear(parameters, "fc", in, out, true, PRODUCTS);
        parameters.allocate();
        linear.initialise(new SplittableRandom(1), 0.5);
        float[] bias = GradientCheck.gaussian(out, 9, 0.5);
        System.arraycopy(bias, 0, parameters.values(), parameters.view("fc.bias").offset(), out);
        float[] x = GradientCheck.gaussian(rows * in, 2, 1);
        float[] probe = GradientCheck.gaussian(rows * out, 3, 1);
        float[] y = new float[rows * out];
        float[] dx = new float[rows * in];
        linear.forward(x, rows, y);
        linear.backward(x, probe, rows, dx);
        java.util.function.DoubleSupplier loss = () -> {
            linear.forward(x, rows, y);
            return GradientCheck.dot(y, probe, rows * out);
        };
        GradientCheck.check("linear dx", x, 0, x.length, dx, loss, RTOL, ATOL);
        checkParameters("linear", parameters, loss);
    }

    @Test
    void linearAccumulatesIntoDx() {
        Parameters parameters = new Parameters();
        Linear linear = new Linear(parameters, "fc", 3, 2, false, PRODUCTS);
        parameters.allocate();
        System.arraycopy(new float[] {1, 2, 3, 4, 5, 6}, 0, parameters.values(), 0, 6);
        float[] dx = {10, 10, 10};
        linear.backward(new float[3], new float[] {1, 1}, 1, dx);
        // dy W = [1 + 4, 2 + 5, 3 + 6] added to what dx held
        assertEquals(Arrays.toString(new float[] {15, 17, 19}), Arrays.toString(dx));
    }

    /** Measured worst: 0.46 of the bound (inputs: float32 rounding of the normalised rows), 0.016 (gain). */
    @Test
    void layerNorm() {
        int rows = 5;
        int width = 16;
        Parameters parameters = new Parameters();
        LayerNorm norm = new LayerNorm(parameters, "ln", width, CHUNKS);
        parameters.allocate();
        float[] gainAndBias = GradientCheck.gaussian(2 * width, 4, 0.7);
        System.arraycopy(gainAndBias, 0, parameters.values(), 0, 2 * width);
        float[] x = GradientCheck.gaussian(rows * width, 5, 2);
        float[] probe = GradientCheck.gaussian(rows * width, 6, 1);
        float[] y = new float[rows * width];
        float[] dx = new float[rows * width];
        norm.forward(x, rows, y);
        norm.backward(x, probe, rows, dx);
        java.util.function.DoubleSupplier loss = () -> {
            norm.forward(x, rows, y);
            return GradientCheck.dot(y, probe, rows * width);
        };
        GradientCheck.check("layer norm dx", x, 0, x.length, dx, loss, RTOL, ATOL);
        checkParameters("layer norm", parameters, loss);
    }

    /** Measured worst: 0.036 of the bound; 45 elements, so the vector body and its scalar tail both run. */
    @Test
    void gelu() {
        int count = 45;
        float[] x = GradientCheck.gaussian(count, 7, 2);
        float[] probe = GradientCheck.gaussian(count, 8, 1);
        float[] y = new float[count];
        float[] dx = new float[count];
        Gelu.backward(CHUNKS, x, probe, count, dx);
        GradientCheck.check("gelu dx", x, 0, count, dx, () -> {
            Gelu.forward(CHUNKS, x, count, y);
            return GradientCheck.dot(y, probe, count);
        }, RTOL, ATOL);
        Gelu.forward(CHUNKS, x, count, y);
        for (int i = 0; i < count; i++) {
            double v = x[i];
            double exact = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertEquals(exact, y[i], 2e-6 * (1 + Math.abs(exact)), "gelu(" + v + "), measured within 4e-7");
        }
        float[] extremes = {-1e4f, -100f, 100f, 1e4f, -1e4f, -100f, 100f, 1e4f, -1e4f, -100f, 100f, 1e4f, -1e4f,
            -100f, 100f, 1e4f, -1e4f, 100f};
        float[] activated = new float[extremes.length];
        float[] slopes = new float[extremes.length];
        Gelu.forward(CHUNKS, extremes, extremes.length, activated);
        float[] ones = new float[extremes.length];
        Arrays.fill(ones, 1f);
        Gelu.backward(CHUNKS, extremes, ones, extremes.length, slopes);
        for (int i = 0; i < extremes.length; i++) {
            // far out the exponential saturates (2.4e38) or underflows to 0: the limits to 1e-20, never NaN
            assertEquals(extremes[i] > 0 ? extremes[i] : 0f, activated[i], 1e-20, "gelu(" + extremes[i] + ")");
            assertEquals(extremes[i] > 0 ? 1f : 0f, slopes[i], 1e-20, "gelu'(" + extremes[i] + ")");
        }
    }

    @Test
    void residualHandsTheGradientToBothBranches() {
        float[] a = {1, 2};
        float[] b = {10, 20};
        float[] y = new float[2];
        Residual.forward(CHUNKS, a, b, 2, y);
        assertEquals(Arrays.toString(new float[] {11, 22}), Arrays.toString(y));
        float[] da = {1, 1};
        Residual.addGradient(CHUNKS, new float[] {3, 4}, 2, da);
        assertEquals(Arrays.toString(new float[] {4, 5}), Arrays.toString(da));
    }

    /**
     * The same step draws the same mask, so the forward is a fixed linear map that differences can check
     * (measured worst 0.012 of the bound).
     */
    @Test
    void dropout() {
        int count = 400;
        Dropout dropout = new Dropout(0.3f, 42, 3, CHUNKS);
        float[] x = GradientCheck.gaussian(count, 9, 1);
        float[] probe = GradientCheck.gaussian(count, 10, 1);
        float[] y = new float[count];
        float[] dx = new float[count];
        dropout.forward(x, count, y, true, 17);
        dropout.backward(probe, count, dx);
        int zeros = 0;
        for (float value : y) {
            zeros += value == 0f ? 1 : 0;
        }
        assertEquals(0.3, zeros / (double) count, 0.06, "dropped share");
        GradientCheck.check("dropout dx", x, 0, count, dx, () -> {
            dropout.forward(x, count, y, true, 17);
            return GradientCheck.dot(y, probe, count);
        }, RTOL, ATOL);
        float[] again = new float[count];
        new Dropout(0.3f, 42, 3, CHUNKS).forward(x, count, again, true, 17);
        assertArrayEquals(y, again, "seeded: the same seed, layer and step, the same mask");
        new Dropout(0.3f, 42, 3, CHUNKS).forward(x, count, again, true, 18);
        assertFalse(Arrays.equals(y, again), "another step, another mask");
        dropout.forward(x, count, y, false, 17);
        assertEquals(Arrays.toString(x), Arrays.toString(y), "evaluation passes everything");
    }

    /** Measured worst: 0.024 of the bound. */
    @Test
    void tokenEmbeddingAndLearnedPositions() {
        int batch = 2;
        int length = 5;
        int width = 6;
        Parameters parameters = new Parameters();
        TokenEmbedding embedding = new TokenEmbedding(parameters, "tokens", 9, width);
        Positions positions = Positions.learned(parameters, "positions", 8, width);
        parameters.allocate();
        embedding.initialise(new SplittableRandom(11), 1);
        positions.initialise(new SplittableRandom(12), 1);
        int[] ids = {1, 4, 4, 0, 8, 2, 2, 7, 3, 1};
        float[] probe = GradientCheck.gaussian(batch * length * width, 13, 1);
        float[] y = new float[batch * length * width];
        java.util.function.DoubleSupplier loss = () -> {
            embedding.forward(ids, batch * length, y);
            positions.addTo(y, batch, length);
            return GradientCheck.dot(y, probe, y.length);
        };
        loss.getAsDouble();
        positions.backward(probe, batch, length);
        embedding.backward(ids, probe, batch * length);
        checkParameters("embedding and positions", parameters, loss);
    }

    @Test
    void sinusoidalPositionsAreTheTransformerTable() {
        Parameters parameters = new Parameters();
        Positions positions = Positions.sinusoidal(parameters, 16, 4);
        parameters.allocate();
        float[] x = new float[3 * 4];
        positions.addTo(x, 1, 3);
        // position 2, channels 0..3: sin(2), cos(2), sin(2 / 100), cos(2 / 100)
        assertEquals(Math.sin(2), x[8], 1e-6);
        assertEquals(Math.cos(2), x[9], 1e-6);
        assertEquals(Math.sin(0.02), x[10], 1e-6);
        assertEquals(Math.cos(0.02), x[11], 1e-6);
        assertEquals(0, parameters.size(), "no parameters");
    }

    /** Measured worst: 0.013 of the bound. */
    @Test
    void pooling() {
        int batch = 2;
        int length = 4;
        int width = 3;
        boolean[] valid = {true, true, false, false, true, true, true, false};
        float[] x = GradientCheck.gaussian(batch * length * width, 14, 1);
        for (Pooling pooling : Pooling.values()) {
            int out = pooling.pooledWidth(width);
            float[] probe = GradientCheck.gaussian(batch * out, 15, 1);
            float[] pooled = new float[batch * out];
            float[] dx = new float[x.length];
            pooling.backward(probe, valid, batch, length, width, dx);
            GradientCheck.check("pooling " + pooling, x, 0, x.length, dx, () -> {
                pooling.forward(x, valid, batch, length, width, pooled);
                return GradientCheck.dot(pooled, probe, pooled.length);
            }, RTOL, ATOL);
        }
        float[] pooled = new float[batch * 2 * width];
        Pooling.ENDS.forward(x, valid, batch, length, width, pooled);
        assertEquals(x[0], pooled[0], 0f, "ends: the first token first");
        assertEquals(x[width], pooled[width], 0f, "ends: then sequence 0's last valid token, position 1");
        assertEquals(x[(length + 2) * width + 2], pooled[2 * width + width + 2], 0f,
                "ends: sequence 1's last valid token is position 2");
        Pooling.MEAN.forward(x, valid, batch, length, width, pooled);
        assertEquals((x[0] + x[3]) / 2, pooled[0], 1e-6, "mean over the valid tokens only");
    }

    /** Measured worst: 0.011 of the bound; ignored rows get no gradient and do not count. */
    @Test
    void softmaxCrossEntropyIgnoresPadding() {
        int rows = 4;
        int classes = 5;
        int[] targets = {2, SoftmaxCrossEntropy.IGNORE, 0, 4};
        float[] logits = GradientCheck.gaussian(rows * classes, 16, 2);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int[] correct = new int[1];
        double value = loss.forward(logits, targets, rows, classes, correct);
        float[] dLogits = new float[rows * classes];
        loss.backward(targets, rows, classes, dLogits);
        double expected = 0;
        for (int r : new int[] {0, 2, 3}) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[r * classes + c]);
            }
            expected += Math.log(sum) - logits[r * classes + targets[r]];
        }
        assertEquals(expected / 3, value, 1e-6, "mean over the three counted rows");
        for (int c = 0; c < classes; c++) {
            assertEquals(0f, dLogits[classes + c], "no gradient on an ignored row");
        }
        GradientCheck.check("cross-entropy", logits, 0, logits.length, dLogits,
                () -> new SoftmaxCrossEntropy().forward(logits, targets, rows, classes, null), RTOL, ATOL);
    }

    /** Measured worst: 0.33 of the bound (the first layer's weights, through GELU). */
    @Test
    void mlp() {
        int rows = 6;
        int width = 8;
        Parameters parameters = new Parameters();
        Mlp mlp = new Mlp(parameters, "mlp", width, 12, PRODUCTS);
        parameters.allocate();
        mlp.initialise(new SplittableRandom(17), 0.5, 1);
        float[] x = GradientCheck.gaussian(rows * width, 18, 1);
        float[] probe = GradientCheck.gaussian(rows * width, 19, 1);
        float[] y = new float[rows * width];
        float[] dx = new float[rows * width];
        mlp.forward(x, rows, y);
        mlp.backward(x, probe, rows, dx);
        java.util.function.DoubleSupplier loss = () -> {
            mlp.forward(x, rows, y);
            return GradientCheck.dot(y, probe, rows * width);
        };
        GradientCheck.check("mlp dx", x, 0, x.length, dx, loss, RTOL, ATOL);
        checkParameters("mlp", parameters, loss);
    }

    /** Every parameter tensor of the layer, through the same differences. */
    static void checkParameters(String what, Parameters parameters, java.util.function.DoubleSupplier loss) {
        for (Parameters.View view : parameters.views()) {
            GradientCheck.check(what + " " + view.name(), parameters.values(), view.offset(), view.size(),
                    parameters.gradients(), loss, RTOL, ATOL);
        }
    }
}
