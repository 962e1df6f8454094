package dev.maestro.local.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learned policy's kill switch on the embedded runtime: a file every process reads. */
class ShadowSwitchFileTest {

  @TempDir Path dir;

  @Test
  void givenNoFile_whenRead_thenV1IsOn() {
    ShadowSwitchFile sw = ShadowSwitchFile.in(dir);

    assertThat(sw.enabled()).isTrue();
    assertThat(sw.read().by()).isNull();
  }

  @Test
  void givenOneProcessTurnsItOff_whenAnotherDecides_thenItSeesOffOnItsNextCheck() {
    ShadowSwitchFile serving = ShadowSwitchFile.in(dir);
    ShadowSwitchFile operator = ShadowSwitchFile.in(dir);
    assertThat(serving.enabled()).isTrue();

    operator.set(false, "ops@acme", Instant.parse("2026-11-23T10:00:00Z"));

    assertThat(serving.reload()).isFalse();
    assertThat(serving.enabled()).isFalse();
    ShadowSwitchFile.State s = serving.read();
    assertThat(s.by()).isEqualTo("ops@acme");
    assertThat(s.at()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
  }

  @Test
  void givenItWasOff_whenTurnedOnAgain_thenTheSameInstanceSeesOnWithoutWaiting() {
    ShadowSwitchFile sw = ShadowSwitchFile.in(dir);
    sw.set(false, "ops", Instant.EPOCH);
    assertThat(sw.enabled()).isFalse();

    sw.set(true, "ops", Instant.EPOCH.plusSeconds(1));

    assertThat(sw.enabled()).isTrue();
    assertThat(Files.exists(dir.resolve(ShadowSwitchFile.FILE))).isTrue();
  }

  @Test
  void givenAFileThatIsNotASwitch_whenRead_thenTheErrorNamesTheFileAndTheShape() throws Exception {
    Path file = dir.resolve(ShadowSwitchFile.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"enabled\":\"maybe\"}");

    assertThatThrownBy(() -> ShadowSwitchFile.in(dir).read())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("\"enabled\": true|false");
  }
}
