package io.hattn.tornado;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionBackendProvider;
import io.hattn.attention.DeviceInfo;
import java.util.List;

/**
 * The TornadoVM backend, "tornado": hierarchical and exact attention as TaskGraphs on any device TornadoVM lists
 * (OpenCL, PTX, SPIR-V). Loadable without the TornadoVM runtime: this class names no TornadoVM type, finds the
 * runtime lazily, and says why it cannot run through {@link #unavailableReason()}.
 */
public final class TornadoBackendProvider implements AttentionBackendProvider {

    public static final String NAME = "tornado";

    static final String MISSING = "TornadoVM runtime not found: run through scripts/hattn with TORNADOVM_HOME set"
            + " (it adds the JVM flags of tornado-config/java-flags)";

    private static final String RUNTIME_PROPERTY = "tornado.load.runtime.implementation";
    private static final String API_CLASS = "uk.ac.manchester.tornado.api.TaskGraph";

    private volatile String reason;
    private volatile boolean probed;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TornadoVM TaskGraphs on GPUs, CPUs and FPGAs (OpenCL, PTX, SPIR-V); needs TORNADOVM_HOME";
    }

    @Override
    public String unavailableReason() {
        if (!probed) {
            synchronized (this) {
                if (!probed) {
                    reason = probe();
                    probed = true;
                }
            }
        }
        return reason;
    }

    @Override
    public List<DeviceInfo> devices() {
        return unavailableReason() != null ? List.of() : TornadoDevices.list();
    }

    @Override
    public AttentionBackend open(String deviceId) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalArgumentException("backend tornado cannot run here: " + why);
        }
        return new TornadoAttentionBackend(TornadoDevices.select(deviceId));
    }

    private static String probe() {
        try {
            Class.forName(API_CLASS, false, TornadoBackendProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return MISSING;
        }
        if (System.getProperty(RUNTIME_PROPERTY) == null) {
            return MISSING + "; tornado-api is present but the TornadoVM flags (-D" + RUNTIME_PROPERTY
                    + " and the module path of tornado-argfile) are not";
        }
        try {
            return TornadoDevices.checkRuntime();
        } catch (RuntimeException | LinkageError e) {
            return "TornadoVM runtime failed to start: " + e;
        }
    }
}
