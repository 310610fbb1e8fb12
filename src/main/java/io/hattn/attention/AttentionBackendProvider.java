package io.hattn.attention;

import java.util.List;

/**
 * A kind of backend, found with {@link java.util.ServiceLoader} (META-INF/services). A provider whose runtime is
 * missing stays listed and says why through {@link #unavailableReason()}, so nothing is skipped silently.
 */
public interface AttentionBackendProvider {

    String name();

    /** One line for {@code hattn devices}. */
    String description();

    /** Null when the backend can run here, otherwise why it cannot. */
    default String unavailableReason() {
        return null;
    }

    List<DeviceInfo> devices();

    /** Opens the backend on a device; null or blank selects the default device. */
    AttentionBackend open(String deviceId);
}
