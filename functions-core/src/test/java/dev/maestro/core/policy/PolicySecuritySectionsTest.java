package dev.maestro.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.freeze.FreezeOverrides;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code pii}, {@code freeze} and {@code rateLimit} sections of a policy document. */
class PolicySecuritySectionsTest {

  @TempDir Path dir;

  private static String with(String section, String json) {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(TenantId.of("acme")));
    doc.set(section, Json.tree(json));
    return doc.toString();
  }

  private static FieldError onlyError(String document) {
    var thrown =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            InvalidInputException.class, () -> PolicyDocument.parse(document));
    assertThat(thrown).isNotNull();
    assertThat(thrown.errors()).hasSize(1);
    return thrown.errors().get(0);
  }

  @Test
  void givenNoSecuritySections_whenParsed_thenBuiltInRedactionNoFreezeAndTheDefaultRate() {
    PolicyDocument doc =
        PolicyDocument.parse(Json.write(PolicyDocument.defaults(TenantId.of("a"))));
    TenantPolicy policy = TenantPolicy.of(doc);

    assertThat(policy.redactor().redact("mail a@b.io")).isEqualTo("mail [REDACTED:email]");
    assertThat(policy.frozen()).isFalse();
    assertThat(policy.rateLimit()).isEqualTo(PolicyDocument.RateLimit.DEFAULT);
    assertThat(Json.write(doc)).doesNotContain("\"pii\"", "\"freeze\"", "\"rateLimit\"");
  }

  @Test
  void givenAllThreeSections_whenParsedAndWritten_thenTheyRoundTrip() {
    ObjectNode doc =
        (ObjectNode)
            Json.tree(
                with(
                    "pii",
                    "{\"enabled\": true, \"patterns\": [{\"name\": \"member-id\", \"regex\": \"MBR-[0-9]{6}\"}],"
                        + " \"replacement\": \"[REDACTED:{name}]\"}"));
    doc.set(
        "freeze",
        Json.tree(
            "{\"active\": true, \"reason\": \"legal hold\", \"since\": \"2026-11-20T00:00:00Z\"}"));
    doc.set("rateLimit", Json.tree("{\"requestsPerSecond\": 2.5, \"burst\": 10}"));

    PolicyDocument parsed = PolicyDocument.parse(doc.toString());

    assertThat(PolicyDocument.parse(Json.write(parsed))).isEqualTo(parsed);
    TenantPolicy policy = TenantPolicy.of(parsed);
    assertThat(policy.redactor().redact("member MBR-000042"))
        .isEqualTo("member [REDACTED:member-id]");
    assertThat(policy.frozen()).isTrue();
    assertThat(policy.freeze().orElseThrow().since())
        .isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    assertThat(policy.rateLimit())
        .isEqualTo(new PolicyDocument.RateLimit(new BigDecimal("2.5"), 10));
  }

  @Test
  void givenABacktrackingRegex_whenParsed_thenItsPointerIsNamed() {
    FieldError error =
        onlyError(
            with(
                "pii",
                "{\"enabled\": true, \"patterns\": [{\"name\": \"ok\", \"regex\": \"X[0-9]+\"},"
                    + " {\"name\": \"bad\", \"regex\": \"(a+)+$\"}]}"));

    assertThat(error.pointer()).isEqualTo("/pii/patterns/1/regex");
    assertThat(error.detail()).contains("catastrophic backtracking");
  }

  @Test
  void givenAnInvalidRegexOrDuplicateName_whenParsed_thenEachIsNamed() {
    assertThat(
            onlyError(
                    with(
                        "pii",
                        "{\"enabled\": true, \"patterns\": [{\"name\": \"x\", \"regex\": \"(\"}]}"))
                .pointer())
        .isEqualTo("/pii/patterns/0/regex");
    assertThat(
            onlyError(
                    with(
                        "pii",
                        "{\"enabled\": true, \"patterns\": [{\"name\": \"x\", \"regex\": \"A1\"},"
                            + " {\"name\": \"x\", \"regex\": \"B2\"}]}"))
                .pointer())
        .isEqualTo("/pii/patterns/1/name");
    assertThat(
            onlyError(
                    with("pii", "{\"enabled\": true, \"replacement\": \"call +44 20 7946 0958\"}"))
                .pointer())
        .isEqualTo("/pii/replacement");
    assertThat(onlyError(with("pii", "{\"patterns\": []}")).pointer()).isEqualTo("/pii/enabled");
  }

  @Test
  void givenBadFreezeAndRateSections_whenParsed_thenEachFieldIsNamed() {
    assertThat(onlyError(with("freeze", "{\"active\": true}")).pointer())
        .isEqualTo("/freeze/reason");
    assertThat(
            onlyError(
                    with(
                        "freeze",
                        "{\"active\": true, \"reason\": \"r\", \"since\": \"yesterday\"}"))
                .pointer())
        .isEqualTo("/freeze/since");
    assertThat(onlyError(with("rateLimit", "{\"requestsPerSecond\": 0, \"burst\": 5}")).pointer())
        .isEqualTo("/rateLimit/requestsPerSecond");
    assertThat(onlyError(with("rateLimit", "{\"requestsPerSecond\": 1, \"burst\": 0}")).pointer())
        .isEqualTo("/rateLimit/burst");
    assertThat(
            onlyError(with("rateLimit", "{\"requestsPerSecond\": 1, \"burst\": 2, \"x\": 1}"))
                .pointer())
        .isEqualTo("/rateLimit/x");
  }

  @Test
  void givenAFrozenPolicy_whenTheKernelDecides_thenItStopsOnTheFreezeRule() {
    PolicyDocument doc =
        PolicyDocument.parse(with("freeze", "{\"active\": true, \"reason\": \"hold\"}"));
    TenantPolicy policy = TenantPolicy.of(doc);
    DecisionInput input =
        DecisionInput.builder(
                doc.tenant(),
                Instant.parse("2026-11-23T10:00:00Z"),
                dev.maestro.core.budget.Budget.fresh(
                    new BudgetLimits(new BigDecimal("2"), new BigDecimal("1.6"), 0)))
            .complianceFreeze(policy.frozen())
            .build();

    Decision decision = PolicyKernel.decide(input, policy);

    assertThat(decision.action()).isEqualTo(Action.STOP);
    assertThat(decision.ruleIds()).contains(Rules.GATE_COMPLIANCE_FREEZE);
  }

  @Test
  void givenAFreezeFile_whenAppliedToTheStore_thenThePolicyIsFrozenUntilTheFileSaysOtherwise()
      throws Exception {
    var documents = new InMemoryPolicyStore();
    PolicyStore policies = FreezeOverrides.fromDirectory(dir).applyTo(documents);
    TenantId acme = TenantId.of("acme");
    assertThat(policies.policyFor(acme).frozen()).isFalse();

    Files.writeString(
        dir.resolve("acme.json"), "{\"active\": true, \"reason\": \"regulator request\"}");
    assertThat(policies.policyFor(acme).freeze().orElseThrow().reason())
        .isEqualTo("regulator request");

    Files.writeString(dir.resolve("acme.json"), "{\"active\": false}");
    assertThat(policies.policyFor(acme).frozen()).isFalse();

    Files.writeString(dir.resolve("acme.json"), "not json");
    assertThat(policies.policyFor(acme).freeze().orElseThrow().reason()).contains("malformed");
    assertThatThrownBy(() -> policies.policyFor(null)).isInstanceOf(NullPointerException.class);
  }
}
