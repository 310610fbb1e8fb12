package io.hattn.train;

import io.hattn.data.Batch;
import io.hattn.data.Example;
import io.hattn.data.LengthBatcher;
import io.hattn.nn.SoftmaxCrossEntropy;
import io.hattn.nn.TransformerClassifier;
import java.util.List;

/** Loss and accuracy of a classifier over examples, in length-sorted batches, without dropout. */
public final class Evaluation {

    /** Mean loss and accuracy over {@code examples} examples. */
    public record Result(double loss, double accuracy, int examples) {
    }

    private Evaluation() {
    }

    public static Result of(TransformerClassifier model, List<Example> examples, int batchSize) {
        int classes = model.config().classes();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        double lossSum = 0;
        long correct = 0;
        int[] right = new int[1];
        for (Batch batch : LengthBatcher.evaluationBatches(examples, batchSize, model.config().block())) {
            float[] logits = model.forward(batch.tokens(), batch.valid(), batch.size(), batch.length(), false, 0);
            lossSum += loss.forward(logits, batch.labels(), batch.size(), classes, right) * batch.size();
            correct += right[0];
        }
        return new Result(lossSum / examples.size(), correct / (double) examples.size(), examples.size());
    }
}
