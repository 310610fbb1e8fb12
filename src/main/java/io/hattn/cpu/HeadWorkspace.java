package io.hattn.cpu;

/**
 * Everything one thread needs for the hierarchical forward of one head at a time: the pyramid (coarse levels
 * whole, finer levels in a ring of strips) and the softmax states of the levels that run over the whole sequence.
 */
final class HeadWorkspace {
    final Pyramid pyramid;
    final LevelStates states;

    /** The block scratch of a thread that runs a head's blocks in order (kept between calls: no garbage per call). */
    private final SoftmaxTile tile;
    /** The states of one strip's finer levels, for the same thread; null without strips. */
    private final LevelStates stripStates;
    /** 1 / valid children per row of a block being coarsened, for the same thread. */
    private final float[] inverseCount;

    HeadWorkspace(int paddedLength, int block, int levels, int stripLevels, int dim, int valueDim) {
        pyramid = new Pyramid(paddedLength, block, levels, stripLevels, dim, valueDim);
        // the whole-sequence states hold levels >= max(1, stripLevels): the finer ones live in per-strip buffers
        states = new LevelStates(paddedLength, Math.max(1, stripLevels), levels, valueDim);
        tile = new SoftmaxTile(block, block, 3, valueDim);
        stripStates = stripLevels == 0 ? null : new LevelStates(block << stripLevels, 1, stripLevels, valueDim);
        inverseCount = new float[block];
    }

    // Scratch for one chunk of blocks: the kept one when the thread runs the head's blocks in order ({@code alone}),
    // a new one when chunks of the same head run side by side (each needs its own).

    SoftmaxTile tile(boolean alone) {
        return alone ? tile : new SoftmaxTile(pyramid.block, pyramid.block, 3, pyramid.valueDim);
    }

    LevelStates stripStates(boolean alone) {
        return alone ? stripStates : new LevelStates(pyramid.stripTokens(), 1, pyramid.stripLevels, pyramid.valueDim);
    }

    float[] inverseCount(boolean alone) {
        return alone ? inverseCount : new float[pyramid.block];
    }

    private final KeptBuffers<Pyramid> spareViews = new KeptBuffers<>();

    /** A view of this pyramid with a ring of its own (kept for reuse), following the current head's level 0. */
    Pyramid borrowView() {
        Pyramid view = spareViews.borrow(kept -> true, pyramid::withRing);
        view.followFinest(pyramid);
        return view;
    }

    void returnView(Pyramid view) {
        spareViews.giveBack(view);
    }

    boolean fits(int paddedLength, int block, int levels, int stripLevels, int dim, int valueDim) {
        return pyramid.fits(paddedLength, block, levels, stripLevels, dim, valueDim);
    }
}
