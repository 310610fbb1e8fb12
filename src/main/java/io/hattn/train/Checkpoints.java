package io.hattn.train;

import io.hattn.data.BatchPosition;
import io.hattn.io.SafeTensor;
import io.hattn.io.SafeTensors;
import io.hattn.io.SafeTensorsFormatException;
import io.hattn.nn.ModelConfig;
import io.hattn.nn.Parameters;
import io.hattn.nn.TransformerClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's checkpoint: {@code RUN_DIR/checkpoint.safetensors}, one file written atomically (so a run stopped at
 * any moment keeps its last whole checkpoint). It holds every model tensor under its own name (Python loads it
 * with the {@code safetensors} package), AdamW's two moments, and as metadata the model configuration
 * ({@code model.*}), the task, the training settings that must not change on resume ({@code train.*}), the
 * step, the data position and the seed. Beside it, {@code RUN_DIR/best.safetensors} ({@link #best()}) holds the
 * weights of the step with the best validation accuracy so far, with that accuracy: the model a run is reported
 * by (selected on the validation split, so the test split stays unseen). In a run with a {@link WeightAverage},
 * the model tensors of both files are the averaged weights (what evaluation and Python users load), and the
 * checkpoint also holds the trained weights themselves ({@code optimizer.training_weights}), which a resumed run
 * continues from.
 */
public final class Checkpoints {
    public static final String FILE = "checkpoint.safetensors";
    public static final String BEST_FILE = "best.safetensors";
    static final String FORMAT = "hattn-classifier-checkpoint-1";
    private static final String FIRST_MOMENT = "optimizer.first_moment";
    private static final String SECOND_MOMENT = "optimizer.second_moment";
    private static final String TRAINING_WEIGHTS = "optimizer.training_weights";

    private static final String VALIDATION_ACCURACY = "val_accuracy";
    private static final String VALIDATION_EXAMPLES = "val_examples";

    /** What a best-model file records about itself. */
    public record Best(long step, double validationAccuracy, int validationExamples) {
    }

    private final Path directory;
    private final String task;
    private final Map<String, String> trainingSettings;
    private final String fileName;

    /**
     * @param trainingSettings settings a resumed run must share with the run it continues (learning rate,
     *                         schedule, batch size...), compared on {@link #load}
     */
    public Checkpoints(Path directory, String task, Map<String, String> trainingSettings) {
        this(directory, task, trainingSettings, FILE);
    }

    private Checkpoints(Path directory, String task, Map<String, String> trainingSettings, String fileName) {
        this.directory = directory;
        this.task = task;
        this.trainingSettings = new LinkedHashMap<>(trainingSettings);
        this.fileName = fileName;
    }

    /** The same run's best-model file, {@link #BEST_FILE}: weights only, loaded with {@code load(model, null)}. */
    public Checkpoints best() {
        return new Checkpoints(directory, task, trainingSettings, BEST_FILE);
    }

    public Path file() {
        return directory.resolve(fileName);
    }

    public boolean exists() {
        return Files.exists(file());
    }

    /** The checkpoint of a run; its model tensors are {@code average}'s weights when that is on. */
    public void save(TransformerClassifier model, AdamW optimizer, WeightAverage average, TrainingState state)
            throws IOException {
        write(model, optimizer, average, state, Map.of());
    }

    /**
     * Writes the model of {@code state}'s step, which scored {@code validation}, as this run's best model
     * (atomically, like the checkpoint); call it on {@link #best()}.
     */
    public void saveBest(TransformerClassifier model, WeightAverage average, TrainingState state,
                         Evaluation.Result validation) throws IOException {
        write(model, null, average, state, Map.of(VALIDATION_ACCURACY, Double.toString(validation.accuracy()),
                VALIDATION_EXAMPLES, Integer.toString(validation.examples())));
    }

    /**
     * The step and validation accuracy this file records, empty when it does not exist or records none (a
     * checkpoint); a corrupt or foreign file is an {@link IllegalArgumentException} naming it.
     */
    public Optional<Best> recordedBest() throws IOException {
        if (!exists()) {
            return Optional.empty();
        }
        Map<String, String> metadata = read().metadata();
        requireFormatAndTask(metadata);
        if (!metadata.containsKey(VALIDATION_ACCURACY)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Best(Long.parseLong(metadata.get("step")),
                    Double.parseDouble(metadata.get(VALIDATION_ACCURACY)),
                    Integer.parseInt(metadata.get(VALIDATION_EXAMPLES))));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file() + " has no valid step or validation accuracy: "
                    + e.getMessage(), e);
        }
    }

    private void write(TransformerClassifier model, AdamW optimizer, WeightAverage average, TrainingState state,
                       Map<String, String> extraMetadata) throws IOException {
        Parameters parameters = model.parameters();
        float[] modelWeights = average.enabled() ? average.values() : parameters.values();
        List<SafeTensor> tensors = new ArrayList<>();
        for (Parameters.View view : parameters.views()) {
            float[] values = new float[view.size()];
            System.arraycopy(modelWeights, view.offset(), values, 0, values.length);
            tensors.add(SafeTensor.f32(view.name(), values, longs(view.shape())));
        }
        if (optimizer != null) {
            tensors.add(SafeTensor.f32(FIRST_MOMENT, optimizer.firstMoment(), parameters.size()));
            tensors.add(SafeTensor.f32(SECOND_MOMENT, optimizer.secondMoment(), parameters.size()));
            if (average.enabled()) {
                tensors.add(SafeTensor.f32(TRAINING_WEIGHTS, parameters.values(), parameters.size()));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("task", task);
        model.config().toMap().forEach((key, value) -> metadata.put("model." + key, value));
        trainingSettings.forEach((key, value) -> metadata.put("train." + key, value));
        metadata.put("step", Long.toString(state.step()));
        metadata.put("data.epoch", Long.toString(state.data().epoch()));
        metadata.put("data.batch", Long.toString(state.data().batch()));
        metadata.put("seed", Long.toString(state.seed()));
        metadata.put("elapsed_seconds", Double.toString(state.elapsedSeconds()));
        metadata.putAll(extraMetadata);
        SafeTensors.write(file(), metadata, tensors);
    }

    private static long[] longs(int[] shape) {
        long[] result = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            result[i] = shape[i];
        }
        return result;
    }

    /** The checkpoint file, read and validated; a corrupt or truncated one is a message naming it. */
    private SafeTensors read() throws IOException {
        try {
            return SafeTensors.read(file());
        } catch (SafeTensorsFormatException e) {
            throw new IllegalArgumentException("the checkpoint is corrupt or truncated: " + e.getMessage(), e);
        }
    }

    /** The model configuration a checkpoint holds, after checking its format and task. */
    public ModelConfig config() throws IOException {
        Map<String, String> metadata = read().metadata();
        requireFormatAndTask(metadata);
        return ModelConfig.fromMap(prefixed(metadata, "model."));
    }

    /**
     * Loads the model's weights into {@code model} (the averaged ones of a run with a {@link WeightAverage}), and
     * with an {@code optimizer} resumes a run without averaging: see {@link #load(TransformerClassifier, AdamW,
     * WeightAverage)}.
     */
    public TrainingState load(TransformerClassifier model, AdamW optimizer) throws IOException {
        return load(model, optimizer, WeightAverage.off());
    }

    /**
     * Without an optimizer, loads the model's weights into {@code model}. With one, the state of a run to resume:
     * the trained weights into {@code model}, the moments into {@code optimizer} and, when {@code average} is on,
     * the averaged weights into it (a run must resume with averaging on exactly when it was trained with it).
     * Returns the step, data position and seed. Throws {@link IllegalArgumentException} naming what does not
     * match: another task, another model shape, other training settings, or a tensor of the wrong shape; nothing
     * is changed then.
     */
    public TrainingState load(TransformerClassifier model, AdamW optimizer, WeightAverage average)
            throws IOException {
        return load(model, optimizer, average, false);
    }

    /**
     * The weights the optimizer trained in a run with a {@link WeightAverage}, rather than their average, into
     * {@code model} (to compare the two); a checkpoint of a run without averaging holds no others.
     */
    public void loadTrainingWeights(TransformerClassifier model) throws IOException {
        load(model, null, WeightAverage.off(), true);
    }

    private TrainingState load(TransformerClassifier model, AdamW optimizer, WeightAverage average,
                               boolean trainingWeights) throws IOException {
        SafeTensors contents = read();
        Map<String, String> metadata = contents.metadata();
        requireFormatAndTask(metadata);
        ModelConfig stored = ModelConfig.fromMap(prefixed(metadata, "model."));
        requireSame("model", stored.toMap(), model.config().toMap());
        if (optimizer != null) {
            requireSame("training", prefixed(metadata, "train."), trainingSettings);
            if (!contents.names().contains(FIRST_MOMENT)) {
                throw new IllegalArgumentException(file() + " holds weights only, no optimizer state: a run "
                        + "resumes from its " + FILE);
            }
        }
        boolean averaged = contents.names().contains(TRAINING_WEIGHTS);
        if (optimizer != null && averaged != average.enabled()) {
            throw new IllegalArgumentException(file() + (averaged ? " is of a run trained with --ema: resume it "
                    + "with the same --ema" : " is of a run trained without --ema: resume it without --ema"));
        }
        if (trainingWeights && !averaged) {
            throw new IllegalArgumentException(file() + " holds no separate training weights (the run was "
                    + "trained without --ema): its model tensors are the trained weights");
        }
        Parameters parameters = model.parameters();
        Map<String, float[]> loaded = new LinkedHashMap<>();
        for (Parameters.View view : parameters.views()) {
            loaded.put(view.name(), tensor(contents, view.name(), view.shape()));
        }
        // in a run with an average the model tensors are the average, and the trained weights are kept apart
        boolean modelTensorsAreTheAverage = optimizer != null && averaged;
        float[] trained = trainingWeights || modelTensorsAreTheAverage
                ? tensor(contents, TRAINING_WEIGHTS, new int[] {parameters.size()}) : null;
        float[] first = optimizer == null ? null : tensor(contents, FIRST_MOMENT, new int[] {parameters.size()});
        float[] second = optimizer == null ? null : tensor(contents, SECOND_MOMENT, new int[] {parameters.size()});
        // everything checked: only now is anything overwritten
        if (!trainingWeights) {
            float[] modelTarget = modelTensorsAreTheAverage ? average.values() : parameters.values();
            for (Parameters.View view : parameters.views()) {
                System.arraycopy(loaded.get(view.name()), 0, modelTarget, view.offset(), view.size());
            }
        }
        if (trained != null) {
            System.arraycopy(trained, 0, parameters.values(), 0, trained.length);
        }
        if (optimizer != null) {
            System.arraycopy(first, 0, optimizer.firstMoment(), 0, first.length);
            System.arraycopy(second, 0, optimizer.secondMoment(), 0, second.length);
        }
        try {
            return new TrainingState(Long.parseLong(metadata.get("step")),
                    new BatchPosition(Long.parseLong(metadata.get("data.epoch")),
                            Long.parseLong(metadata.get("data.batch"))),
                    Long.parseLong(metadata.get("seed")), Double.parseDouble(metadata.get("elapsed_seconds")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file() + " has no valid step, data position or seed: "
                    + e.getMessage(), e);
        }
    }

    private void requireFormatAndTask(Map<String, String> metadata) {
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IllegalArgumentException(file() + " is not a hattn classifier checkpoint (format '"
                    + metadata.get("format") + "', expected '" + FORMAT + "')");
        }
        if (!task.equals(metadata.get("task"))) {
            throw new IllegalArgumentException(file() + " is a checkpoint of task '" + metadata.get("task")
                    + "', not of '" + task + "'");
        }
    }

    private void requireSame(String what, Map<String, String> stored, Map<String, String> requested) {
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> entry : requested.entrySet()) {
            String there = stored.get(entry.getKey());
            if (!entry.getValue().equals(there)) {
                differences.add(entry.getKey() + " " + there + " in the checkpoint, " + entry.getValue()
                        + " requested");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(file() + " holds another " + what + " configuration: "
                    + String.join("; ", differences));
        }
    }

    private float[] tensor(SafeTensors contents, String name, int[] shape) {
        try {
            return contents.floats(name, longs(shape));
        } catch (SafeTensorsFormatException e) {
            throw new IllegalArgumentException("the checkpoint does not fit this model: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> prefixed(Map<String, String> metadata, String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                result.put(key.substring(prefix.length()), value);
            }
        });
        return result;
    }
}
