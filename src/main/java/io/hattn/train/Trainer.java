package io.hattn.train;

import io.hattn.data.Batch;
import io.hattn.data.Example;
import io.hattn.data.LengthBatcher;
import io.hattn.nn.Parameters;
import io.hattn.nn.SoftmaxCrossEntropy;
import io.hattn.nn.TransformerClassifier;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The training loop of a classifier: length-bucketed batches, forward, softmax cross-entropy, backward, global
 * norm clipping, the schedule's learning rate and an AdamW step; a metrics row every few steps, validation and a
 * checkpoint periodically and at the end. Deterministic for a seed and thread count, and a run resumed from a
 * checkpoint continues bit for bit (tested). With a time budget the first step that reaches it is the last one
 * (logged, evaluated and checkpointed like the last step): which step that is depends on the clock, what the
 * run computes up to it does not. A validation pass that beats every earlier one of the run (resumed runs
 * included) also writes the model as the run's best ({@link Checkpoints#best()}). With a {@link WeightAverage}
 * on, validation, the best model and the checkpoint's model tensors are the averaged weights.
 */
public final class Trainer {

    /** Called after every step with its loss, for tests and tools that watch a run. */
    public interface StepListener {
        void afterStep(long step, double loss);
    }

    private final TransformerClassifier model;
    private final AdamW optimizer;
    private final WeightAverage average;
    private final TrainingOptions options;
    private final LengthBatcher batches;
    private final List<Example> validation;
    private final Checkpoints checkpoints;
    private final MetricsLog metrics;
    private final PrintStream progress;
    private StepListener listener = (step, loss) -> { };
    private volatile boolean stopRequested;

    public Trainer(TransformerClassifier model, AdamW optimizer, WeightAverage average, TrainingOptions options,
                   LengthBatcher batches, List<Example> validation, Checkpoints checkpoints, MetricsLog metrics,
                   PrintStream progress) {
        this.model = model;
        this.optimizer = optimizer;
        this.average = average;
        this.options = options;
        this.batches = batches;
        this.validation = validation.subList(0, Math.min(validation.size(), options.evaluationExamples()));
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.progress = progress;
    }

    public Trainer onStep(StepListener newListener) {
        this.listener = newListener;
        return this;
    }

    /**
     * Asks the loop to end after the step under way, which is then logged, evaluated and checkpointed as the
     * last: what Ctrl-C or SIGTERM does to a command-line run, through a shutdown hook. Any thread may call it.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Whether {@link #requestStop} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Trains from {@code start} (step 0 for a new run) to {@code options.steps()}, or to the step at which the
     * run's clock reaches the time budget or a stop is requested; returns the final state.
     */
    public TrainingState run(TrainingState start) throws IOException {
        Parameters parameters = model.parameters();
        int classes = model.config().classes();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        batches.seek(start.data());
        int[] correct = new int[1];
        double windowLoss = 0;
        long windowCorrect = 0;
        long windowExamples = 0;
        long windowTokens = 0;
        long windowValidTokens = 0;
        long windowStart = System.nanoTime();
        double elapsed = start.elapsedSeconds();
        TrainingState state = start;
        float learningRate = 0;
        double norm = 0;
        Checkpoints best = checkpoints.best();
        double bestAccuracy = best.recordedBest().map(Checkpoints.Best::validationAccuracy)
                .orElse(Double.NEGATIVE_INFINITY);
        try (Progress bar = new Progress(progress, start.step(), options.steps(),
                options.timeLimitSeconds() - start.elapsedSeconds())) {
            for (long step = start.step() + 1; step <= options.steps(); step++) {
                Batch batch = batches.next();
                parameters.zeroGradients();
                float[] logits = model.forward(batch.tokens(), batch.valid(), batch.size(), batch.length(), true,
                        step);
                double value = loss.forward(logits, batch.labels(), batch.size(), classes, correct);
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("the training loss became " + value + " at step " + step
                            + "; lower --lr or raise --warmup");
                }
                float[] dLogits = new float[batch.size() * classes];
                loss.backward(batch.labels(), batch.size(), classes, dLogits);
                model.backward(dLogits);
                norm = GradientClipping.clip(parameters, options.clipNorm());
                learningRate = options.schedule().rate(options.learningRate(), step, options.warmup(),
                        options.steps());
                optimizer.update(parameters, learningRate, step);
                average.update(parameters, step);
                listener.afterStep(step, value);

                windowLoss += value * batch.size();
                windowCorrect += correct[0];
                windowExamples += batch.size();
                windowTokens += (long) batch.size() * batch.length();
                windowValidTokens += batch.validTokens();
                boolean outOfTime = elapsed + (System.nanoTime() - windowStart) / 1e9 >= options.timeLimitSeconds();
                boolean last = step == options.steps() || outOfTime || stopRequested;
                boolean log = step % options.logEvery() == 0 || last;
                boolean evaluate = last || (options.evaluateEvery() > 0 && step % options.evaluateEvery() == 0);
                boolean checkpoint = last || (options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0);
                Evaluation.Result val = null;
                if (log || evaluate) {
                    long windowEnd = System.nanoTime();
                    double seconds = (windowEnd - windowStart) / 1e9;
                    elapsed += seconds;
                    val = evaluate ? average.withAverage(parameters,
                            () -> Evaluation.of(model, validation, batch.size())) : null;
                    MetricsLog.Row row = new MetricsLog.Row(step, windowLoss / windowExamples,
                            windowCorrect / (double) windowExamples, val == null ? Double.NaN : val.loss(),
                            val == null ? Double.NaN : val.accuracy(), windowTokens / seconds,
                            windowValidTokens / seconds, learningRate, norm, elapsed);
                    metrics.add(row);
                    bar.update(step, String.format(Locale.ROOT, "loss %.3f acc %.3f%s %.0f tok/s", row.trainLoss(),
                            row.trainAccuracy(), val == null ? ""
                                    : String.format(Locale.ROOT, " val %.3f", val.accuracy()), row.tokensPerSecond()));
                    windowLoss = 0;
                    windowCorrect = 0;
                    windowExamples = 0;
                    windowTokens = 0;
                    windowValidTokens = 0;
                    windowStart = System.nanoTime();
                    // the evaluation counts on the run's clock (a time budget covers it), not in tokens/s
                    elapsed += (windowStart - windowEnd) / 1e9;
                }
                state = new TrainingState(step, batches.position(), start.seed(), elapsed);
                if (val != null && val.accuracy() > bestAccuracy) {
                    bestAccuracy = val.accuracy();
                    best.saveBest(model, average, state, val);
                }
                if (checkpoint) {
                    checkpoints.save(model, optimizer, average, state);
                }
                if (last) {
                    break;
                }
            }
        }
        return state;
    }
}
