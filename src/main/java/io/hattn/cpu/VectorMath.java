package io.hattn.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The two vector operations whose Vector API forms give different bits in different places, written so that
 * they give the same bits everywhere: in the interpreter and in compiled code, on every CPU. The Vector API's
 * {@code EXP} is a libm call per lane until the JIT compiles the loop and a vector math library (SVML) after, and
 * {@code reduceLanes(ADD)} adds the lanes in an order the JIT chooses; both made a training run resumed in a
 * fresh JVM differ from the run it continues (the warm JVM had compiled code). Only adds, multiplies, fused
 * multiply-adds, compares, blends and shifts are used here, which IEEE 754 and the Vector API define to the bit.
 */
public final class VectorMath {
    /**
     * Inputs are clamped up to this, where n = round(x log2 e) = -127 and the 2^n built in the exponent bits is +0:
     * the result is exactly 0 with no final blend (exp(-inf) = 0 for masked scores). From -87.3 down to about -87.9
     * (n = -126) the results are float's subnormals, below that 0.
     */
    private static final float UNDERFLOW = -88f;
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
    /**
     * e^r on |r| <= ln 2 / 2 as 1 + r (1 + r (C2 + r (C3 + ... + r C6))), highest power first: coefficients fitted
     * for the least largest relative error (2e-9 before rounding; the fitted linear term was 1 to float precision;
     * with float arithmetic the function is within 1.05 ulp).
     */
    private static final float C6 = 1.3843654e-3f;
    private static final float C5 = 8.3741555e-3f;
    private static final float C4 = 4.1668002e-2f;
    private static final float C3 = 1.6666432e-1f;
    private static final float C2 = 4.9999994e-1f;
    private static final FloatVector C4_LANES = FloatVector.broadcast(Simd.SPECIES, C4);
    private static final FloatVector C3_LANES = FloatVector.broadcast(Simd.SPECIES, C3);
    private static final FloatVector C2_LANES = FloatVector.broadcast(Simd.SPECIES, C2);
    private static final FloatVector ONE_LANES = FloatVector.broadcast(Simd.SPECIES, 1f);

    private VectorMath() {
    }

    /**
     * {@code v[c] = exp(v[c] - shift)} for c in [from, to): within 2 ulp of the exact value on [-87.3, 88.3]
     * (VectorMathTest measures it), 0 below -88 (so exp(-inf) = 0, for masked scores) and 2.4e38 above 88.4.
     * Cephes' reduction x = n ln 2 + r with |r| <= ln 2 / 2, e^r by a degree-6 polynomial, 2^n built in the
     * exponent bits. The vector body is written out in the loop, not in a helper taking a vector: the JIT boxes a
     * vector that crosses a call it did not inline, and a large helper compiled on its own first may not be
     * inlined after.
     */
    public static void exp(float[] v, int from, int to, float shift) {
        int c = from;
        if (Simd.ENABLED) {
            // two vectors per step, their chains interleaved: one vector's chain of some fifteen dependent
            // operations left the core waiting on latency (on the 2-core Xeon, 2 chains ran 20% faster than 1);
            // the same operations per element, so the same bits. The clamps are a compare and a blend each: the
            // vector max and min keep Java's rules for -0.0 and NaN, six instructions each in C2's code (read in
            // the compiled code); a compare and blend gives the same values (NaN stays NaN, as in scalarExp)
            for (; c + 2 * Simd.LANES <= to; c += 2 * Simd.LANES) {
                FloatVector x = FloatVector.fromArray(Simd.SPECIES, v, c).sub(shift);
                FloatVector y = FloatVector.fromArray(Simd.SPECIES, v, c + Simd.LANES).sub(shift);
                x = x.blend(UNDERFLOW, x.compare(VectorOperators.LT, UNDERFLOW));
                y = y.blend(UNDERFLOW, y.compare(VectorOperators.LT, UNDERFLOW));
                x = x.blend(SATURATION, x.compare(VectorOperators.GT, SATURATION));
                y = y.blend(SATURATION, y.compare(VectorOperators.GT, SATURATION));
                FloatVector xRounded = x.fma(LOG2_E, ROUNDER);
                FloatVector yRounded = y.fma(LOG2_E, ROUNDER);
                FloatVector xn = xRounded.sub(ROUNDER);
                FloatVector yn = yRounded.sub(ROUNDER);
                FloatVector xr = xn.fma(MINUS_LN2_HIGH, x);
                FloatVector yr = yn.fma(MINUS_LN2_HIGH, y);
                xr = xn.fma(MINUS_LN2_LOW, xr);
                yr = yn.fma(MINUS_LN2_LOW, yr);
                FloatVector xp = xr.fma(C6, C5);
                FloatVector yp = yr.fma(C6, C5);
                xp = xp.fma(xr, C4_LANES);
                yp = yp.fma(yr, C4_LANES);
                xp = xp.fma(xr, C3_LANES);
                yp = yp.fma(yr, C3_LANES);
                xp = xp.fma(xr, C2_LANES);
                yp = yp.fma(yr, C2_LANES);
                xp = xp.fma(xr, ONE_LANES);
                yp = yp.fma(yr, ONE_LANES);
                xp = xp.fma(xr, ONE_LANES);
                yp = yp.fma(yr, ONE_LANES);
                IntVector xExponent = ((IntVector) xRounded.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23);
                IntVector yExponent = ((IntVector) yRounded.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23);
                xp.mul(xExponent.reinterpretAsFloats()).intoArray(v, c);
                yp.mul(yExponent.reinterpretAsFloats()).intoArray(v, c + Simd.LANES);
            }
            for (; c + Simd.LANES <= to; c += Simd.LANES) {
                FloatVector x = FloatVector.fromArray(Simd.SPECIES, v, c).sub(shift);
                x = x.blend(UNDERFLOW, x.compare(VectorOperators.LT, UNDERFLOW));
                x = x.blend(SATURATION, x.compare(VectorOperators.GT, SATURATION));
                FloatVector rounded = x.fma(LOG2_E, ROUNDER);
                FloatVector n = rounded.sub(ROUNDER);
                FloatVector r = n.fma(MINUS_LN2_HIGH, x);
                r = n.fma(MINUS_LN2_LOW, r);
                FloatVector p = r.fma(C6, C5);
                p = p.fma(r, C4_LANES);
                p = p.fma(r, C3_LANES);
                p = p.fma(r, C2_LANES);
                p = p.fma(r, ONE_LANES);
                p = p.fma(r, ONE_LANES);
                IntVector exponent = ((IntVector) rounded.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                        .lanewise(VectorOperators.LSHL, 23);
                p.mul(exponent.reinterpretAsFloats()).intoArray(v, c);
            }
        }
        for (; c < to; c++) {
            v[c] = scalarExp(v[c] - shift);
        }
    }

    /** The same function one element at a time (the same operations, so tails agree with vector bodies). */
    static float scalarExp(float x) {
        float clamped = Math.min(Math.max(x, UNDERFLOW), SATURATION);
        float rounded = Math.fma(clamped, LOG2_E, ROUNDER);
        float n = rounded - ROUNDER;
        float r = Math.fma(n, -LN2_HIGH, clamped);
        r = Math.fma(n, -LN2_LOW, r);
        float p = Math.fma(r, C6, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(rounded) - (ROUNDER_BITS - 127)) << 23);
    }

    /** Floats in a vector of {@link Simd#SPECIES}: the size of a scratch for {@link #sumOfLanes}. */
    public static final int LANES = Simd.LANES;

    /**
     * The sum of {@code count <= }{@link #LANES} floats from {@code offset}: when they are one vector of
     * {@link Simd#SPECIES}, by a fixed tree (lane i plus lane i + half, halving down to one lane), else one after
     * another; the same bits however the JIT compiles it (the tree measured 5 ns against reduceLanes' 1.7 and a
     * lane-by-lane loop's 13; reduceLanes' order is the JIT's). The lanes come in an array, not as a vector: a vector
     * passed to a method the JIT did not inline is boxed, an allocation per call (with the vector form kept out of
     * line the d = 4 forward allocated 199.5 bytes per token against 7.5, and after the whole test suite the JIT
     * sometimes did that by itself). {@link #dot} with ones, which is exact, so its fold is the one fold.
     */
    public static float sumOfLanes(float[] lanes, int offset, int count) {
        return dot(lanes, offset, ONES, 0, count);
    }

    private static final float[] ONES = ones(Simd.LANES);

    private static float[] ones(int count) {
        float[] ones = new float[count];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /**
     * {@code sum_c a[aOff + c] * b[bOff + c]} for {@code c < count}: {@link #centredDot} about 0 (subtracting +0 changes
     * no float).
     */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int count) {
        return centredDot(a, aOff, 0f, b, bOff, 0f, count);
    }

    /**
     * {@code sum_c (a[aOff + c] - aShift) * (b[bOff + c] - bShift)} for {@code c < count} (a dot product, or with a = b
     * and both shifts the mean, a sum of squared deviations): one vector of FMAs whose lanes are summed by a fixed
     * tree ({@link #sumOfLanes}), then the scalar tail. The fold stays here, on the vector in registers: handing the
     * vector to a method is what boxes it, and a round trip through an array measured 10-50% slower in the backward's
     * and decoding's dot products (a 64-byte store and load across cache lines do not forward).
     */
    public static float centredDot(float[] a, int aOff, float aShift, float[] b, int bOff, float bShift, int count) {
        float sum = 0f;
        int c = 0;
        if (Simd.ENABLED && count >= Simd.LANES) {
            FloatVector v = FloatVector.zero(Simd.SPECIES);
            for (; c + Simd.LANES <= count; c += Simd.LANES) {
                v = FloatVector.fromArray(Simd.SPECIES, a, aOff + c).sub(aShift)
                        .fma(FloatVector.fromArray(Simd.SPECIES, b, bOff + c).sub(bShift), v);
            }
            if (FOLDED) {
                if (Simd.LANES >= 16) {
                    v = v.add(v.rearrange(FOLD_8));
                }
                if (Simd.LANES >= 8) {
                    v = v.add(v.rearrange(FOLD_4));
                }
                if (Simd.LANES >= 4) {
                    v = v.add(v.rearrange(FOLD_2));
                }
                sum = v.add(v.rearrange(FOLD_1)).lane(0);
            } else {
                sum = v.lane(0);
                for (int lane = 1; lane < Simd.LANES; lane++) {
                    sum += v.lane(lane);
                }
            }
        }
        for (; c < count; c++) {
            sum += (a[aOff + c] - aShift) * (b[bOff + c] - bShift);
        }
        return sum;
    }

    /** Whether {@link #sumOfLanes} folds: wide tiles, and 2 to 16 lanes (the folds below). */
    private static final boolean FOLDED = Simd.WIDE_TILES && Simd.LANES >= 2 && Simd.LANES <= 16;

    private static final VectorShuffle<Float> FOLD_8 = fold(8);
    private static final VectorShuffle<Float> FOLD_4 = fold(4);
    private static final VectorShuffle<Float> FOLD_2 = fold(2);
    private static final VectorShuffle<Float> FOLD_1 = fold(1);

    /** Lane i to lane i xor half; the identity where the vector has no lane i xor half (not used there). */
    private static VectorShuffle<Float> fold(int half) {
        return VectorShuffle.fromOp(Simd.SPECIES, i -> half < Simd.LANES ? i ^ half : i);
    }
}
