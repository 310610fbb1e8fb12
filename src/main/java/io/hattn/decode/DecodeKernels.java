package io.hattn.decode;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two loops of one decoding step, a dot product and a scaled add, with the Vector API or, with
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

    /** a[ao .. ao+n) . b[bo .. bo+n). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int c = 0;
        float sum = 0f;
        if (SIMD && n >= SPECIES.length()) {
            FloatVector acc = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(n);
            for (; c < bound; c += SPECIES.length()) {
                acc = FloatVector.fromArray(SPECIES, a, ao + c).fma(FloatVector.fromArray(SPECIES, b, bo + c), acc);
            }
            sum = io.hattn.cpu.VectorMath.sum(acc);
        }
        for (; c < n; c++) {
            sum += a[ao + c] * b[bo + c];
        }
        return sum;
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
