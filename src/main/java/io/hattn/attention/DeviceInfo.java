package io.hattn.attention;

/**
 * One device a backend can run on. {@code id} is what {@code --device} takes; {@code memoryBytes} is -1 when
 * unknown.
 */
public record DeviceInfo(String id, String name, String type, long memoryBytes) {

    public String memoryText() {
        return memoryBytes < 0 ? "unknown" : String.format("%.1f GiB", memoryBytes / (double) (1L << 30));
    }
}
