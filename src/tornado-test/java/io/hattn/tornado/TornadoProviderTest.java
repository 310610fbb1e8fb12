package io.hattn.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hattn.attention.AttentionBackend;
import io.hattn.attention.AttentionBackendProvider;
import io.hattn.attention.DeviceInfo;
import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Registration, device listing and selection of the TornadoVM backend, and its behaviour without a runtime. */
class TornadoProviderTest {

    @Test
    void isRegisteredAsAService() {
        List<String> names = new ArrayList<>();
        for (AttentionBackendProvider provider : ServiceLoader.load(AttentionBackendProvider.class)) {
            names.add(provider.name());
        }
        assertTrue(names.containsAll(List.of("sequential", "cpu", "tornado")), "providers: " + names);
    }

    @Test
    void providerNamesNoTornadoType() {
        List<String> leaks = new ArrayList<>();
        Class<?> type = TornadoBackendProvider.class;
        for (Field field : type.getDeclaredFields()) {
            check(leaks, "field " + field.getName(), field.getType());
        }
        for (Method method : type.getDeclaredMethods()) {
            check(leaks, "method " + method.getName(), method.getReturnType());
            for (Class<?> parameter : method.getParameterTypes()) {
                check(leaks, "method " + method.getName(), parameter);
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            for (Class<?> parameter : constructor.getParameterTypes()) {
                check(leaks, "constructor", parameter);
            }
        }
        assertTrue(leaks.isEmpty(), "TornadoVM types in the provider's signatures: " + leaks);
    }

    /** A JVM without the TornadoVM flags loads the provider and gets the reason, not an error. */
    @Test
    void explainsAMissingRuntime() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutTornado = java.util.Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.contains("tornado-api"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-cp", withoutTornado, MissingRuntimeProbe.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("TornadoVM runtime not found: run through scripts/hattn with TORNADOVM_HOME set"),
                output);
    }

    @Test
    void listsEveryDeviceWithItsId() {
        DeviceTier.assumeRuntime();
        List<DeviceInfo> devices = DeviceTier.provider().devices();
        assertFalse(devices.isEmpty());
        for (DeviceInfo device : devices) {
            assertTrue(device.id().matches("\\d+:\\d+"), device.id());
            assertTrue(List.of("CPU", "GPU", "ACCELERATOR", "FPGA").contains(device.type())
                    || !device.type().isBlank(), device.type());
            assertTrue(device.memoryBytes() > 0, device + " memory");
            assertFalse(device.name().isBlank());
        }
        assertNull(DeviceTier.provider().unavailableReason());
    }

    @Test
    void opensADeviceByIdAndNamesIt() {
        DeviceTier.assumeRuntime();
        DeviceInfo first = DeviceTier.provider().devices().get(0);
        try (AttentionBackend backend = DeviceTier.provider().open(first.id())) {
            assertEquals("tornado", backend.name());
            String description = backend.device();
            assertTrue(description.matches(".*\\b(OpenCL|PTX|SPIR-V)\\b.*"), description);
            assertTrue(description.contains(first.id()), description);
        }
    }

    @Test
    void rejectsAnUnknownDeviceNamingTheValidIds() {
        DeviceTier.assumeRuntime();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DeviceTier.provider().open("9:9"));
        assertTrue(error.getMessage().startsWith("device for backend tornado must be one of 0:0"),
                error.getMessage());
        assertTrue(error.getMessage().contains("'9:9'"), error.getMessage());
    }

    private static void check(List<String> leaks, String where, Class<?> type) {
        if (type.getName().startsWith("uk.ac.manchester.tornado")) {
            leaks.add(where + ": " + type.getName());
        }
    }

    /** Run in a JVM without TornadoVM: prints the provider's reason. */
    static final class MissingRuntimeProbe {
        public static void main(String[] args) {
            System.out.println(new TornadoBackendProvider().unavailableReason());
        }
    }
}
