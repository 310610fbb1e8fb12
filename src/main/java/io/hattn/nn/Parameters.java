package io.hattn.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of a model in one flat buffer and its gradient in another (the llm.c layout), each tensor a
 * named view: layers register their tensors while the model is built, then {@link #allocate()} makes the
 * buffers once. One buffer makes the optimizer, gradient clipping and checkpoints a loop over one array.
 */
public final class Parameters {

    /** A named tensor inside the buffers: elements [offset, offset + size) in C order of its shape. */
    public record View(String name, int offset, int[] shape) {
        public int size() {
            int size = 1;
            for (int dim : shape) {
                size *= dim;
            }
            return size;
        }

        /** Whether weight decay applies: matrices and embeddings do, biases and norm gains do not. */
        public boolean decays() {
            return shape.length >= 2;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private final Map<String, View> views = new LinkedHashMap<>();
    private int size;
    private float[] values;
    private float[] gradients;

    /** Registers a tensor; names are unique, and nothing can be added after {@link #allocate()}. */
    public View add(String name, int... shape) {
        if (values != null) {
            throw new IllegalStateException("parameters are already allocated; cannot add " + name);
        }
        if (views.containsKey(name)) {
            throw new IllegalArgumentException("parameter name " + name + " is used twice");
        }
        View view = new View(name, size, shape.clone());
        long end = (long) size + view.size();
        if (end > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the model has more than 2^31 parameters");
        }
        views.put(name, view);
        size = (int) end;
        return view;
    }

    public Parameters allocate() {
        if (values == null) {
            values = new float[size];
            gradients = new float[size];
        }
        return this;
    }

    public float[] values() {
        requireAllocated();
        return values;
    }

    public float[] gradients() {
        requireAllocated();
        return gradients;
    }

    public int size() {
        return size;
    }

    public List<View> views() {
        return Collections.unmodifiableList(new ArrayList<>(views.values()));
    }

    public View view(String name) {
        View view = views.get(name);
        if (view == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return view;
    }

    public void zeroGradients() {
        Arrays.fill(gradients(), 0f);
    }

    private void requireAllocated() {
        if (values == null) {
            throw new IllegalStateException("parameters are not allocated yet");
        }
    }
}
