package io.hattn.nn;

import io.hattn.attention.AttentionBackend;
import io.hattn.testing.OracleAttention;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layers built on attention against finite differences: multi-head attention (hierarchical with the
 * relative bias, exact, causal, padded), the pre-norm block, and the whole classifier with its loss. The
 * attention runs on the double-precision references ({@link OracleAttention}), so what is checked is the
 * layers' own backward. Same bound as {@link LayerGradientTest} (2e-3 relative + 2e-4 absolute).
 */
class ModelGradientTest {

    private static final double RTOL = 2e-3;
    private static final double ATOL = 2e-4;
    private static final ForkJoinPool POOL = new ForkJoinPool(2);
    private static final MatrixProducts PRODUCTS = MatrixProducts.create(POOL);
    private static final AttentionBackend ORACLE = new OracleAttention();

    @AfterAll
    static void close() {
        POOL.shutdown();
    }

    private static boolean[] rightPadded(int batch, int length, int... validPerSequence) {
        boolean[] valid = new boolean[batch * length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < validPerSequence[b]; t++) {
                valid[b * length + t] = true;
            }
        }
        return valid;
    }

    /**
     * Measured worst: 0.72 of the bound (the relative-bias table: each entry sums many scores), 0.37 (inputs and
     * projections, causal hierarchical), 0.28 (exact).
     */
    @ParameterizedTest(name = "{0} causal={1} bias={2}")
    @CsvSource({"HIERARCHICAL,false,true", "HIERARCHICAL,true,false", "EXACT,false,false", "EXACT,true,false"})
    void multiHeadAttention(MultiHeadAttention.Kind kind, boolean causal, boolean bias) {
        int batch = 2;
        int length = 16;
        int width = 8;
        Parameters parameters = new Parameters();
        MultiHeadAttention attention = new MultiHeadAttention(parameters, "attention", width, 2, 4, causal, kind,
                bias, ORACLE, PRODUCTS);
        parameters.allocate();
        attention.initialise(new SplittableRandom(1), 0.4, 1);
        if (bias) {
            float[] table = GradientCheck.gaussian(2 * 15, 2, 0.5);
            System.arraycopy(table, 0, parameters.values(), parameters.view("attention.relative_bias").offset(),
                    table.length);
        }
        boolean[] valid = rightPadded(batch, length, 16, 11);
        float[] x = GradientCheck.gaussian(batch * length * width, 3, 1);
        float[] probe = GradientCheck.gaussian(batch * length * width, 4, 1);
        for (int i = 0; i < probe.length; i++) {
            if (!valid[i / width]) {
                probe[i] = 0f; // padded rows output 0 and carry no loss
            }
        }
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        attention.forward(x, batch, length, valid, y);
        attention.backward(x, probe, batch, length, dx);
        DoubleSupplier loss = () -> {
            attention.forward(x, batch, length, valid, y);
            return GradientCheck.dot(y, probe, y.length);
        };
        GradientCheck.check("attention dx " + kind, x, 0, x.length, dx, loss, RTOL, ATOL);
        LayerGradientTest.checkParameters("attention " + kind, parameters, loss);
    }

    /** Measured worst: 0.12 of the bound (hierarchical), 0.10 (exact); dropout on, at a fixed step (a fixed mask). */
    @ParameterizedTest(name = "{0} {1} head hidden {2}")
    @CsvSource({"HIERARCHICAL,MEAN,0", "EXACT,MEAN,0", "HIERARCHICAL,ENDS,0", "HIERARCHICAL,ENDS,6"})
    void classifierWithLoss(MultiHeadAttention.Kind kind, Pooling pooling, int headHidden) {
        int batch = 2;
        int length = 16;
        ModelConfig config = new ModelConfig(12, 5, 16, 8, 2, 16, 2, 4, kind, false, true,
                kind == MultiHeadAttention.Kind.HIERARCHICAL, pooling, headHidden, 0.1f, 7);
        TransformerClassifier model = new TransformerClassifier(config, ORACLE, PRODUCTS);
        model.initialise();
        // larger weights than the 0.02 of training, so that every path carries a gradient worth checking
        float[] values = model.parameters().values();
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < values.length; i++) {
            values[i] += (float) (Initialisation.gaussian(random) * 0.3);
        }
        int[] tokens = new int[batch * length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(12);
        }
        boolean[] valid = rightPadded(batch, length, 16, 9);
        int[] labels = {3, 1};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float[] logits = model.forward(tokens, valid, batch, length, true, 5);
        loss.forward(logits, labels, batch, 5, null);
        float[] dLogits = new float[batch * 5];
        loss.backward(labels, batch, 5, dLogits);
        model.parameters().zeroGradients();
        model.backward(dLogits);
        DoubleSupplier value = () -> new SoftmaxCrossEntropy().forward(
                model.forward(tokens, valid, batch, length, true, 5), labels, batch, 5, null);
        LayerGradientTest.checkParameters("classifier " + kind, model.parameters(), value);
    }
}
