package io.hattn.train;

/**
 * How a model is trained: the number of steps and examples per step, the learning-rate schedule, AdamW's weight
 * decay, gradient clipping, how often the run is evaluated and checkpointed, and an optional budget of training
 * time (seconds of the run's clock, which a resumed run continues; infinite for none). Validated here, naming the
 * command-line option of each value.
 */
public record TrainingOptions(long steps, int batchSize, float learningRate, Schedule schedule, long warmup,
                              float weightDecay, double clipNorm, long checkpointEvery, long evaluateEvery,
                              int evaluationExamples, long logEvery, double timeLimitSeconds) {

    /** Options without a time budget. */
    public TrainingOptions(long steps, int batchSize, float learningRate, Schedule schedule, long warmup,
                           float weightDecay, double clipNorm, long checkpointEvery, long evaluateEvery,
                           int evaluationExamples, long logEvery) {
        this(steps, batchSize, learningRate, schedule, warmup, weightDecay, clipNorm, checkpointEvery, evaluateEvery,
                evaluationExamples, logEvery, Double.POSITIVE_INFINITY);
    }

    public TrainingOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        }
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("--clip must be >= 0 (0 = off), got " + clipNorm);
        }
        if (checkpointEvery < 0 || evaluateEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every and --eval-every must be >= 0 (0 = only at the "
                    + "end), got " + checkpointEvery + " and " + evaluateEvery);
        }
        if (evaluationExamples < 1) {
            throw new IllegalArgumentException("--eval-examples must be >= 1, got " + evaluationExamples);
        }
        if (!(timeLimitSeconds > 0)) {
            throw new IllegalArgumentException("--time-limit must be a positive number of minutes, got "
                    + timeLimitSeconds / 60);
        }
        if (logEvery < 1 || logEvery > 10) {
            throw new IllegalArgumentException("metrics are logged every 1 to 10 steps, got " + logEvery);
        }
    }
}
