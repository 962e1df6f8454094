package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant policy documents read from a directory when a runtime starts. */
class PolicyDirectoryTest {

  @TempDir Path dir;

  private static ObjectNode document(String tenant, String maxTier) {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(TenantId.of(tenant)));
    doc.put("revision", 7);
    ((ObjectNode) doc.get("tiers")).put("max", maxTier);
    return doc;
  }

  @Test
  void givenTwoTenantsDocuments_whenLoaded_thenEachTenantGetsItsOwnAndOthersTheDefault()
      throws Exception {
    Files.writeString(dir.resolve("acme.json"), Json.write(document("acme", "sonnet")));
    Files.writeString(dir.resolve("globex.json"), Json.write(document("globex", "opus")));
    Files.writeString(dir.resolve("README.md"), "not a policy");

    InMemoryPolicyStore store = InMemoryPolicyStore.fromDirectory(dir);

    assertThat(store.policyFor(TenantId.of("acme")).maxTier()).isEqualTo(Tier.SONNET);
    assertThat(store.policyFor(TenantId.of("acme")).document().revision()).isEqualTo(7);
    assertThat(store.policyFor(TenantId.of("globex")).maxTier()).isEqualTo(Tier.OPUS);
    assertThat(store.policyFor(TenantId.of("initech")).document())
        .isEqualTo(PolicyDocument.defaults(TenantId.of("initech")));
  }

  @Test
  void givenOneBrokenDocument_whenLoaded_thenEveryProblemIsNamedByFileAndPointer()
      throws Exception {
    ObjectNode bad = document("acme", "gigantic");
    bad.put("maxForks", -1);
    Files.writeString(dir.resolve("acme.json"), Json.write(bad));
    Files.writeString(dir.resolve("broken.json"), "{ not json");

    assertThatThrownBy(() -> InMemoryPolicyStore.fromDirectory(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme.json: /tiers/max")
        .hasMessageContaining("acme.json: /maxForks")
        .hasMessageContaining("broken.json is not valid JSON");
  }

  @Test
  void givenTwoDocumentsForOneTenant_whenLoaded_thenBothFilesAreNamed() throws Exception {
    Files.writeString(dir.resolve("a.json"), Json.write(document("acme", "sonnet")));
    Files.writeString(dir.resolve("b.json"), Json.write(document("acme", "opus")));

    assertThatThrownBy(() -> InMemoryPolicyStore.fromDirectory(dir))
        .hasMessageContaining("b.json: a second document for tenant acme (the first is a.json)");
  }

  @Test
  void givenNoSetting_whenAFunctionStarts_thenEveryTenantIsOnTheDefault() {
    InMemoryPolicyStore store = InMemoryPolicyStore.fromEnvironment(Map.of());

    assertThat(store.policyFor(TenantId.of("acme")).document())
        .isEqualTo(PolicyDocument.defaults(TenantId.of("acme")));
    assertThatThrownBy(
            () ->
                InMemoryPolicyStore.fromEnvironment(
                    Map.of(InMemoryPolicyStore.DIRECTORY_SETTING, dir.resolve("nope").toString())))
        .hasMessageContaining("is not a directory of tenant policy documents");
  }
}
