package io.stemedb.tools.backup;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long operation: a progress bar on a terminal, plain lines ("backup: 120000/500000
 * records (24%)") every few seconds otherwise — in logs, CI and systemd journals a bar's carriage
 * returns would be noise.
 */
public final class Progress implements AutoCloseable {
  private static final long LINE_EVERY_NANOS = 2_000_000_000L;
  private final String task;
  private final String unit;
  private final PrintStream out;
  private final ProgressBar bar;
  private long total;
  private long done;
  private long lastLine = System.nanoTime();
  private final long started = System.nanoTime();

  private Progress(String task, String unit, long total, PrintStream out, boolean terminal) {
    this.task = task;
    this.unit = unit;
    this.total = total;
    this.out = out;
    this.bar = terminal
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0)).setUnit(" " + unit, 1)
            .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out))
            .setUpdateIntervalMillis(250).build()
        : null;
  }

  /** Progress on standard error: a bar when it is a terminal. {@code total} may be 0 when unknown. */
  public static Progress start(String task, String unit, long total) {
    return new Progress(task, unit, total, System.err, System.console() != null);
  }

  public void total(long newTotal) {
    total = newTotal;
    if (bar != null) {
      bar.maxHint(newTotal);
    }
  }

  /** Now {@code n} units are done. */
  public void at(long n) {
    done = n;
    if (bar != null) {
      bar.stepTo(n);
    } else if (System.nanoTime() - lastLine > LINE_EVERY_NANOS) {
      lastLine = System.nanoTime();
      out.println(line());
    }
  }

  private String line() {
    return total > 0
        ? String.format("%s: %d/%d %s (%d%%)", task, done, total, unit, done * 100 / total)
        : String.format("%s: %d %s", task, done, unit);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    } else {
      out.println(line() + String.format(" in %.1f s", (System.nanoTime() - started) / 1e9));
    }
  }
}
