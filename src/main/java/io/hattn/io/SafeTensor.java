package io.hattn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file: its dtype, shape (row-major; {@code []} is a scalar) and raw
 * little-endian bytes. Typed accessors convert the bytes of F32, F64, I64 and I32 tensors; any other dtype is
 * kept as bytes ({@link #bytes()}). Immutable.
 */
public final class SafeTensor {

    private final String name;
    private final SafeTensors.DType dtype;
    private final long[] shape;
    private final byte[] data;

    /** A tensor from raw little-endian bytes; the byte count must be the shape's element count times the dtype size. */
    public SafeTensor(String name, SafeTensors.DType dtype, long[] shape, byte[] data) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must be non-empty");
        }
        if (name.equals(SafeTensors.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor name " + name + " is reserved for the metadata");
        }
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long bytes = SafeTensors.byteCount(dtype, shape);
        if (bytes < 0) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                    + " has a negative dimension or too many elements");
        }
        if (bytes != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + bytes + " bytes, got " + data.length);
        }
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
    }

    public static SafeTensor f32(String name, float[] values, long... shape) {
        ByteBuffer bytes = buffer(values.length, 4);
        bytes.asFloatBuffer().put(values);
        return new SafeTensor(name, SafeTensors.DType.F32, shape, bytes.array());
    }

    public static SafeTensor f64(String name, double[] values, long... shape) {
        ByteBuffer bytes = buffer(values.length, 8);
        bytes.asDoubleBuffer().put(values);
        return new SafeTensor(name, SafeTensors.DType.F64, shape, bytes.array());
    }

    public static SafeTensor i64(String name, long[] values, long... shape) {
        ByteBuffer bytes = buffer(values.length, 8);
        bytes.asLongBuffer().put(values);
        return new SafeTensor(name, SafeTensors.DType.I64, shape, bytes.array());
    }

    public static SafeTensor i32(String name, int[] values, long... shape) {
        ByteBuffer bytes = buffer(values.length, 4);
        bytes.asIntBuffer().put(values);
        return new SafeTensor(name, SafeTensors.DType.I32, shape, bytes.array());
    }

    public String name() {
        return name;
    }

    public SafeTensors.DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Elements: the product of the shape (1 for a scalar). */
    public int elementCount() {
        return data.length / dtype.bytes();
    }

    /** A copy of the raw little-endian bytes. */
    public byte[] bytes() {
        return data.clone();
    }

    public float[] floats() {
        requireDtype(SafeTensors.DType.F32);
        float[] values = new float[elementCount()];
        view().asFloatBuffer().get(values);
        return values;
    }

    public double[] doubles() {
        requireDtype(SafeTensors.DType.F64);
        double[] values = new double[elementCount()];
        view().asDoubleBuffer().get(values);
        return values;
    }

    public long[] longs() {
        requireDtype(SafeTensors.DType.I64);
        long[] values = new long[elementCount()];
        view().asLongBuffer().get(values);
        return values;
    }

    public int[] ints() {
        requireDtype(SafeTensors.DType.I32);
        int[] values = new int[elementCount()];
        view().asIntBuffer().get(values);
        return values;
    }

    /** The raw bytes without a copy, for writing. */
    byte[] data() {
        return data;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }

    private void requireDtype(SafeTensors.DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("tensor " + name + " is " + dtype + ", not " + expected);
        }
    }

    private ByteBuffer view() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer buffer(int elements, int size) {
        if ((long) elements * size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of " + elements + " elements is too large for one array");
        }
        return ByteBuffer.allocate(elements * size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
