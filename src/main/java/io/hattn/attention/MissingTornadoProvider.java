package io.hattn.attention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stands in for the TornadoVM backend when this build does not contain it (the default build, without
 * TORNADOVM_HOME), so that {@code hattn devices} and {@code --backend tornado} say that it is not available, why,
 * and how to enable it, instead of not knowing the name.
 */
final class MissingTornadoProvider implements AttentionBackendProvider {

    static final String NAME = "tornado";

    private static final String HOW_TO_ENABLE = "to enable it, build TornadoVM 5.2.0-jdk25 with the backend of your "
            + "device (OpenCL, PTX or SPIR-V; see the README, section TornadoVM), export TORNADOVM_HOME=<its SDK "
            + "folder> and run scripts/hattn again: it rebuilds the jar with the TornadoVM tier and adds "
            + "TornadoVM's JVM flags";

    private final String tornadoHome;

    MissingTornadoProvider(String tornadoHome) {
        this.tornadoHome = tornadoHome;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "TornadoVM TaskGraphs on GPUs, CPUs and FPGAs (OpenCL, PTX, SPIR-V)";
    }

    @Override
    public String unavailableReason() {
        if (tornadoHome == null || tornadoHome.isBlank()) {
            return "this build has no TornadoVM tier because TORNADOVM_HOME is not set; " + HOW_TO_ENABLE;
        }
        if (!Files.isDirectory(Path.of(tornadoHome))) {
            return "TORNADOVM_HOME=" + tornadoHome + " is not a folder, so the TornadoVM runtime is missing; "
                    + HOW_TO_ENABLE;
        }
        return "TORNADOVM_HOME=" + tornadoHome + " is set, but this jar was built without the TornadoVM tier; run "
                + "through scripts/hattn, which rebuilds it with the Maven profile tornado";
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of();
    }

    @Override
    public AttentionBackend open(String deviceId) {
        throw new IllegalArgumentException("backend 'tornado' cannot run here: " + unavailableReason());
    }
}
