package io.hattn.tornado;

import io.hattn.attention.AttentionProblem;
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

    /** The execution plan on the device with the grids, compiled ahead and warmed up once (on zero inputs). */
    static TornadoExecutionPlan compile(TaskGraph graph, TornadoDevices.Selected device, Grids grids) {
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot());
        plan.withDevice(device.device()).withGridScheduler(grids.scheduler()).withPreCompilation();
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
