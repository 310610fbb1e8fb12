package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The two vector operations whose Vector API forms give different bits in different places, written so that
 * they give the same bits everywhere: in the interpreter and in compiled code, on every CPU. The Vector API's
 * {@code EXP} is a libm call per lane until the JIT compiles the loop and a vector math library (SVML) after, and
 * {@code reduceLanes(ADD)} adds the lanes in an order the JIT chooses; both made a training run resumed in a
 * fresh JVM differ from the run it continues (the warm JVM had compiled code). Only adds, multiplies, fused
 * multiply-adds, conversions and shifts are used here, which IEEE 754 defines to the bit.
 */
public final class VectorMath {
    /** Below this exp underflows float's normal range: the result is 0 (exp(-inf) = 0 for masked scores). */
    private static final float UNDERFLOW = -87.33654f;
    /** Above this the result saturates at exp(88.37) = 2.4e38 instead of overflowing to infinity. */
    private static final float SATURATION = 88.37626f;
    private static final float LOG2_E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds to an integer, held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    private static final FloatVector MINUS_LN2_HIGH = FloatVector.broadcast(Simd.SPECIES, -LN2_HIGH);
    private static final FloatVector MINUS_LN2_LOW = FloatVector.broadcast(Simd.SPECIES, -LN2_LOW);
    /** Cephes' coefficients of (e^r - 1 - r) / r^2, highest power first. */
    private static final float P0 = 1.9875691500E-4f;
    private static final float P1 = 1.3981999507E-3f;
    private static final float P2 = 8.3334519073E-3f;
    private static final float P3 = 4.1665795894E-2f;
    private static final float P4 = 1.6666665459E-1f;
    private static final float P5 = 5.0000001201E-1f;
    private static final FloatVector P2_LANES = FloatVector.broadcast(Simd.SPECIES, P2);
    private static final FloatVector P3_LANES = FloatVector.broadcast(Simd.SPECIES, P3);
    private static final FloatVector P4_LANES = FloatVector.broadcast(Simd.SPECIES, P4);
    private static final FloatVector P5_LANES = FloatVector.broadcast(Simd.SPECIES, P5);

    private VectorMath() {
    }

    /**
     * {@code v[c] = exp(v[c] - shift)} for c in [from, to): within 2 ulp of the exact value on [-87.3, 88.3]
     * (VectorMathTest measures it), 0 below (so exp(-inf) = 0, for masked scores) and 2.4e38 above. Cephes'
     * expf: x = n ln 2 + r with |r| <= ln 2 / 2, e^r by a degree-7 polynomial, 2^n built in the exponent bits.
     * The vector body is written out in the loop, not in a helper taking a vector: the JIT boxes a vector that
     * crosses a call it did not inline, and a large helper compiled on its own first may not be inlined after.
     */
    public static void exp(float[] v, int from, int to, float shift) {
        int c = from;
        if (Simd.ENABLED) {
            for (; c + Simd.LANES <= to; c += Simd.LANES) {
                FloatVector x = FloatVector.fromArray(Simd.SPECIES, v, c).sub(shift);
                VectorMask<Float> underflows = x.compare(VectorOperators.LT, UNDERFLOW);
                FloatVector clamped = x.max(UNDERFLOW).min(SATURATION);
                FloatVector rounded = clamped.fma(LOG2_E, ROUNDER);
                FloatVector n = rounded.sub(ROUNDER);
                FloatVector r = n.fma(MINUS_LN2_HIGH, clamped);
                r = n.fma(MINUS_LN2_LOW, r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, P2_LANES);
                p = p.fma(r, P3_LANES);
                p = p.fma(r, P4_LANES);
                p = p.fma(r, P5_LANES);
                FloatVector series = p.fma(r.mul(r), r).add(1f);
                IntVector exponent = ((IntVector) rounded.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23);
                series.mul(exponent.reinterpretAsFloats()).blend(0f, underflows).intoArray(v, c);
            }
        }
        for (; c < to; c++) {
            v[c] = scalarExp(v[c] - shift);
        }
    }

    /** The same function one element at a time (the same polynomial, so tails agree with vector bodies). */
    static float scalarExp(float x) {
        if (x < UNDERFLOW) {
            return 0f;
        }
        float clamped = Math.min(x, SATURATION);
        float rounded = Math.fma(clamped, LOG2_E, ROUNDER);
        float n = rounded - ROUNDER;
        float r = Math.fma(n, -LN2_HIGH, clamped);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float series = Math.fma(p, r * r, r) + 1f;
        return series * Float.intBitsToFloat((Float.floatToRawIntBits(rounded) - (ROUNDER_BITS - 127)) << 23);
    }

    /**
     * The sum of the lanes by a fixed tree (lane i plus lane i + half, halving down to one lane): the same bits
     * however the JIT compiles it (measured 5 ns against reduceLanes' 1.7 and a lane-by-lane loop's 13). Vectors of
     * another shape than {@link Simd#SPECIES}, and JDK 17 (whose JIT boxes shuffles, see {@link Simd#WIDE_TILES}),
     * add lane by lane.
     */
    public static float sum(FloatVector v) {
        // kept this small (two calls C2 inlines into its callers): when sum itself grew past the inlining limit,
        // callers such as TileKernels.dot boxed the vector they passed (LinearMemoryTest, narrow tiles)
        return v.species() == Simd.SPECIES && FOLDED ? foldedSum(v) : laneByLaneSum(v);
    }

    /** Whether {@link #foldedSum} applies: wide tiles, and 2 to 16 lanes (the folds below). */
    private static final boolean FOLDED = Simd.WIDE_TILES && Simd.LANES >= 2 && Simd.LANES <= 16;

    private static float laneByLaneSum(FloatVector v) {
        float total = v.lane(0);
        for (int lane = 1; lane < v.length(); lane++) {
            total += v.lane(lane);
        }
        return total;
    }

    /**
     * Written out, each fold a constant: a loop over an array of shuffles left C2 a call it sometimes did not
     * inline, and then every vector crossing it was boxed (LinearMemoryTest: quadratic allocation).
     */
    private static float foldedSum(FloatVector v) {
        if (Simd.LANES >= 16) {
            v = v.add(v.rearrange(FOLD_8));
        }
        if (Simd.LANES >= 8) {
            v = v.add(v.rearrange(FOLD_4));
        }
        if (Simd.LANES >= 4) {
            v = v.add(v.rearrange(FOLD_2));
        }
        return v.add(v.rearrange(FOLD_1)).lane(0);
    }

    private static final VectorShuffle<Float> FOLD_8 = fold(8);
    private static final VectorShuffle<Float> FOLD_4 = fold(4);
    private static final VectorShuffle<Float> FOLD_2 = fold(2);
    private static final VectorShuffle<Float> FOLD_1 = fold(1);

    /** Lane i to lane i xor half; the identity where the vector has no lane i xor half (not used there). */
    private static VectorShuffle<Float> fold(int half) {
        return VectorShuffle.fromOp(Simd.SPECIES, i -> half < Simd.LANES ? i ^ half : i);
    }
}
