package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchicalAttentionReference;
import io.hattn.tornado.kernels.KeyTiles;
import io.hattn.tornado.kernels.Levels;
import io.hattn.tornado.kernels.Scores;
import io.hattn.tornado.kernels.SlotKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every TaskGraph stage on the device against {@link StageReference} (the definitions of docs/algorithm.md section 4
 * in double), read back from a plan built with {@code inspect}: the coarsening pyramid and validity counts, the
 * per-level scores in the score tiles (levels >= 1; level 0 where the hierarchy has one level), the
 * per-level row maxima, denominators and numerators, the maxima, denominators and numerators combined with every
 * coarser level for each row of each level, and the output, which is also checked against the sequential oracle.
 */
class DeviceStagesTest {

    // Bounds about 2x the figures measured on PoCL (2-core EPYC, float32 vs double), written beside them.
    /** Pyramid: measured max-abs 7.5e-7, relative L2 3.9e-8. */
    private static final DeviceTier.Tolerance TOKENS = new DeviceTier.Tolerance(1.5e-6, 0, 1.5e-6, 1e-7);
    /** Scores: measured max-abs 2.8e-7, relative L2 7.0e-8. */
    private static final DeviceTier.Tolerance SCORES = new DeviceTier.Tolerance(6e-7, 0, 6e-7, 1.5e-7);
    /** Row maxima and combined offsets: measured max-abs 4.2e-7, max-rel 2.1e-7, relative L2 6.6e-8. */
    private static final DeviceTier.Tolerance MAXIMA = new DeviceTier.Tolerance(5e-7, 5e-7, 9e-7, 1.5e-7);
    /** Denominators and numerators (sums): measured max-abs 6.9e-6, max-rel 9.4e-7, relative L2 9.1e-8. */
    private static final DeviceTier.Tolerance SUMS = new DeviceTier.Tolerance(2e-6, 2e-6, 1.4e-5, 2e-7);
    /** Output: measured max-abs 2.6e-7, relative L2 1.1e-7. */
    private static final DeviceTier.Tolerance OUTPUT = new DeviceTier.Tolerance(6e-7, 0, 6e-7, 2.5e-7);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("bidirectional, masked, biased, L=100 Nr=4 d=12",
                        new AttentionSpec(2, 1, 100, 12, 12, 4, false, 0.29f), true, true),
                Arguments.of("causal, masked, odd half-block, L=77 Nr=6 d=9 dv=17",
                        new AttentionSpec(1, 2, 77, 9, 17, 6, true, 0.33f), true, false),
                Arguments.of("one level (L = 2 Nr), masked, L=16 Nr=8 d=8",
                        new AttentionSpec(1, 2, 16, 8, 8, 8, false, 0.35f), true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stagesMatchTheDefinitions(String name, AttentionSpec spec, boolean masked, boolean biased) {
        TornadoDevices.Selected device = DeviceTier.device();
        AttentionProblem problem = DeviceTier.random(spec, name.hashCode(), masked, biased);
        HierarchicalPlan.Shape shape = HierarchicalPlan.Shape.of(spec, spec.headCount());
        float[] out = new float[problem.outputElements()];
        HierarchicalPlan.Intermediates device8;
        try (HierarchicalPlan plan = new HierarchicalPlan(shape, device, device.workGroups(), "stages", true)) {
            plan.run(problem, out);
            device8 = plan.intermediates();
        }
        Comparison tokens = new Comparison();
        Comparison scores = new Comparison();
        Comparison maxima = new Comparison();
        Comparison sums = new Comparison();
        Comparison offsets = new Comparison();
        int n = spec.hierarchy().paddedLength();
        int levels = spec.hierarchy().levels();
        int allRows = Levels.allRows(n, spec.block());
        int pyramidRows = Levels.pyramidRows(n, spec.block());
        int width = Packing.chunks8(spec.dim()) * 8;
        int valueWidth = Packing.chunks8(spec.valueDim()) * 8;
        int half = spec.block() / 2;
        for (int head = 0; head < spec.headCount(); head++) {
            StageReference reference = new StageReference(problem, head / spec.heads(), head % spec.heads());
            for (int l = 0; l < levels; l++) {
                for (int t = 0; t < n >> l; t++) {
                    int row = head * allRows + Levels.start(l, n) + t;
                    assertEquals(reference.counts[l][t], device8.counts()[row], "count level " + l + " token " + t);
                    if (l > 0) {
                        int pyramidRow = head * pyramidRows + Levels.start(l, n) - n + t;
                        tokens.add(device8.coarseQueries(), pyramidRow * width, reference.queries[l][t]);
                        tokens.add(device8.coarseKeys(), pyramidRow * width, reference.keys[l][t]);
                        tokens.add(device8.coarseValues(), pyramidRow * valueWidth, reference.values[l][t]);
                    }
                    maxima.addMaximum(device8.rowMax()[row], reference.rowMax[l][t]);
                    sums.add(device8.denominators()[row], reference.denominators[l][t]);
                    // prolongation leaves the numerators of levels >= 1 combined with their ancestors', in place
                    sums.add(device8.numerators(), row * valueWidth,
                            l == 0 ? reference.numerators[0][t] : reference.combinedNumerators[l][t]);
                    offsets.addMaximum(device8.rowOffsets()[row], reference.offsets[l][t]);
                    sums.add(device8.rowDenominators()[row], reference.combinedDenominators[l][t]);
                }
            }
            // The score buffer holds the scores of the last launch: all levels >= 1, or level 0 when M = 1.
            boolean level0 = levels == 1;
            int rows = level0 ? n : pyramidRows;
            int rowTiles = SlotKeys.rowTiles(half, level0);
            int subs = KeyTiles.perHalfBlock(half);
            for (int row = 0; row < rows; row++) {
                int level = level0 ? 0 : Levels.ofPyramidRow(row, n);
                int t = level0 ? row : row + n - Levels.start(level, n);
                int entries = 0;
                for (int tile = 0; tile < rowTiles; tile++) {
                    int group = tile / subs;
                    int sub = tile % subs;
                    for (int lane = 0; lane < 8; lane++) {
                        float score = device8.scores()[((head * rows + row) * rowTiles + tile) * 8 + lane];
                        int offset = 8 * sub + lane;
                        int u = SlotKeys.keyOf(group * half + offset, t, half, level0 ? 1 : 0);
                        if (offset < half && reference.isEntry(level, t, u)) {
                            entries++;
                            scores.add(score, reference.score(level, t, u));
                        } else {
                            assertTrue(score <= Scores.REAL, "no entry at level " + level + " row " + t + " tile "
                                    + tile + " lane " + lane + ", got score " + score);
                        }
                    }
                }
                int defined = 0;
                for (int u = 0; u < n >> level; u++) {
                    defined += reference.isEntry(level, t, u) ? 1 : 0;
                }
                assertEquals(defined, entries, "slots of level " + level + " row " + t + " cover its entries");
            }
            assertComposesToOracle(problem, reference, head);
        }
        TOKENS.check(name + " pyramid", tokens.got(), tokens.expected());
        SCORES.check(name + " scores", scores.got(), scores.expected());
        MAXIMA.check(name + " row maxima", maxima.got(), maxima.expected());
        SUMS.check(name + " denominators and numerators", sums.got(), sums.expected());
        MAXIMA.check(name + " combined offsets", offsets.got(), offsets.expected());
        OUTPUT.check(name + " output", out, HierarchicalAttentionReference.forward(problem));
    }

    private static void assertComposesToOracle(AttentionProblem problem, StageReference reference, int head) {
        AttentionSpec spec = problem.spec();
        double[] oracle = HierarchicalAttentionReference.forward(problem);
        for (int i = 0; i < spec.length(); i++) {
            for (int c = 0; c < spec.valueDim(); c++) {
                double expected = oracle[(head * spec.length() + i) * spec.valueDim() + c];
                assertEquals(expected, reference.output[i][c], 1e-9 * (1 + Math.abs(expected)),
                        "stage reference vs oracle, row " + i);
            }
        }
    }

    /** Pairs of device and reference values collected for one tolerance check. */
    private static final class Comparison {
        private final List<Float> got = new ArrayList<>();
        private final List<Double> expected = new ArrayList<>();

        void add(float device, double reference) {
            got.add(device);
            expected.add(reference);
        }

        void add(float[] device, int offset, double[] reference) {
            for (int c = 0; c < reference.length; c++) {
                add(device[offset + c], reference[c]);
            }
        }

        /** A maximum over no entries is -inf in the reference and {@link Scores#NONE} on the device. */
        void addMaximum(float device, double reference) {
            if (reference == Double.NEGATIVE_INFINITY) {
                assertTrue(device <= Scores.REAL, "an empty row's maximum must be NONE, got " + device);
            } else {
                add(device, reference);
            }
        }

        float[] got() {
            float[] values = new float[got.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = got.get(i);
            }
            return values;
        }

        double[] expected() {
            return expected.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
