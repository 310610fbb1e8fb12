package io.hattn.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a figure was measured on, written beside every result: host, CPU, cores, memory, JDK. */
public record MachineInfo(String host, String cpu, int cores, long maxHeapBytes, String jdk) {

    public static MachineInfo current() {
        return new MachineInfo(hostName(), cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    }

    public String summary() {
        return String.format("%s, %s, %d cores, max heap %.1f GiB, JDK %s", host, cpu, cores,
                maxHeapBytes / (double) (1L << 30), jdk);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the architecture
        }
        return System.getProperty("os.arch");
    }
}
