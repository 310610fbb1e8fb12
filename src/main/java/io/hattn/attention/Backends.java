package io.hattn.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The backends registered through ServiceLoader, and selection by name with a clear error. */
public final class Backends {

    /** The embedded default: the Vector API CPU backend. */
    public static final String DEFAULT = "cpu";

    private Backends() {
    }

    /** Every backend registered here, plus TornadoVM's as unavailable (saying why) when this build lacks it. */
    public static List<AttentionBackendProvider> providers() {
        List<AttentionBackendProvider> found = new ArrayList<>();
        for (AttentionBackendProvider provider : ServiceLoader.load(AttentionBackendProvider.class)) {
            found.add(provider);
        }
        if (found.stream().noneMatch(p -> p.name().equalsIgnoreCase(MissingTornadoProvider.NAME))) {
            found.add(new MissingTornadoProvider(System.getenv("TORNADOVM_HOME")));
        }
        return found;
    }

    public static AttentionBackendProvider provider(String name) {
        List<AttentionBackendProvider> all = providers();
        for (AttentionBackendProvider provider : all) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("backend must be one of "
                + all.stream().map(AttentionBackendProvider::name).collect(Collectors.joining(", "))
                + ", got '" + name + "'");
    }

    /** Opens a backend by name and device; throws when it is unknown or cannot run here. */
    public static AttentionBackend open(String name, String deviceId) {
        AttentionBackendProvider provider = provider(name);
        String reason = provider.unavailableReason();
        if (reason != null) {
            throw new IllegalArgumentException("backend '" + name + "' cannot run here: " + reason);
        }
        return provider.open(deviceId);
    }
}
