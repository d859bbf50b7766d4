package io.swarmnet.node.command;

import picocli.CommandLine.IVersionProvider;

/** Reports the build's version and the JVM it runs on, for {@code --version}. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {
            "swarmnet " + (v == null ? "dev" : v),
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
