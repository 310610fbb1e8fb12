package io.hattn.train;

import io.hattn.data.BatchPosition;

/**
 * Where a run stands besides its parameters and optimizer moments: the last completed step, the data position
 * of the next batch, and the seed. The dropout masks and the data order are functions of (seed, step) and of
 * (seed, position), so these numbers are the whole random state a resumed run needs.
 */
public record TrainingState(long step, BatchPosition data, long seed, double elapsedSeconds) {
}
