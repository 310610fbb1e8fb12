package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.data.Example;
import io.hattn.data.LengthBatcher;
import io.hattn.data.ListOpsSplits;
import io.hattn.data.ListOpsVocabulary;
import io.hattn.nn.MatrixProducts;
import io.hattn.nn.ModelConfig;
import io.hattn.nn.MultiHeadAttention;
import io.hattn.nn.Pooling;
import io.hattn.nn.TransformerClassifier;
import io.hattn.train.AdamW;
import io.hattn.train.Checkpoints;
import io.hattn.train.MetricsLog;
import io.hattn.train.Schedule;
import io.hattn.train.Trainer;
import io.hattn.train.TrainingOptions;
import io.hattn.train.TrainingState;
import io.hattn.train.WeightAverage;
import io.hattn.data.BatchPosition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hattn train}: a Transformer classifier trained on an LRA task from the command line. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains a Transformer classifier (hierarchical or exact attention) on ListOps, with AdamW, "
                + "checkpoints (RUN_DIR/checkpoint.safetensors), RUN_DIR/metrics.csv and learning curves "
                + "(RUN_DIR/learning-curves.png). --resume continues a run exactly where its checkpoint left it."})
final class TrainCommand implements Callable<Integer> {

    /** How long Ctrl-C or SIGTERM waits for the step under way to finish and be checkpointed. */
    private static final long STOP_WAIT_SECONDS = 120;

    @Option(names = "--task", defaultValue = "listops", description = "Task: listops (default).")
    String task;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with basic_train.tsv, basic_val.tsv "
            + "(LRA layout). Default: ListOps generated once into ~/.cache/hattn/listops-seed-SEED.")
    Path data;

    @Option(names = "--attention", defaultValue = "hierarchical", paramLabel = "hierarchical|exact",
            description = "Attention of every layer (default ${DEFAULT-VALUE}).")
    String attention;

    @Option(names = "--len", defaultValue = "2048", description = "Longest sequence (default ${DEFAULT-VALUE}); "
            + "longer examples are left out, saying how many.")
    int maxLength;

    @Option(names = "--layers", defaultValue = "4", description = "Blocks (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--width", defaultValue = "128", description = "Model width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--mlp", description = "MLP hidden width (default 2 x width).")
    Integer mlp;

    @Option(names = "--block", defaultValue = "16", description = "Nr of the hierarchy (default ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--relative-bias", description = "Hierarchical relative-position bias in every layer.")
    boolean relativeBias;

    @Option(names = "--positions", defaultValue = "learned", paramLabel = "learned|sinusoidal",
            description = "Position embedding (default ${DEFAULT-VALUE}).")
    String positions;

    // first by default: a ListOps answer is decided by the outermost operator, which is the first token. Measured
    // on generated ListOps (4 layers, width 64): mean pooling stayed on the 16-20% plateau for 1,800 steps, first
    // reached 39% validation accuracy in 100 steps.
    @Option(names = "--pooling", defaultValue = "first", paramLabel = "first|mean|ends",
            description = "Sequence pooling before the head: the first token's vector, the mean over valid "
                    + "tokens, or the first and the last valid token's vectors side by side (default "
                    + "${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--head-hidden", defaultValue = "0", paramLabel = "N",
            description = "Width of a hidden layer (GELU) in the classification head, as the LRA's classifiers have; "
                    + "0: a linear head (default ${DEFAULT-VALUE}).")
    int headHidden;

    @Option(names = "--batch", defaultValue = "8", description = "Examples per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", required = true, description = "Last step of the run.")
    long steps;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--schedule", defaultValue = "rsqrt", paramLabel = "constant|cosine|rsqrt",
            description = "After warmup (default ${DEFAULT-VALUE}; constant and rsqrt do not depend on --steps).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "100", description = "Linear warmup steps (default ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decay (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm limit, 0 = off "
            + "(default ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout (default ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--ema", defaultValue = "0", paramLabel = "DECAY",
            description = "Evaluate, keep and report an exponential moving average of the weights with this decay "
                    + "per step, e.g. 0.999 (about the last 1,000 steps); 0: off (default ${DEFAULT-VALUE}).")
    float ema;

    @Option(names = "--checkpoint-every", defaultValue = "100", paramLabel = "N",
            description = "Checkpoint every N steps and at the end (default ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "100", paramLabel = "N",
            description = "Validation every N steps and at the end (default ${DEFAULT-VALUE}).")
    long evaluateEvery;

    @Option(names = "--eval-examples", defaultValue = "500", paramLabel = "N",
            description = "Validation examples per evaluation (default ${DEFAULT-VALUE}).")
    int evaluationExamples;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data order, initialisation and dropout.")
    long seed;

    @Option(names = "--threads", description = "Threads (default: every core). Runs are reproducible for a seed "
            + "and thread count.")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run folder.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN_DIR from its checkpoint.")
    boolean resume;

    @Option(names = "--time-limit", paramLabel = "MINUTES", description = "Stop after the step at which the run "
            + "has trained this long (its elapsed_s, which --resume continues: a budget for the whole run); that "
            + "step is evaluated and checkpointed as the last. Default: no limit.")
    Double timeLimitMinutes;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public Integer call() throws IOException {
        if (!task.equals("listops")) {
            throw new BadInputException("--task must be listops (the other LRA tasks are not built yet), got '"
                    + task + "'");
        }
        ModelConfig config = modelConfig();
        TrainingOptions options = trainingOptions();
        if (!(ema >= 0 && ema < 1)) {
            throw new BadInputException("--ema must be 0 (off) or a decay in (0, 1), e.g. 0.999, got " + ema);
        }
        RunFolder.requireUsable(resume ? "--resume: --out" : "--out", out, resume);
        Checkpoints checkpoints = new Checkpoints(out, task, fixedSettings());
        if (resume && !checkpoints.exists()) {
            throw new BadInputException("--resume: " + out + " holds no " + Checkpoints.FILE);
        }
        if (!resume && (checkpoints.exists() || checkpoints.best().exists())) {
            throw new BadInputException("--out: " + out + " already holds a run (" + (checkpoints.exists()
                    ? Checkpoints.FILE : Checkpoints.BEST_FILE) + "); continue it with --resume or choose another "
                    + "folder");
        }
        PrintStream progress = System.err;
        ListOpsSplits splits = ListOpsInputs.load(data, progress);
        List<Example> train = ListOpsInputs.fitting(splits.train(), maxLength, "training", progress);
        List<Example> validation = ListOpsInputs.fitting(splits.validation(), maxLength, "validation", progress);
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new BadInputException("--threads must be >= 1, got " + threadCount);
        }
        ForkJoinPool pool = new ForkJoinPool(threadCount);
        try (AttentionBackend backend = backendOptions.open()) {
            MatrixProducts products = MatrixProducts.create(pool);
            TransformerClassifier model = new TransformerClassifier(config, backend, products);
            AdamW optimizer = AdamW.standard(model.parameters(), weightDecay);
            TrainingState start;
            MetricsLog metrics;
            WeightAverage average;
            if (resume) {
                average = weightAverage(model);
                try {
                    start = checkpoints.load(model, optimizer, average);
                    checkpoints.best().recordedBest();
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--resume: " + e.getMessage(), e);
                }
                if (start.step() >= steps) {
                    throw new BadInputException("--steps " + steps + " must be above the checkpoint's step "
                            + start.step() + " to resume");
                }
                if (start.elapsedSeconds() >= options.timeLimitSeconds()) {
                    throw new BadInputException(String.format(Locale.ROOT, "--time-limit %s: the run has already "
                            + "trained %.1f minutes", timeLimitMinutes, start.elapsedSeconds() / 60));
                }
                metrics = MetricsLog.resume(out, start.step());
            } else {
                Files.createDirectories(out);
                model.initialise();
                average = weightAverage(model);
                start = new TrainingState(0, BatchPosition.START, seed, 0);
                metrics = MetricsLog.create(out);
            }
            progress.printf(Locale.ROOT, "hattn train: %s, %d parameters, %d training / %d validation examples; "
                    + "attention on %s, products %s%n", describe(config), model.parameters().size(), train.size(),
                    validation.size(), backend.describe(), products.describe());
            // padded to a multiple of Nr only: the linear layers skip most padding, attention pads inside
            LengthBatcher batches = new LengthBatcher(train, batch, block, seed, LengthBatcher.DEFAULT_POOL_BATCHES,
                    LengthBatcher.Padding.BLOCK_MULTIPLE);
            Trainer trainer = new Trainer(model, optimizer, average, options, batches, validation, checkpoints, metrics,
                    progress);
            // the hook waits until this run has reported, not only trained: the JVM halts once its hooks return
            CountDownLatch reported = new CountDownLatch(1);
            Thread stopOnSignal = stopHook(trainer, reported, progress);
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            try {
                return trainAndReport(trainer, start, metrics, checkpoints, progress);
            } finally {
                reported.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it returns now that this run has saved and reported its last step
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The run and its closing lines: 0, or 1 for a run that diverged (its last checkpoint intact). */
    private int trainAndReport(Trainer trainer, TrainingState start, MetricsLog metrics, Checkpoints checkpoints,
                               PrintStream progress) throws IOException {
        TrainingState end;
        try {
            end = trainer.run(start);
        } catch (ArithmeticException e) {
            progress.println("hattn train: " + e.getMessage() + "; the last checkpoint in " + out + " is intact");
            return 1;
        }
        MetricsLog.Row last = metrics.rows().get(metrics.rows().size() - 1);
        if (trainer.stopRequested()) {
            progress.printf(Locale.ROOT, "hattn train: interrupted; step %d checkpointed, continue with "
                    + "--resume%n", end.step());
        } else if (end.step() < steps) {
            progress.printf(Locale.ROOT, "hattn train: stopped at step %d of %d: --time-limit %s minutes "
                    + "reached (%.1f minutes trained)%n", end.step(), steps, timeLimitMinutes,
                    end.elapsedSeconds() / 60);
        }
        progress.printf(Locale.ROOT, "hattn train: step %d, train loss %.4f, validation accuracy %.4f, %.0f "
                + "tokens/s; wrote %s, %s, %s%n", end.step(), last.trainLoss(), last.validationAccuracy(),
                last.tokensPerSecond(), checkpoints.file(), out.resolve(MetricsLog.FILE),
                out.resolve(MetricsLog.PLOT));
        Checkpoints best = checkpoints.best();
        best.recordedBest().ifPresent(b -> progress.printf(Locale.ROOT, "hattn train: best validation accuracy "
                + "%.4f (%d examples) at step %d: %s (hattn eval --best)%n", b.validationAccuracy(),
                b.validationExamples(), b.step(), best.file()));
        return 0;
    }

    /**
     * Ctrl-C or SIGTERM: the run ends after the step under way, checkpointed, instead of losing the steps since
     * its last checkpoint. The hook waits for that (a validation pass may be under way) up to a limit.
     */
    private static Thread stopHook(Trainer trainer, CountDownLatch reported, PrintStream progress) {
        return new Thread(() -> {
            trainer.requestStop();
            try {
                if (!reported.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    progress.println("hattn train: the step under way did not finish within " + STOP_WAIT_SECONDS
                            + " s; the last checkpoint stays as it was");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hattn-train-stop");
    }

    private static String describe(ModelConfig config) {
        return String.format(Locale.ROOT, "%s attention, %d layers, width %d, %d heads, MLP %d, Nr %d",
                config.attention().name().toLowerCase(Locale.ROOT), config.layers(), config.width(), config.heads(),
                config.mlp(), config.block());
    }

    private ModelConfig modelConfig() {
        MultiHeadAttention.Kind kind = switch (attention.toLowerCase(Locale.ROOT)) {
            case "hierarchical" -> MultiHeadAttention.Kind.HIERARCHICAL;
            case "exact" -> MultiHeadAttention.Kind.EXACT;
            default -> throw new BadInputException("--attention must be hierarchical or exact, got '" + attention
                    + "'");
        };
        boolean learned = switch (positions.toLowerCase(Locale.ROOT)) {
            case "learned" -> true;
            case "sinusoidal" -> false;
            default -> throw new BadInputException("--positions must be learned or sinusoidal, got '" + positions
                    + "'");
        };
        Pooling pool = switch (pooling.toLowerCase(Locale.ROOT)) {
            case "mean" -> Pooling.MEAN;
            case "first" -> Pooling.FIRST;
            case "ends" -> Pooling.ENDS;
            default -> throw new BadInputException("--pooling must be first, mean or ends, got '" + pooling + "'");
        };
        try {
            return new ModelConfig(ListOpsVocabulary.SIZE, ListOpsVocabulary.CLASSES, maxLength, width, heads,
                    mlp == null ? 2 * width : mlp, layers, block, kind, false, learned, relativeBias, pool, headHidden,
                    dropout, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--" + e.getMessage(), e);
        }
    }

    private TrainingOptions trainingOptions() {
        try {
            return new TrainingOptions(steps, batch, learningRate, Schedule.parse(schedule), warmup, weightDecay,
                    clip, checkpointEvery, evaluateEvery, evaluationExamples, 10,
                    timeLimitMinutes == null ? Double.POSITIVE_INFINITY : timeLimitMinutes * 60);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage().startsWith("--") ? e.getMessage()
                    : "--schedule: " + e.getMessage(), e);
        }
    }

    /** The average of the model's current weights with --ema's decay, or none. */
    private WeightAverage weightAverage(TransformerClassifier model) {
        return ema == 0 ? WeightAverage.off() : WeightAverage.of(ema, model.parameters());
    }

    /** What a resumed run must share with the run it continues, or it would not continue it exactly. */
    private Map<String, String> fixedSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("batch", Integer.toString(batch));
        settings.put("lr", Float.toString(learningRate));
        settings.put("schedule", schedule.toLowerCase(Locale.ROOT));
        settings.put("warmup", Long.toString(warmup));
        settings.put("weight_decay", Float.toString(weightDecay));
        settings.put("clip", Double.toString(clip));
        if (ema != 0) {
            // only when on, so that runs from before the option resume as they were
            settings.put("ema", Float.toString(ema));
        }
        settings.put("data", data == null ? "generated" : data.toAbsolutePath().normalize().toString());
        return settings;
    }
}
