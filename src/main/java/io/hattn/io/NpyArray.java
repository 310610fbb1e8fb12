package io.hattn.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional float array read from or written to .npy; data in C (row-major) order as
 * float[] (float64 input is narrowed); also keeps the original dtype.
 *
 * <p>The data array is shared, not copied, so that multi-GB arrays are not duplicated; the shape
 * is copied in and out, so the shape/data invariant checked by the constructor always holds.
 */
public final class NpyArray {
    /** The dtype {@link Npy#write} produces and that constructed arrays report. */
    static final String FLOAT32_LE = "<f4";

    private final int[] shape;
    private final float[] data;
    private final String sourceDtype;

    public NpyArray(int[] shape, float[] data) {
        this(shape, data, FLOAT32_LE);
    }

    NpyArray(int[] shape, float[] data, String sourceDtype) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        this.shape = shape.clone();
        long product = 1;
        for (int axis = 0; axis < this.shape.length; axis++) {
            if (this.shape[axis] < 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(this.shape) + " has negative dim at axis " + axis);
            }
            // Saturate instead of overflowing: anything above data.length is a mismatch anyway.
            product = Math.min(product * this.shape[axis], Integer.MAX_VALUE + 1L);
        }
        if (product != data.length) {
            throw new IllegalArgumentException("data.length " + data.length + " does not match shape "
                    + Arrays.toString(this.shape) + " (" + product + " elements)");
        }
        this.data = data;
        this.sourceDtype = Objects.requireNonNull(sourceDtype, "sourceDtype");
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " out of range for shape " + shapeString());
        }
        return shape[axis];
    }

    public long size() {
        return data.length;
    }

    /** The backing array itself (no copy), in C order. */
    public float[] data() {
        return data;
    }

    /** The numpy dtype string of the source, e.g. "<f4", ">f8", "|b1"; "<f4" for constructed arrays. */
    public String sourceDtype() {
        return sourceDtype;
    }

    /** The shape as "[2, 3, 4]"; "[]" for a scalar. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "NpyArray" + shapeString() + " " + sourceDtype;
    }
}
