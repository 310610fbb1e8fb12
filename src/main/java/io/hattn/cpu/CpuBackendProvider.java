package io.hattn.cpu;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionBackendProvider;
import io.hattn.attention.DeviceInfo;
import java.util.List;

/** Registers the CPU backend as "cpu"; its one device is this JVM's processors. */
public final class CpuBackendProvider implements AttentionBackendProvider {

    private static final String DEVICE_ID = "0";

    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public String description() {
        return "Vector API CPU backend (embedded default): blocked per level, parallel over blocks";
    }

    @Override
    public List<DeviceInfo> devices() {
        int threads = Runtime.getRuntime().availableProcessors();
        return List.of(new DeviceInfo(DEVICE_ID, CpuBackend.describeDevice(threads), "CPU",
                Runtime.getRuntime().maxMemory()));
    }

    @Override
    public AttentionBackend open(String deviceId) {
        if (deviceId != null && !deviceId.isBlank() && !deviceId.equals(DEVICE_ID)) {
            throw new IllegalArgumentException("device for backend cpu must be " + DEVICE_ID + ", got '"
                    + deviceId + "'");
        }
        return new CpuBackend();
    }
}
