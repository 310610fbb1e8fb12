package io.hattn.attention;

/** The worked example of docs/algorithm.md section 8: L = 8, Nr = 2, d = 2, k = v = x, q = x / sqrt(2). */
public final class WorkedExample {

    public static final float[] X = {
        0.0848f, 1.9098f, 0.2956f, 1.1209f, 0.3343f, -0.8261f, 0.6481f, 1.0435f,
        -0.7825f, -0.4539f, 0.6298f, 0.8153f, -0.3279f, -1.1234f, -1.6607f, 0.2729f};

    public static final double[] LEVEL1_KEYS = {
        0.190200, 1.515350, 0.491200, 0.108700, -0.076350, 0.180700, -0.994300, -0.425250};

    public static final double[] BIDIRECTIONAL = {
        0.156815, 1.332625, 0.126162, 1.004843, -0.087798, -0.001729, 0.204536, 1.001851,
        -0.415138, 0.154476, 0.228498, 0.727049, -0.354870, -0.143788, -0.951651, 0.139006};

    public static final double[] CAUSAL = {
        0.084800, 1.909800, 0.160404, 1.626859, 0.294608, -0.070109, 0.310214, 1.303168,
        -0.111544, 0.110472, 0.424407, 0.737032, -0.144075, -0.330985, -0.968213, 0.084498};

    /** Exact attention rows 0, 2 and 7. */
    public static final double[][] EXACT_ROWS = {{0.169340, 1.342162}, {-0.100119, -0.171330}, {-0.893392, 0.250942}};
    public static final int[] EXACT_ROW_INDEX = {0, 2, 7};

    private WorkedExample() {
    }

    /** Raw q = x: the default scale 1/sqrt(2) gives the example's q = x / sqrt(2). */
    public static AttentionProblem problem(boolean causal) {
        return AttentionProblem.of(AttentionSpec.of(1, 1, 8, 2, 2, causal), X.clone(), X.clone(), X.clone());
    }
}
