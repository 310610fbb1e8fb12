package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.data.Example;
import io.hattn.nn.MatrixProducts;
import io.hattn.nn.ModelConfig;
import io.hattn.nn.TransformerClassifier;
import io.hattn.train.Checkpoints;
import io.hattn.train.Evaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hattn eval}: the accuracy of a trained run's checkpoint on an LRA file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Prints the accuracy of RUN_DIR's checkpoint (or, with --best, its best model) on FILE.tsv "
                + "(LRA layout) as 'accuracy: 0.NNNN'.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "RUN_DIR", description = "A run folder of "
            + "'hattn train'.")
    Path run;

    @Option(names = "--data", required = true, paramLabel = "FILE.tsv", description = "Examples to score.")
    Path data;

    @Option(names = "--best", description = "Score the run's best model (" + Checkpoints.BEST_FILE + ", the step "
            + "of its best validation accuracy) instead of its last checkpoint.")
    boolean best;

    @Option(names = "--training-weights", description = "For a run trained with --ema: score the weights the "
            + "optimizer trained instead of their average (the model the run reports).")
    boolean trainingWeights;

    @Option(names = "--task", defaultValue = "listops", description = "Task of the run (default ${DEFAULT-VALUE}).")
    String task;

    @Mixin
    BackendOptions backendOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RunFolder.requireUsable("--checkpoint", run, true);
        if (best && trainingWeights) {
            throw new BadInputException("--training-weights: " + Checkpoints.BEST_FILE + " holds the reported model "
                    + "only; score the training weights of the last checkpoint, without --best");
        }
        Checkpoints last = new Checkpoints(run, task, Map.of());
        Checkpoints checkpoints = best ? last.best() : last;
        if (!checkpoints.exists()) {
            throw new BadInputException((best ? "--best: " : "--checkpoint: ") + run + " holds no "
                    + checkpoints.file().getFileName() + (best ? " (a run writes it at its first validation pass)"
                    : ""));
        }
        ModelConfig config;
        try {
            config = checkpoints.config();
            if (best) {
                checkpoints.recordedBest().ifPresent(b -> System.err.printf(Locale.ROOT, "hattn eval: %s, the "
                        + "model of step %d (validation accuracy %.4f on %d examples)%n", checkpoints.file(),
                        b.step(), b.validationAccuracy(), b.validationExamples()));
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--checkpoint: " + e.getMessage(), e);
        }
        List<Example> examples = ListOpsInputs.fitting(ListOpsInputs.read("--data", data), config.maxLength(),
                "evaluation", System.err);
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try (AttentionBackend backend = backendOptions.open()) {
            TransformerClassifier model = new TransformerClassifier(config, backend, MatrixProducts.create(pool));
            try {
                if (trainingWeights) {
                    checkpoints.loadTrainingWeights(model);
                } else {
                    checkpoints.load(model, null);
                }
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--checkpoint: " + e.getMessage(), e);
            }
            Evaluation.Result result = Evaluation.of(model, examples, 8);
            System.err.printf(Locale.ROOT, "hattn eval: %d examples of %s, loss %.4f, on %s%n", result.examples(),
                    data, result.loss(), backend.describe());
            spec.commandLine().getOut().printf(Locale.ROOT, "accuracy: %.4f%n", result.accuracy());
            spec.commandLine().getOut().flush();
        } finally {
            pool.shutdown();
        }
        return 0;
    }
}
