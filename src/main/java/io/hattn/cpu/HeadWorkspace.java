package io.hattn.cpu;

import io.hattn.attention.AttentionSpec;
import io.hattn.attention.HierarchyShape;

/** Everything one head needs for one hierarchical forward: its pyramid and the level-to-level softmax states. */
final class HeadWorkspace {
    final HeadPyramid pyramid;
    final LevelStates states;

    HeadWorkspace(AttentionSpec spec, HierarchyShape shape) {
        pyramid = new HeadPyramid(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(), spec.valueDim());
        states = new LevelStates(shape.paddedLength() / 2, spec.valueDim());
    }

    boolean fits(AttentionSpec spec, HierarchyShape shape) {
        return pyramid.fits(shape.paddedLength(), spec.block(), shape.levels(), spec.dim(), spec.valueDim());
    }
}
