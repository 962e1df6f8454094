package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.local.server.ApiHarness.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile bodies against the two write endpoints: random JSON with known and unknown keys, wrong
 * types, valid frames with one field replaced, truncated JSON, random bytes and known-nasty
 * literals. Whatever arrives, the answer is never a 5xx, every 4xx is problem+json, and a rejected
 * request leaves the store exactly as it was.
 */
class ApiFuzzPropertiesTest {

  private static final String TENANT = "fuzz";
  private static final List<String> KNOWN_KEYS =
      List.of(
          "objective",
          "audience",
          "deliverableSchema",
          "constraints",
          "channels",
          "budget",
          "deadline",
          "successCriteria",
          "policyClass",
          "region",
          "recipe",
          "parameters",
          "maxUsd",
          "softUsd",
          "maxTokens",
          "sleep",
          "stepDelay",
          "kind",
          "body",
          "reason",
          "tenant");
  private static final List<String> INTERESTING_TEXT =
      List.of(
          "",
          " ",
          "noop",
          "approve",
          "redirect",
          "kill",
          "semantic",
          "PT1S",
          "-PT1S",
          "P400D",
          "2030-01-01T00:00:00Z",
          "standard",
          "eu-west-1",
          "x".repeat(5000),
          "\u0000",
          "😀",
          "\u202e");

  /** Raw JSON texts that a generator building trees cannot produce. */
  private static final List<String> NASTY_LITERALS =
      List.of(
          "{\"objective\":\"\\ud800\",\"budget\":{\"maxUsd\":1}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1},\"parameters\":{\"\\udc00\":1}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1e-999999999}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1e999999999999}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1},\"parameters\":{\"n\":1E+999999999}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1},\"parameters\":{\"n\":"
              + "9".repeat(300)
              + "}}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1},\"deadline\":\"+1000000000-01-01T00:00:00Z\"}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1},\"parameters\":{\"sleep\":\"PT9999999999999999999H\"}}",
          "{\"kind\":\"kill\",\"body\":{\"reason\":\"\\ud800\"}}",
          "{\"kind\":\"approve\",\"body\":{\"x\":1e-999999999}}",
          "{\"kind\":\"approve\",\"body\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
          "{\"objective\":\"x\",\"budget\":{\"maxUsd\":1}} trailing",
          "\uFEFF{\"objective\":\"x\",\"budget\":{\"maxUsd\":1}}",
          "{\"objective\":\"x\",\"objective\":\"y\",\"budget\":{\"maxUsd\":1}}",
          "null",
          "true",
          "[]",
          "0",
          "\"\"",
          "{",
          "}",
          "{\"kind\":}");

  private static Path dir;
  private static ApiHarness api;
  private static String token;
  private static String target;
  private static final AtomicLong KEYS = new AtomicLong();

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("maestro-api-fuzz");
    api = ApiHarness.start(dir);
    token = api.token(TENANT);
    target = api.create(TENANT, "{\"objective\":\"fuzz target\",\"budget\":{\"maxUsd\":1}}");
  }

  @AfterContainer
  static void stop() throws IOException {
    api.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void createNeverFailsServerSideAndRejectionsChangeNothing(
      @ForAll("createBodies") byte[] body, @ForAll("contentTypes") String contentType) {
    String key = "fuzz-" + KEYS.incrementAndGet();
    int continuationsBefore = api.unfinished().size();

    Response r =
        api.send("POST", "/continuations", token, contentType, body, "Idempotency-Key", key);

    Statistics.label("create status").collect(r.status());
    assertWellFormed(r);
    if (r.status() >= 400) {
      assertThat(api.unfinished()).as("no continuation created").hasSize(continuationsBefore);
      assertThat(keyWasUnclaimed(key)).as("the idempotency key was not claimed").isTrue();
    } else {
      assertThat(r.status()).isIn(200, 201);
    }
  }

  @Property(tries = 250, shrinking = ShrinkingMode.BOUNDED)
  void signalNeverFailsServerSideAndRejectionsChangeNothing(
      @ForAll("signalBodies") byte[] body,
      @ForAll("contentTypes") String contentType,
      @ForAll("idempotencyKeys") String key) {
    int eventsBefore = api.events(TENANT, target).size();
    Map<String, Instant> pendingBefore = api.pendingWakes(TENANT, target);

    Response r =
        key == null
            ? api.send("POST", "/continuations/" + target + "/signals", token, contentType, body)
            : api.send(
                "POST",
                "/continuations/" + target + "/signals",
                token,
                contentType,
                body,
                "Idempotency-Key",
                key);

    Statistics.label("signal status").collect(r.status());
    assertWellFormed(r);
    assertThat(api.events(TENANT, target))
        .as("no event is appended by the API")
        .hasSize(eventsBefore);
    if (r.status() >= 400) {
      assertThat(api.pendingWakes(TENANT, target)).as("nothing scheduled").isEqualTo(pendingBefore);
    } else {
      assertThat(r.status()).isEqualTo(202);
    }
  }

  private static void assertWellFormed(Response r) {
    assertThat(r.status()).as(r.toString()).isBetween(200, 499);
    if (r.status() >= 400) {
      assertThat(r.contentType()).isEqualTo("application/problem+json");
      JsonNode problem = r.json();
      assertThat(problem.path("status").asInt()).isEqualTo(r.status());
      assertThat(problem.path("type").asText()).startsWith("urn:maestro:problem:");
    }
  }

  /** Claims {@code key} with a probe; it was unclaimed before iff the probe won. */
  private static boolean keyWasUnclaimed(String key) {
    var probe = new IdempotencyStore.Claim(key, "probe", "probe", Instant.now());
    return api.store
        .substrate()
        .idempotency()
        .claim(TenantId.of(TENANT), probe)
        .requestFingerprint()
        .equals("probe");
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, Arbitraries.just("application/json")),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.of(
                "text/plain",
                "application/json; charset=utf-16",
                "application/xml",
                "application/json;charset=UTF-8",
                "APPLICATION/JSON",
                ";",
                "")));
  }

  @Provide
  Arbitrary<String> idempotencyKeys() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just((String) null)),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40)),
        net.jqwik.api.Tuple.of(
            1,
            Arbitraries.strings()
                .ascii()
                .ofMaxLength(300)
                .filter(s -> s.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f)))));
  }

  @Provide
  Arbitrary<byte[]> createBodies() {
    return bodies(validGoal());
  }

  @Provide
  Arbitrary<byte[]> signalBodies() {
    ObjectNode valid = JsonNodeFactory.instance.objectNode().put("kind", "approve");
    valid.putObject("body").put("note", "ok");
    return bodies(valid);
  }

  private static ObjectNode validGoal() {
    ObjectNode goal = JsonNodeFactory.instance.objectNode().put("objective", "fuzz");
    goal.putObject("budget").put("maxUsd", new BigDecimal("1.5"));
    goal.putObject("parameters").put("sleep", "PT1H");
    return goal;
  }

  private static Arbitrary<byte[]> bodies(ObjectNode valid) {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, jsonValue(3).map(ApiFuzzPropertiesTest::bytes)),
        net.jqwik.api.Tuple.of(5, mutated(valid).map(ApiFuzzPropertiesTest::bytes)),
        net.jqwik.api.Tuple.of(2, truncated(Json.write(valid))),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.of(NASTY_LITERALS).map(s -> s.getBytes(StandardCharsets.UTF_8))));
  }

  /** The valid body with one field replaced by a random value, removed, or a random field added. */
  private static Arbitrary<JsonNode> mutated(ObjectNode valid) {
    Arbitrary<String> paths =
        Arbitraries.of(
            "objective",
            "budget",
            "budget/maxUsd",
            "budget/softUsd",
            "budget/maxTokens",
            "parameters",
            "parameters/sleep",
            "deadline",
            "channels",
            "recipe",
            "kind",
            "body",
            "body/reason",
            "constraints",
            "audience",
            "tenant",
            "zzz");
    return Combinators.combine(paths, jsonValue(2), Arbitraries.integers().between(0, 3))
        .as(
            (path, value, op) -> {
              ObjectNode copy = valid.deepCopy();
              String[] parts = path.split("/");
              ObjectNode parent = copy;
              for (int i = 0; i < parts.length - 1; i++) {
                parent =
                    parent.get(parts[i]) instanceof ObjectNode object
                        ? object
                        : parent.putObject(parts[i]);
              }
              String field = parts[parts.length - 1];
              if (op == 0) {
                parent.remove(field);
              } else {
                parent.set(field, value);
              }
              return copy;
            });
  }

  private static Arbitrary<byte[]> truncated(String json) {
    return Arbitraries.integers()
        .between(0, json.length() - 1)
        .map(n -> json.substring(0, n).getBytes(StandardCharsets.UTF_8));
  }

  private static Arbitrary<JsonNode> jsonValue(int depth) {
    var f = JsonNodeFactory.instance;
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(f::textNode),
            Arbitraries.of(INTERESTING_TEXT).map(f::textNode),
            Arbitraries.longs().map(f::numberNode),
            Arbitraries.bigDecimals()
                .between(new BigDecimal("-1e6"), new BigDecimal("1e6"))
                .ofScale(8)
                .map(f::numberNode),
            Arbitraries.of(true, false).map(f::booleanNode),
            Arbitraries.just(f.nullNode()));
    if (depth == 0) return scalars;
    Arbitrary<JsonNode> arrays =
        jsonValue(depth - 1)
            .list()
            .ofMaxSize(4)
            .map(
                items -> {
                  ArrayNode array = f.arrayNode();
                  items.forEach(array::add);
                  return array;
                });
    Arbitrary<String> keys =
        Arbitraries.oneOf(Arbitraries.of(KNOWN_KEYS), Arbitraries.strings().ofMaxLength(8));
    Arbitrary<JsonNode> objects =
        Combinators.combine(keys, jsonValue(depth - 1))
            .as(Map::entry)
            .list()
            .ofMaxSize(5)
            .map(
                entries -> {
                  ObjectNode object = f.objectNode();
                  entries.forEach(e -> object.set(e.getKey(), e.getValue()));
                  return object;
                });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, scalars),
        net.jqwik.api.Tuple.of(2, arrays),
        net.jqwik.api.Tuple.of(4, objects));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
