package io.stemedb.tools.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  static LevelResult result(double throughput, double p50, double p99, Map<String, Long> errors) {
    return new LevelResult("single", "16 connections", 100, 100, errors, 1.0, throughput, "req/s", p50, p50 * 2, p99, p99, 0.1);
  }

  @Test
  void mediansAcrossRunsAndTheMarkdownTable() {
    StringWriter text = new StringWriter();
    Report report = new Report(new PrintWriter(text, true));
    report.add(1, result(300, 40, 90, Map.of()));
    report.add(2, result(100, 60, 70, Map.of("503", 2L)));
    report.add(3, result(200, 50, 80, Map.of("503", 1L, "429", 4L)));

    assertThat(Report.median(report.results(), LevelResult::throughput)).isEqualTo(200);
    assertThat(Report.median(List.of(result(1, 1, 1, Map.of()), result(4, 1, 1, Map.of())), LevelResult::throughput))
        .isEqualTo(2.5);
    assertThat(report.markdown()).contains("| single | 16 connections | 300; 100; 200 | **200 req/s** | 50.0 ms | 80.0 ms | 429×4 503×3 |");
    assertThat(text.toString()).contains("run 2  single   16 connections", "errors 503×2");
  }

  @Test
  void millisecondsKeepAboutThreeDigits() {
    assertThat(Report.ms(0.4123)).isEqualTo("0.412");
    assertThat(Report.ms(4.123)).isEqualTo("4.12");
    assertThat(Report.ms(41.23)).isEqualTo("41.2");
    assertThat(Report.ms(4123)).isEqualTo("4,123");
  }
}
