package io.hattn.cli;

import io.hattn.attention.AttentionBackendProvider;
import io.hattn.attention.Backends;
import io.hattn.attention.DeviceInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hattn devices}: every backend found through ServiceLoader and its devices, or why it cannot run. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the backends and devices available here (use with --backend NAME --device ID).")
final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (AttentionBackendProvider provider : Backends.providers()) {
            out.printf("backend %s: %s%n", provider.name(), provider.description());
            String reason = provider.unavailableReason();
            if (reason != null) {
                out.printf("  not available: %s%n", reason);
                continue;
            }
            for (DeviceInfo device : provider.devices()) {
                out.printf("  device %-5s %-10s memory %-10s %s%n", device.id(), device.type(), device.memoryText(),
                        device.name());
            }
        }
        out.flush();
        return 0;
    }
}
