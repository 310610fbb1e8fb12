package io.hattn.tornado;

import io.hattn.attention.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * The TornadoVM backends and devices, numbered "B:D" (backend index : device index, as {@code tornado --devices}
 * prints them). Loaded only after {@link TornadoBackendProvider} has found the runtime.
 */
final class TornadoDevices {

    private TornadoDevices() {
    }

    /** A device picked by id, with the words that describe it. */
    record Selected(String id, TornadoDevice device, String backend, String type, String name, long memoryBytes,
                    long maxAllocationBytes) {

        String describe() {
            return "TornadoVM " + backend + " " + name + " (" + type + ", device " + id + ")";
        }

        WorkGroups workGroups() {
            String backendKey = switch (backend) {
                case "PTX" -> "ptx";
                case "SPIR-V" -> "spirv";
                case "OpenCL" -> "opencl";
                default -> backend.toLowerCase(Locale.ROOT);
            };
            return WorkGroups.forDevice(backendKey, type);
        }
    }

    /** Null when at least one device is there, else why not. */
    static String checkRuntime() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        int devices = 0;
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            devices += runtime.getBackend(b).getNumDevices();
        }
        return devices == 0 ? "TornadoVM started but lists no device (check `tornado --devices`)" : null;
    }

    static List<DeviceInfo> list() {
        List<DeviceInfo> found = new ArrayList<>();
        for (Selected selected : all()) {
            found.add(new DeviceInfo(selected.id(), selected.name() + " [" + selected.backend() + "]",
                    selected.type(), selected.memoryBytes()));
        }
        return found;
    }

    /** The device with id "B:D"; null or blank selects TornadoVM's default device. */
    static Selected select(String id) {
        List<Selected> all = all();
        if (id == null || id.isBlank()) {
            TornadoDevice defaultDevice = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
            for (Selected selected : all) {
                if (selected.device() == defaultDevice) {
                    return selected;
                }
            }
            if (all.isEmpty()) {
                throw new IllegalStateException("TornadoVM lists no device (check `tornado --devices`)");
            }
            return all.get(0);
        }
        for (Selected selected : all) {
            if (selected.id().equals(id.trim())) {
                return selected;
            }
        }
        throw new IllegalArgumentException("device for backend tornado must be one of "
                + all.stream().map(Selected::id).collect(Collectors.joining(", "))
                + " (TornadoVM backend:device, see `hattn devices`), got '" + id + "'");
    }

    private static List<Selected> all() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<Selected> found = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice device = backend.getDevice(d);
                found.add(new Selected(b + ":" + d, device, backendName(backend.getBackendType()),
                        typeName(device.getDeviceType()), device.getPhysicalDevice().getDeviceName(),
                        device.getMaxGlobalMemory(), device.getMaxAllocMemory()));
            }
        }
        return found;
    }

    /** TornadoVM's device memory pool, -Dtornado.device.memory (default 4GB): no plan may need more. */
    static long tornadoMemoryPool() {
        return WorkGroups.parseSize(System.getProperty("tornado.device.memory", "4GB"));
    }

    static String backendName(TornadoVMBackendType type) {
        return switch (type) {
            case OPENCL -> "OpenCL";
            case PTX -> "PTX";
            case SPIRV -> "SPIR-V";
            default -> type.name();
        };
    }

    static String typeName(TornadoDeviceType type) {
        return switch (type) {
            case CPU -> "CPU";
            case GPU -> "GPU";
            case ACCELERATOR -> "ACCELERATOR";
            case FPGA -> "FPGA";
            default -> type.name();
        };
    }
}
