package io.hattn.tornado.kernels;

import uk.ac.manchester.tornado.api.types.vectors.Float8;

/**
 * Float8 helpers the kernels share. TornadoVM 5.2 compiles {@code Float8 * float} to eight scalar multiplies, so
 * the kernels multiply by a Float8 with the factor in every lane instead.
 */
public final class Lanes {

    private Lanes() {
    }

    /** {@code value} in all eight lanes. */
    public static Float8 splat(float value) {
        return new Float8(value, value, value, value, value, value, value, value);
    }
}
