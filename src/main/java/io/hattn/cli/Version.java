package io.hattn.cli;

import picocli.CommandLine;

/** {@code hattn --version}: the library version and the JVM that runs it. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"hattn " + (version == null ? "development build" : version),
            "JVM: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")};
    }
}
