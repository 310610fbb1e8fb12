package io.hattn.bench;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.Backends;
import io.hattn.nn.MatrixProducts;
import io.hattn.nn.ModelConfig;
import io.hattn.nn.MultiHeadAttention;
import io.hattn.nn.Pooling;
import io.hattn.nn.SoftmaxCrossEntropy;
import io.hattn.nn.TransformerClassifier;
import io.hattn.train.AdamW;
import io.hattn.train.GradientClipping;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the ListOps classifier (forward, cross-entropy, backward, clipping, AdamW) on a full batch
 * of fixed length, hierarchical against exact attention: the shape the PyTorch peers of bench/peers train (4
 * layers, width 128, 4 heads, MLP 256, L = 2048, batch 4, dropout 0.1; {@code -p width=64 -p mlp=128 -p batch=16}
 * is the model of the ListOps runs). tokens/s = batch x length / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class TrainStepBenchmark {

    @Param({"hierarchical", "exact"})
    public String attention;

    @Param({"2048"})
    public int length;

    @Param({"4"})
    public int batch;

    /** Model width (4 heads: head width width / 4); 64 with mlp 128 is the ListOps runs' model. */
    @Param({"128"})
    public int width;

    @Param({"256"})
    public int mlp;

    private ForkJoinPool pool;
    private AttentionBackend backend;
    private TransformerClassifier model;
    private AdamW optimizer;
    private int[] tokens;
    private boolean[] valid;
    private int[] labels;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        backend = Backends.open("cpu", null);
        MultiHeadAttention.Kind kind = attention.equals("exact") ? MultiHeadAttention.Kind.EXACT
                : MultiHeadAttention.Kind.HIERARCHICAL;
        ModelConfig config = new ModelConfig(16, 10, length, width, 4, mlp, 4, 16, kind, false, true, false,
                Pooling.MEAN, 0.1f, 1);
        MatrixProducts products = MatrixProducts.create(pool);
        model = new TransformerClassifier(config, backend, products);
        model.initialise();
        optimizer = AdamW.standard(model.parameters(), 0.01f);
        SplittableRandom random = new SplittableRandom(2);
        tokens = new int[batch * length];
        valid = new boolean[batch * length];
        labels = new int[batch];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + random.nextInt(15);
            valid[i] = true;
        }
        for (int b = 0; b < batch; b++) {
            labels[b] = random.nextInt(10);
        }
        System.out.println("# " + attention + " attention on " + backend.describe() + ", products "
                + products.describe() + ", " + model.parameters().size() + " parameters");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        pool.shutdown();
    }

    @Benchmark
    public double step() {
        step++;
        model.parameters().zeroGradients();
        float[] logits = model.forward(tokens, valid, batch, length, true, step);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        double value = loss.forward(logits, labels, batch, 10, null);
        float[] dLogits = new float[batch * 10];
        loss.backward(labels, batch, 10, dLogits);
        model.backward(dLogits);
        GradientClipping.clip(model.parameters(), 1.0);
        optimizer.update(model.parameters(), 5e-4f, step);
        return value;
    }
}
