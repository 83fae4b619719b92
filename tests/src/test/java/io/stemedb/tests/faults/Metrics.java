package io.stemedb.tests.faults;

import java.util.Optional;

/** Reads one sample from Prometheus text format. */
public final class Metrics {
  private Metrics() {}

  /** The value of the first sample named {@code name} (with or without labels). */
  public static Optional<Double> value(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        String[] parts = line.trim().split("\\s+");
        try {
          return Optional.of(Double.parseDouble(parts[parts.length - 1]));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
