package org.exitfilter.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code exitfilter run}, started through the launcher ({@code bin/exitfilter}, so with
 * the JVM options an operator gets), on a port of 127.0.0.1, its output in its folder.
 */
final class ExitProcess implements Follower, AutoCloseable {
  private final String label;
  private final Process process;
  private final int port;

  private ExitProcess(String label, Process process, int port) {
    this.label = label;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code launcher run} in {@code dir}, with {@code config} (whose {@code listen:} it
   * prepends) as {@code dir/exitfilter.yaml}.
   */
  static ExitProcess start(String label, Path launcher, Path dir, String config)
      throws IOException {
    Files.createDirectories(dir);
    int port = freePort();
    Path file = dir.resolve("exitfilter.yaml");
    Files.writeString(file, "listen: 127.0.0.1:" + port + "\n" + config);
    Process process =
        new ProcessBuilder(launcher.toString(), "run", "--config", file.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("exitfilter.log").toFile())
            .start();
    return new ExitProcess(label, process, port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public boolean enforces(String name) {
    return status(name) == 403;
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** The status the proxy answers a GET for {@code http://NAME/}, 0 when it gives none. */
  int status(String name) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET http://" + name + "/ HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = 0;
      while (n < head.length) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) {
          return 0;
        }
        n += r;
      }
      return Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** A field of {@code /proc/PID/status} in KiB (VmRSS, VmHWM), -1 once the process is gone. */
  long statusKib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }

  /**
   * User + system CPU seconds of a process and of its children it has reaped (a {@code git
   * daemon}'s upload-packs), from {@code /proc/PID/stat}.
   */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state is f[0], utime f[11], stime f[12], cutime f[13], cstime f[14];
      // USER_HZ is 100 on Linux
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(f[i]);
      }
      return ticks / 100.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
