package io.hattn.bench;

import io.hattn.attention.SavedForward;
import io.hattn.benchmark.RandomInputs;

/**
 * The forward benchmarks' shape and inputs, plus what a backward call needs: the saved forward (made once per
 * trial, not timed) and a random output gradient dOut of the output's shape.
 */
public abstract class BackwardState extends ForwardState {

    protected SavedForward saved;
    protected float[] dOut;

    /** The forward that keeps what the backward needs: hierarchical or exact. */
    protected abstract SavedForward save();

    /** ForwardState's trial setup (JMH calls it virtually), then the saved forward and dOut. */
    @Override
    public void setUp() {
        super.setUp();
        dOut = RandomInputs.tensor(problem.outputElements(), SEED + 7);
        saved = save();
    }
}
