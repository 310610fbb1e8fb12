package io.hattn.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The scaled add of one decoding step (its dot products are {@code VectorMath.dot}), with the Vector API or, with
 * {@code -Dhattn.simd=false} (the switch of the CPU backend), plain scalar loops.
 */
final class DecodeKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final boolean SIMD = !"false".equalsIgnoreCase(System.getProperty("hattn.simd", "true"));

    private DecodeKernels() {
    }

    /** Words for result lines, as the CPU backend writes them. */
    static String describe() {
        return SIMD ? "Vector API " + SPECIES.vectorBitSize() + "-bit" : "scalar (hattn.simd=false)";
    }

    /** y[yo .. yo+n) += alpha * x[xo .. xo+n). */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int c = 0;
        if (SIMD && n >= SPECIES.length()) {
            FloatVector a = FloatVector.broadcast(SPECIES, alpha);
            int bound = SPECIES.loopBound(n);
            for (; c < bound; c += SPECIES.length()) {
                FloatVector.fromArray(SPECIES, x, xo + c).fma(a, FloatVector.fromArray(SPECIES, y, yo + c))
                        .intoArray(y, yo + c);
            }
        }
        for (; c < n; c++) {
            y[yo + c] += alpha * x[xo + c];
        }
    }

    /** y[yo .. yo+n) *= alpha. */
    static void scale(float alpha, float[] y, int yo, int n) {
        for (int c = 0; c < n; c++) {
            y[yo + c] *= alpha;
        }
    }
}
