package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
import java.nio.BufferOverflowException;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/** A compiled TaskGraph for one shape that keeps its buffers on the device between calls. */
interface DevicePlan extends AutoCloseable {

    /** Device memory the plan holds. */
    long bytes();

    /** Runs every head of the problem (in chunks when it has more heads than the plan) into {@code out}. */
    void run(AttentionProblem problem, float[] out);

    @Override
    void close();

    /** With {@code -Dhattn.tornado.profile=true} every call prints TornadoVM's per-task times (JSON) to stdout. */
    String PROFILE_PROPERTY = "hattn.tornado.profile";

    /**
     * TornadoVM's buffer for the bytecode of one TaskGraph, in bytes. Its default (4096) holds about 30 tasks; a
     * hierarchical plan has 3M + 4 (M levels, about 20 at a million tokens), which takes about 120 bytes each.
     */
    String BYTECODE_PROPERTY = "tornado.tvm.maxbytecodesize";
    String BYTECODE_BYTES = "16384";

    /** The execution plan on the device with the grids, compiled ahead and warmed up once (on zero inputs). */
    static TornadoExecutionPlan compile(TaskGraph graph, TornadoDevices.Selected device, Grids grids) {
        // read once, when TornadoVM compiles its first TaskGraph in this JVM: set here, before any of ours
        if (System.getProperty(BYTECODE_PROPERTY) == null) {
            System.setProperty(BYTECODE_PROPERTY, BYTECODE_BYTES);
        }
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot());
        plan.withDevice(device.device()).withGridScheduler(grids.scheduler());
        try {
            plan.withPreCompilation();
        } catch (BufferOverflowException e) {
            throw new IllegalStateException("TaskGraph " + graph.getTaskGraphName() + " does not fit TornadoVM's "
                    + "bytecode buffer, which this JVM sized before hattn could: run with -D" + BYTECODE_PROPERTY
                    + "=" + BYTECODE_BYTES + " or more", e);
        }
        if (Boolean.getBoolean(PROFILE_PROPERTY)) {
            plan.withProfiler(ProfilerMode.CONSOLE);
        }
        plan.execute();
        return plan;
    }

    static void release(TornadoExecutionPlan plan) {
        try {
            plan.freeDeviceMemory();
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("TornadoVM could not release an execution plan: " + e.getMessage(), e);
        }
    }
}
