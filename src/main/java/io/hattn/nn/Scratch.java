package io.hattn.nn;

/** Activation buffers that grow to the largest batch seen and are reused after, so steps allocate nothing. */
final class Scratch {

    private Scratch() {
    }

    static float[] atLeast(float[] buffer, int size) {
        return buffer.length >= size ? buffer : new float[size];
    }

    /** A buffer of exactly {@code size}, for APIs that take whole arrays (the attention problem's tensors). */
    static float[] exactly(float[] buffer, int size) {
        return buffer.length == size ? buffer : new float[size];
    }

    /** A zeroed buffer of at least {@code size} (gradients accumulate, so they start from zero). */
    static float[] zeroed(float[] buffer, int size) {
        float[] result = atLeast(buffer, size);
        java.util.Arrays.fill(result, 0, size, 0f);
        return result;
    }
}
