package io.hattn.data;

/**
 * Where a {@link LengthBatcher} is: the epoch, and the number of batches of that epoch already handed out.
 * Two longs for a checkpoint; {@link LengthBatcher#seek} continues from them exactly.
 */
public record BatchPosition(long epoch, long batch) {

    public static final BatchPosition START = new BatchPosition(0, 0);

    public BatchPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("epoch and batch must be >= 0, got epoch " + epoch + ", batch " + batch);
        }
    }
}
