package io.hattn.cli;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.Backends;
import picocli.CommandLine.Option;

/** {@code --backend NAME --device ID}, shared by every command that runs attention. */
final class BackendOptions {

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = Backends.DEFAULT,
            description = "Backend: cpu (default), sequential (the oracle), tornado (when TornadoVM is present). "
                    + "See 'hattn devices'.")
    String backend;

    @Option(names = "--device", paramLabel = "ID",
            description = "Device of the backend, as listed by 'hattn devices' (e.g. 0:0 for TornadoVM).")
    String device;

    AttentionBackend open() {
        return open(backend, device);
    }

    static AttentionBackend open(String name, String deviceId) {
        try {
            return Backends.open(name, deviceId);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--backend/--device: " + e.getMessage(), e);
        }
    }
}
