package org.exitfilter.cli;

import picocli.CommandLine.IVersionProvider;

/** The version every command's {@code --version} prints: the jar's, or "dev" from classes. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"exitfilter " + (version == null ? "dev" : version)};
  }
}
