package io.hattn.tornado;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionProblem;
import io.hattn.attention.AttentionSpec;
import io.hattn.attention.FiniteResult;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TornadoVM backend opened on one device. Keeps a few compiled plans, one per shape (least recently used
 * evicted, and evicted early when their device memory would not fit beside a new one); calls are serialised.
 */
final class TornadoAttentionBackend implements AttentionBackend {

    static final int MAX_PLANS = 4;

    private final TornadoDevices.Selected device;
    private final WorkGroups groups;
    private final long budgetBytes;
    private final long maxBufferBytes;
    private final Map<Object, DevicePlan> plans = new LinkedHashMap<>(8, 0.75f, true);
    private int planCounter;

    TornadoAttentionBackend(TornadoDevices.Selected device) {
        this(device, device.workGroups().memoryFraction());
    }

    /** Limits: the share of the device's memory, and never more than TornadoVM's own pool (tornado.device.memory). */
    private TornadoAttentionBackend(TornadoDevices.Selected device, double memoryFraction) {
        this(device, (long) (memoryFraction * Math.min(TornadoDevices.tornadoMemoryPool(),
                        Math.max(device.memoryBytes(), device.maxAllocationBytes()))),
                (long) (memoryFraction * Math.min(TornadoDevices.tornadoMemoryPool(),
                        device.maxAllocationBytes() > 0 ? device.maxAllocationBytes() : device.memoryBytes())));
    }

    /** With explicit limits on the device memory all plans together and one buffer may use (tests: chunking). */
    TornadoAttentionBackend(TornadoDevices.Selected device, long budgetBytes, long maxBufferBytes) {
        this.device = device;
        this.groups = device.workGroups();
        this.budgetBytes = budgetBytes;
        this.maxBufferBytes = maxBufferBytes;
    }

    @Override
    public String name() {
        return TornadoBackendProvider.NAME;
    }

    @Override
    public String device() {
        return device.describe();
    }

    @Override
    public synchronized void hierarchical(AttentionProblem problem, float[] out) {
        requireOutput(problem, out);
        AttentionSpec spec = problem.spec();
        int heads = headsPerChunk(spec.headCount(),
                HierarchicalPlan.bytesPerHead(spec.length(), spec.block(), spec.dim(), spec.valueDim()),
                HierarchicalPlan.largestBufferPerHead(spec.length(), spec.block(), spec.valueDim()), spec);
        HierarchicalPlan.Shape shape = HierarchicalPlan.Shape.of(spec, heads);
        long bytes = heads * HierarchicalPlan.bytesPerHead(spec.length(), spec.block(), spec.dim(), spec.valueDim());
        plan(shape, bytes, () -> new HierarchicalPlan(shape, device, groups, nextName("hattn"))).run(problem, out);
        FiniteResult.require(problem, out);
    }

    @Override
    public synchronized void exact(AttentionProblem problem, float[] out) {
        requireOutput(problem, out);
        if (problem.bias() != null) {
            throw new IllegalArgumentException("bias is defined for hierarchical attention only; pass null");
        }
        AttentionSpec spec = problem.spec();
        long perHead = ExactPlan.bytesPerHead(spec.length(), spec.dim(), spec.valueDim());
        int heads = headsPerChunk(spec.headCount(), perHead, perHead, spec);
        ExactPlan.Shape shape = ExactPlan.Shape.of(spec, heads);
        plan(shape, heads * perHead, () -> new ExactPlan(shape, device, groups, nextName("exact")))
                .run(problem, out);
        FiniteResult.require(problem, out);
    }

    @Override
    public synchronized void close() {
        for (DevicePlan plan : plans.values()) {
            plan.close();
        }
        plans.clear();
    }

    /** Heads per execution: all of them, or as many as fit the device memory. */
    private int headsPerChunk(int headCount, long bytesPerHead, long largestBufferPerHead, AttentionSpec spec) {
        long fit = Math.min(budgetBytes / bytesPerHead, maxBufferBytes / largestBufferPerHead);
        if (fit < 1) {
            throw new IllegalArgumentException("length " + spec.length() + " with dim " + spec.dim()
                    + " needs " + bytesPerHead + " bytes of device memory per head; " + device.describe()
                    + " allows " + Math.min(budgetBytes, maxBufferBytes) + " (see memory.fraction in"
                    + " tornado-config/workgroups.properties and -Dtornado.device.memory)");
        }
        return (int) Math.min(headCount, fit);
    }

    private DevicePlan plan(Object shape, long bytes, Supplier<DevicePlan> create) {
        DevicePlan plan = plans.get(shape);
        if (plan != null) {
            return plan;
        }
        long held = 0;
        for (DevicePlan existing : plans.values()) {
            held += existing.bytes();
        }
        Iterator<DevicePlan> oldest = plans.values().iterator();
        while (oldest.hasNext() && (plans.size() >= MAX_PLANS || held + bytes > budgetBytes)) {
            DevicePlan evicted = oldest.next();
            held -= evicted.bytes();
            evicted.close();
            oldest.remove();
        }
        plan = create.get();
        plans.put(shape, plan);
        return plan;
    }

    private String nextName(String kind) {
        return kind + (planCounter++);
    }

    private static void requireOutput(AttentionProblem problem, float[] out) {
        if (out == null || out.length != problem.outputElements()) {
            throw new IllegalArgumentException("out must have batch x heads x length x valueDim = "
                    + problem.outputElements() + " elements, got " + (out == null ? "null" : out.length));
        }
    }
}
