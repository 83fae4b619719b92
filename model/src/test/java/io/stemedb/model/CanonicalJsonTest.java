package io.stemedb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  @Test
  void equalValuesWrittenDifferentlyHaveOneCanonicalForm() {
    assertThat(CanonicalJson.canonicalize("{\"b\": 2, \"a\": 1}")).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(CanonicalJson.canonicalize("1.0")).isEqualTo("1");
    assertThat(CanonicalJson.canonicalize("1e2")).isEqualTo("100");
    assertThat(CanonicalJson.canonicalize("\"a\\u0041\"")).isEqualTo("\"aA\"");
    assertThat(CanonicalJson.canonicalize(" [true, null] ")).isEqualTo("[true,null]");
  }

  @Test
  void rejectsWhatIsNotExactlyOneJsonValue() {
    assertThatThrownBy(() -> CanonicalJson.canonicalize("1, 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.canonicalize("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.canonicalize("{\"a\":1,\"a\":2}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CanonicalJson.canonicalize("{")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quoteEscapesAsJcsDoes() throws Exception {
    String text = "a\"b\\c\b\f\n\r\t\u0001\u001f é ☃ \uD83D\uDE00";
    String viaLibrary = new JsonCanonicalizer("[" + CanonicalJson.quote(text) + "]").getEncodedString();
    assertThat("[" + CanonicalJson.quote(text) + "]").isEqualTo(viaLibrary);
  }

  @Test
  void theIdIsTheSha256OfTheCanonicalClaimAsTheContractDefinesIt() throws Exception {
    long at = Timestamps.parse("2026-11-01T11:00:00.123456+01:00");
    assertThat(Timestamps.format(at)).isEqualTo("2026-11-01T10:00:00.123Z");
    String doc = "{\"value\":\"a@b.com\",\"subject\":\"customer:42\",\"predicate\":\"email\","
        + "\"observedAt\":\"2026-11-01T10:00:00.123Z\",\"agent\":\"crm\"}";
    String expected = Hashing.hex(Hashing.sha256(new JsonCanonicalizer(doc).getEncodedString()));
    assertThat(AssertionId.of("customer:42", "email", "\"a@b.com\"", "crm", at)).isEqualTo(expected);
    assertThat(AssertionId.isWellFormed(expected)).isTrue();
  }
}
