package io.stemedb.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.Stance;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.storage.LogRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/**
 * The export line format: every record comes back exactly from its line (so a restore from a backup
 * holds the same bytes, and the same Merkle leaves), and bad lines are refused naming their field.
 */
class ExportLinesTest {
  final ExportLines lines = new ExportLines(Limits.DEFAULTS);

  @Property(tries = 500)
  void everyRecordComesBackExactlyFromItsLine(@ForAll("records") StoredRecord r) {
    StoredRecord back = lines.parse(ExportLines.line(r));
    assertThat(back).isEqualTo(r);
    assertThat(LogRecord.of(back, 0).content()).isEqualTo(LogRecord.of(r, 0).content());
  }

  @Example
  void badLinesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> lines.parse("{\"type\":\"vote\",\"assertionId\":\"" + "a".repeat(64)
        + "\",\"agent\":\"x\",\"stance\":\"maybe\"}")).hasMessageContaining("endorse or dispute")
        .extracting(e -> ((ApiException) e).field()).isEqualTo("stance");
    assertThatThrownBy(() -> lines.parse("{\"type\":\"assertion\",\"id\":\"" + "0".repeat(64)
        + "\",\"subject\":\"s\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\",\"observedAt\":\"2026-01-01T00:00:00Z\"}"))
        .extracting(e -> ((ApiException) e).field()).isEqualTo("id");
    assertThatThrownBy(() -> lines.parse("{\"type\":\"agent\",\"agent\":\"a\",\"authority\":-1}"))
        .extracting(e -> ((ApiException) e).field()).isEqualTo("authority");
    assertThatThrownBy(() -> lines.parse("{\"type\":\"epoch\",\"subject\":\"s\",\"extra\":1}"))
        .extracting(e -> ((ApiException) e).field()).isEqualTo("extra");
    assertThatThrownBy(() -> lines.parse("[1]")).hasMessageContaining("one JSON object");
    assertThatThrownBy(() -> lines.parse("{\"type\":\"thing\"}")).extracting(e -> ((ApiException) e).field()).isEqualTo("type");
  }

  @Provide
  Arbitrary<StoredRecord> records() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMinLength(1).ofMaxLength(30)
        .filter(s -> s.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)));
    Arbitrary<String> agent = Arbitraries.strings().withChars("abcXYZ019._:@-").ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> id = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<Long> index = Arbitraries.longs().between(1, Long.MAX_VALUE / 2);
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.integers().map(Object::toString),
        Arbitraries.doubles().between(-1e12, 1e12).map(d -> Double.toString(d)),
        Arbitraries.of("1e21", "-0.0", "1.50", "true", "null", "[1,\"a\",{\"b\":2}]", "{\"z\":1,\"a\":[2.5e-7]}"),
        text.map(CanonicalJson::quote)).map(CanonicalJson::canonicalize);
    Arbitrary<Double> unit = Arbitraries.doubles().between(0, 1);
    Arbitrary<Long> millis = Arbitraries.longs().between(0, 253_402_300_799_999L);
    Arbitrary<StoredRecord> assertion = Combinators.combine(text, text, value, agent, unit, millis,
        text.injectNull(0.3), index).as((s, p, v, a, c, t, src, i) ->
            Assertion.claim(s, p, v, a, c, t, src).at(i, i % 5));
    Arbitrary<StoredRecord> retraction = Combinators.combine(id, agent, Arbitraries.of(true, false), index)
        .as(Retraction::new);
    Arbitrary<StoredRecord> vote = Combinators.combine(id, agent, Arbitraries.of(Stance.values()), index).as(Vote::new);
    Arbitrary<StoredRecord> setting = Combinators.combine(agent, Arbitraries.doubles().between(0, 1e6), text, index)
        .as(AgentSetting::new);
    Arbitrary<StoredRecord> epoch = Combinators.combine(Arbitraries.oneOf(text, Arbitraries.just("*")), text,
        text.injectNull(0.5), index).as(EpochOpening::new);
    return Arbitraries.oneOf(assertion, retraction, vote, setting, epoch);
  }
}
