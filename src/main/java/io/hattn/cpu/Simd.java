package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one switch between the Vector API and plain scalar loops ({@code -Dhattn.simd=false}, for debugging and
 * for comparing the two), and the vector shape used everywhere in this package.
 */
final class Simd {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("hattn.simd", "true"));
    /**
     * Whether the JIT keeps large register tiles (16 live vectors) and two-vector shuffles in registers. JDK 17's
     * C2 does not: there they fall back to boxed vectors, tens of times slower, so narrower tiles are used.
     */
    static final boolean WIDE_TILES = Runtime.version().feature() >= 21
            && !"false".equalsIgnoreCase(System.getProperty("hattn.simd.wide", "true"));
    /**
     * Whether score tiles may be 8 rows x 3 vectors (24 accumulators, 28 live vectors): only with AVX-512's 32
     * vector registers (16 float lanes); AVX2 has 16 and would spill. {@code -Dhattn.simd.eightRows=false} turns
     * them off, for A/B measurements in one build.
     */
    static final boolean EIGHT_ROW_TILES = WIDE_TILES && LANES >= 16
            && !"false".equalsIgnoreCase(System.getProperty("hattn.simd.eightRows", "true"));

    private Simd() {
    }

    /** Words for result lines: "Vector API 512-bit" or "scalar (hattn.simd=false)". */
    static String describe() {
        return ENABLED ? "Vector API " + SPECIES.vectorBitSize() + "-bit" : "scalar (hattn.simd=false)";
    }
}
