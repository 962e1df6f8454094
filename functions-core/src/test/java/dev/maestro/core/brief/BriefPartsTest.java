package dev.maestro.core.brief;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.Schemas;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class BriefPartsTest {

  private static final List<String> IDS = List.of("doc-a", "doc-b", "doc-c");

  @Test
  void citationsMapNumbersToItemIdsAndDropUncitedSentences() {
    Citations.Parsed parsed =
        Citations.parse(
            "The licence requires notices. [1] Source must be offered [2, 3]. This is uncited."
                + " Out of range [7]. Both at once [1][3].",
            IDS);

    assertThat(parsed.claims())
        .containsExactly(
            new Claim("The licence requires notices.", List.of("doc-a")),
            new Claim("Source must be offered.", List.of("doc-b", "doc-c")),
            new Claim("Both at once.", List.of("doc-a", "doc-c")));
    assertThat(parsed.dropped()).isEqualTo(2);
  }

  @Test
  void theLocalProvidersExtractiveAnswerParsesIntoCitedClaims() {
    List<Source> sources =
        List.of(
            new Source(
                "x",
                "Modified versions must carry notices. They must be licensed alike.",
                List.of()),
            new Source("y", "Object code needs its source code offered.", List.of()));
    var request =
        new ModelDispatch.Request(
            "c1",
            "local",
            List.of(
                new ModelDispatch.Message(
                    "user",
                    "Question: what must modified versions carry?\n\nSources:\n"
                        + Citations.numbered(sources))),
            200);
    String answer = new LocalProvider().complete(LocalProvider.MODEL_ID, request).text();

    Citations.Parsed parsed = Citations.parse(answer, List.of("x", "y"));

    assertThat(parsed.claims()).isNotEmpty();
    assertThat(parsed.claims()).allSatisfy(c -> assertThat(c.citations()).containsAnyOf("x", "y"));
    assertThat(parsed.dropped()).isZero();
  }

  @Property(tries = 300)
  void everyParsedClaimCitesOnlyGivenIds(@ForAll @StringLength(max = 300) String answer) {
    Citations.Parsed parsed = Citations.parse(answer, IDS);
    assertThat(parsed.claims())
        .allSatisfy(
            c -> {
              assertThat(c.citations()).isNotEmpty();
              assertThat(IDS).containsAll(c.citations());
              assertThat(c.text()).isNotBlank().doesNotContain("[1]", "[2]", "[3]");
            });
  }

  @Test
  void aClaimNeedsTextAndACitation() {
    assertThatThrownBy(() -> new Claim(" ", List.of("a")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Claim("text", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNumberedPlanIsTakenAndAnEchoFallsBackToTheTemplate() {
    SubQuestions.Plan model =
        SubQuestions.parse(
            "Does X hold?",
            "1. Which studies test X directly?\n2) What do critics of X say?\n- Is X replicated?",
            2);
    assertThat(model.origin()).isEqualTo("model");
    assertThat(model.questions())
        .containsExactly("Which studies test X directly?", "What do critics of X say?");

    SubQuestions.Plan echo = SubQuestions.parse("Does X hold?", "Does X hold?", 3);
    assertThat(echo.origin()).isEqualTo("template");
    assertThat(echo.questions()).hasSize(3).allSatisfy(q -> assertThat(q).contains("Does X hold"));
  }

  @Property(tries = 200)
  void aPlanNeverExceedsItsLimit(
      @ForAll @StringLength(max = 400) String answer, @ForAll @IntRange(min = 1, max = 9) int max) {
    SubQuestions.Plan plan = SubQuestions.parse("What is known about Y?", answer, max);
    assertThat(plan.questions())
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(Math.min(max, SubQuestions.MAX));
  }

  @Test
  void theMarkdownNumbersSourcesAndTheJsonMatchesTheSchema() {
    var brief =
        new EvidenceBrief(
            "Does the GPL require source?",
            "template",
            List.of(new Claim("Yes, with object code.", List.of("b"))),
            List.of(
                new EvidenceBrief.Section(
                    "What supports it?",
                    List.of(new Claim("Source must be offered.", List.of("b", "a"))),
                    "haiku"),
                new EvidenceBrief.Section("What is open?", List.of(), null)),
            List.of(
                new Source("b", "Object code needs source.", List.of("licences:GPL-3")),
                new Source("a", "Notices are required.", List.of())),
            1,
            new EvidenceBrief.Cost(
                new BigDecimal("0.000000"),
                new BigDecimal("0.012300"),
                new BigDecimal("0.090000"),
                5,
                1200,
                300),
            null,
            List.of());

    String md = BriefMarkdown.render(brief);
    assertThat(md)
        .startsWith("# Does the GPL require source?\n")
        .contains("- Yes, with object code. [1]")
        .contains("- Source must be offered. [1] [2]")
        .contains("_The field held no evidence for this._")
        .contains("1. licences:GPL-3 — Object code needs source.")
        .contains("2. a — Notices are required.")
        .contains("at list prices: $0.012300; at most $0.090000")
        .contains("1 uncited sentence(s) left out");

    ObjectNode json = (ObjectNode) Json.toTree(brief);
    json.put("markdown", md);
    assertThat(schema().validate(json)).isEmpty();
    assertThat(Schemas.metaSchema().validate(Json.tree(resource()))).isEmpty();

    ObjectNode uncited = json.deepCopy();
    ((ObjectNode) uncited.withArray("summary").get(0)).putArray("citations");
    assertThat(schema().validate(uncited)).isNotEmpty();
    assertThat(Json.convert(json, EvidenceBrief.class)).isEqualTo(brief);
  }

  @Test
  void aLastResortRouteEndsEveryTiersList() {
    var local = new TierRouting.Route(LocalProvider.NAME, LocalProvider.MODEL_ID);
    TenantId acme = TenantId.of("acme");
    TierRouting routing =
        TierRouting.standard()
            .withTenantRoutes(acme, "sonnet", List.of(new TierRouting.Route("openai", "gpt-x")))
            .withLastResort(local);

    assertThat(routing.routes(acme, "sonnet")).last().isEqualTo(local);
    assertThat(routing.routes(acme, "sonnet")).hasSize(2);
    assertThat(routing.routes(TenantId.of("other"), "opus")).hasSize(4).last().isEqualTo(local);
    assertThat(routing.routes(acme, "local")).containsExactly(local);
    assertThat(routing.withLastResort(local)).isEqualTo(routing);
  }

  private static JsonSchema schema() {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(SchemaLocation.of("classpath:brief/evidence-brief.schema.json"));
  }

  private static String resource() {
    try (var in = BriefPartsTest.class.getResourceAsStream("/brief/evidence-brief.schema.json")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
