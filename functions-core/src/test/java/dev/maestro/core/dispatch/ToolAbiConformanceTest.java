package dev.maestro.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The tool ABI conformance kit: the same tool specs, calls and results round-trip through every
 * provider adapter unchanged, and the adapters agree with each other (Anthropic to Bedrock to
 * OpenAI and back gives the original).
 */
class ToolAbiConformanceTest {

  private static final List<ToolAdapter> ADAPTERS =
      List.of(new AnthropicTools(), new OpenAiTools(), new BedrockTools());

  @Property(tries = 200)
  void givenAnyToolSpec_whenEncodedAndDecodedByEveryAdapter_thenItIsUnchanged(
      @ForAll("specs") ToolSpec spec) {
    for (ToolAdapter adapter : ADAPTERS) {
      assertThat(adapter.decodeSpec(viaText(adapter.encodeSpec(spec))))
          .as(adapter.getClass().getSimpleName())
          .isEqualTo(spec);
    }
  }

  @Property(tries = 200)
  void givenAnyToolCall_whenEncodedAndDecodedByEveryAdapter_thenItIsUnchanged(
      @ForAll("calls") ToolCall call) {
    for (ToolAdapter adapter : ADAPTERS) {
      assertThat(adapter.decodeCall(viaText(adapter.encodeCall(call))))
          .as(adapter.getClass().getSimpleName())
          .isEqualTo(call);
    }
  }

  @Property(tries = 200)
  void givenAnyToolResult_whenEncodedAndDecodedByEveryAdapter_thenItIsUnchanged(
      @ForAll("results") ToolResult result) {
    for (ToolAdapter adapter : ADAPTERS) {
      assertThat(adapter.decodeResult(viaText(adapter.encodeResult(result))))
          .as(adapter.getClass().getSimpleName())
          .isEqualTo(result);
    }
  }

  @Property(tries = 100)
  void givenTheSameToolsAndCall_whenPassedAcrossAdapters_thenTheChainEndsWhereItStarted(
      @ForAll("specs") ToolSpec spec, @ForAll("calls") ToolCall call) {
    var anthropic = new AnthropicTools();
    var bedrock = new BedrockTools();
    var openAi = new OpenAiTools();

    ToolSpec specAround =
        anthropic.decodeSpec(
            anthropic.encodeSpec(
                openAi.decodeSpec(
                    openAi.encodeSpec(bedrock.decodeSpec(bedrock.encodeSpec(spec))))));
    ToolCall callAround =
        anthropic.decodeCall(
            anthropic.encodeCall(
                openAi.decodeCall(
                    openAi.encodeCall(bedrock.decodeCall(bedrock.encodeCall(call))))));

    assertThat(specAround).isEqualTo(spec);
    assertThat(callAround).isEqualTo(call);
  }

  @Example
  void givenATool_whenEncodedForBedrock_thenItHasTheConverseToolSpecShape() {
    var spec = new ToolSpec("top_song", "Most played song.", Json.tree("{\"type\":\"object\"}"));
    var bedrock = new BedrockTools();

    assertThat(bedrock.toolConfig(List.of(spec)))
        .isEqualTo(
            Json.tree(
                """
                {"tools":[{"toolSpec":{"name":"top_song","description":"Most played song.",
                  "inputSchema":{"json":{"type":"object"}}}}]}
                """));
    assertThat(bedrock.encodeResult(new ToolResult("t1", Json.tree("{\"song\":\"X\"}"), true)))
        .isEqualTo(
            Json.tree(
                """
                {"toolResult":{"toolUseId":"t1","content":[{"json":{"song":"X"}}],
                  "status":"error"}}
                """));
  }

  @Example
  void givenACall_whenEncodedForOpenAi_thenTheArgumentsAreAJsonString() {
    JsonNode wire =
        new OpenAiTools().encodeCall(new ToolCall("call_1", "f", Json.tree("{\"a\":[1,2]}")));

    assertThat(wire.at("/function/arguments").isTextual()).isTrue();
    assertThat(wire.at("/function/arguments").asText()).isEqualTo("{\"a\":[1,2]}");
  }

  private static JsonNode viaText(JsonNode wire) {
    return Json.tree(Json.write(wire));
  }

  @Provide
  Arbitrary<ToolSpec> specs() {
    return Combinators.combine(names(), descriptions(), objects(2)).as(ToolSpec::new);
  }

  @Provide
  Arbitrary<ToolCall> calls() {
    return Combinators.combine(ids(), names(), objects(3)).as(ToolCall::new);
  }

  @Provide
  Arbitrary<ToolResult> results() {
    return Combinators.combine(ids(), values(3), Arbitraries.of(true, false)).as(ToolResult::new);
  }

  private static Arbitrary<String> names() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz_-0123456789")
        .ofMinLength(1)
        .ofMaxLength(64);
  }

  private static Arbitrary<String> ids() {
    return Arbitraries.strings().alpha().numeric().withChars('_').ofMinLength(1).ofMaxLength(40);
  }

  private static Arbitrary<String> descriptions() {
    return Arbitraries.strings().ofMaxLength(80).injectNull(0.2);
  }

  private static Arbitrary<String> texts() {
    return Arbitraries.strings().ofMaxLength(30);
  }

  private static Arbitrary<JsonNode> scalars() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return Arbitraries.oneOf(
        texts().map(f::textNode),
        Arbitraries.integers().map(f::numberNode),
        Arbitraries.bigDecimals()
            .between(new BigDecimal("-1000000"), new BigDecimal("1000000"))
            .ofScale(3)
            .map(d -> (JsonNode) DecimalNode.valueOf(d)),
        Arbitraries.of(true, false).map(f::booleanNode),
        Arbitraries.just(f.nullNode()));
  }

  private static Arbitrary<JsonNode> values(int depth) {
    if (depth == 0) {
      return scalars();
    }
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, scalars()),
        net.jqwik.api.Tuple.of(1, objects(depth - 1).map(o -> (JsonNode) o)),
        net.jqwik.api.Tuple.of(
            1,
            values(depth - 1)
                .list()
                .ofMaxSize(4)
                .map(
                    items -> {
                      var array = JsonNodeFactory.instance.arrayNode();
                      items.forEach(array::add);
                      return (JsonNode) array;
                    })));
  }

  private static Arbitrary<JsonNode> objects(int depth) {
    return Arbitraries.maps(texts(), depth == 0 ? scalars() : values(depth - 1))
        .ofMaxSize(4)
        .map(
            fields -> {
              ObjectNode object = JsonNodeFactory.instance.objectNode();
              fields.forEach(object::set);
              return object;
            });
  }
}
