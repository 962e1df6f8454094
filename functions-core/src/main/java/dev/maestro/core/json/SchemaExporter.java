package dev.maestro.core.json;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.CustomDefinitionProviderV2;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerationContext;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaKeyword;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.generator.TypeAttributeOverrideV2;
import com.github.victools.jsonschema.generator.TypeScope;
import com.github.victools.jsonschema.generator.impl.DefinitionKey;
import com.github.victools.jsonschema.generator.naming.SchemaDefinitionNamingStrategy;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Exports the JSON Schemas (draft 2020-12) of the wire and storage format: one per model, one per
 * event payload, and one for the event envelope, each a self-contained document named {@code
 * <name>.schema.json}. The checked-in copies live in {@code src/main/resources/schemas/} (so they
 * ship in the jar); {@code SchemasAreCurrentTest} fails when they drift from the code.
 *
 * <p>The schemas state what {@link Json} writes and accepts: objects forbid unknown properties,
 * instants are {@code date-time} strings, {@link java.math.BigDecimal}s are numbers, {@link
 * JsonNode} values (working state, results, predicates) are unconstrained, and a property is
 * required unless the reader defaults it or the writer omits it when null ({@link #OPTIONAL}).
 * Properties of Java primitive type are required because the writer always writes them (a reader
 * given none still takes the primitive's zero value).
 *
 * <p><b>Discriminated unions.</b> A sealed interface carrying Jackson type information ({@link
 * WakeCondition}, discriminated by {@code kind}) becomes a {@code oneOf} over its subtypes. Each
 * subtype's schema pins the discriminator with a {@code const} and requires it, so exactly one
 * branch can match; an OpenAPI-style {@code discriminator} annotation ({@code propertyName} and
 * {@code mapping}) names the branch for code generators that use it, and is ignored by validators.
 *
 * <p><b>The envelope.</b> {@code EventEnvelope.schema.json} describes the envelope's fields once
 * and adds a {@code oneOf} with one branch per event type, pinning {@code type} to that type's wire
 * name and {@code payload} to that type's payload schema: a schema per event type, folded into one
 * document. This is chosen over a {@code payload} that is a bare {@code oneOf} of all payloads
 * because it states the coupling the reader enforces (the payload's Java type is selected by {@code
 * type}): a {@code kill} envelope carrying a {@code model_call} payload is invalid, which a
 * type-blind {@code oneOf} would accept. No {@code discriminator} annotation is added there,
 * because the discriminating property sits beside the payload rather than inside it. Each payload
 * is also exported on its own ({@code EventPayload.<Name>.schema.json}) for consumers of one event
 * type.
 *
 * <p>Output is deterministic: keys sorted, {@code required} lists sorted, two-space indentation,
 * {@code \n} line ends and a trailing newline. Regenerate with {@link #REGENERATE_COMMAND}.
 */
public final class SchemaExporter {

  /** The classpath folder (and the folder under {@code src/main/resources}) holding the schemas. */
  public static final String RESOURCE_FOLDER = "schemas";

  /** The suffix of every exported file. */
  public static final String SUFFIX = ".schema.json";

  /** The regeneration command, named by the staleness check. */
  public static final String REGENERATE_COMMAND =
      "./mvnw -pl functions-core compile exec:java@schemas";

  /**
   * Properties that may be absent on the wire: the reader defaults them, or the writer omits them
   * when null. Every other property is required.
   */
  static final Map<Class<?>, Set<String>> OPTIONAL =
      Map.ofEntries(
          Map.entry(
              GoalFrame.class,
              Set.of(
                  "audience",
                  "deliverableSchema",
                  "constraints",
                  "channels",
                  "deadline",
                  "successCriteria",
                  "policyClass",
                  "region",
                  "recipe",
                  "parameters")),
          Map.entry(
              Continuation.class,
              Set.of("wakeCondition", "result", "currentWakeId", "recentWakeIds")),
          Map.entry(Wake.class, Set.of("payload")),
          Map.entry(WakeCondition.Stream.class, Set.of("predicate")),
          Map.entry(EventPayload.Spawn.class, Set.of("forkedFrom", "mergedFrom", "mergeFunction")),
          Map.entry(EventPayload.Forked.class, Set.of("objective", "parameters")),
          Map.entry(EventPayload.Merged.class, Set.of("child", "childBudget")),
          Map.entry(EventPayload.Slept.class, Set.of("workingState")),
          Map.entry(EventPayload.Completed.class, Set.of("workingState")),
          Map.entry(EventPayload.ModelCall.class, Set.of("failover")),
          Map.entry(
              EventPayload.Decided.class,
              Set.of("tier", "runtime", "branch", "forkCount", "input", "shadow")),
          Map.entry(EventPayload.Decided.Shadow.class, Set.of("tier", "branch", "forkCount")),
          Map.entry(PolicyDocument.class, Set.of("daily", "field", "pii", "freeze", "rateLimit")),
          Map.entry(PolicyDocument.Pii.class, Set.of("patterns", "replacement")),
          Map.entry(PolicyDocument.Freeze.class, Set.of("since")),
          Map.entry(PolicyDocument.Daily.class, Set.of("dailySoftUsd")));

  /** Value objects that travel as plain strings, with the pattern their constructors enforce. */
  private static final Map<Class<?>, String> STRING_PATTERNS =
      Map.of(
          ContinuationId.class, "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
          TenantId.class, "^[a-z0-9][a-z0-9_-]{0,62}$");

  /** The pattern of {@code hash} and {@code prevHash}: a hex SHA-256. */
  private static final String HASH_PATTERN = "^[0-9a-f]{64}$";

  private static final Map<Class<?>, String> DESCRIPTIONS = descriptions();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SchemaExporter() {}

  /**
   * Writes every schema into {@code args[0]} (created if missing), removing schema files there that
   * no longer correspond to a model.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: SchemaExporter <output-directory>");
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    SortedMap<String, String> files = render();
    try (Stream<Path> existing = Files.list(dir)) {
      for (Path stale :
          existing.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
        if (!files.containsKey(stale.getFileName().toString())) Files.delete(stale);
      }
    }
    for (var file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
  }

  /** The exported types, by schema name, in a stable order. */
  public static SortedMap<String, Class<?>> exportedTypes() {
    var types = new TreeMap<String, Class<?>>();
    for (Class<?> type :
        List.of(
            GoalFrame.class,
            BudgetLimits.class,
            Budget.class,
            Spend.class,
            Lineage.class,
            Lease.class,
            Continuation.class,
            Wake.class,
            WakeCondition.class,
            EventEnvelope.class,
            PolicyDocument.class)) {
      types.put(schemaName(type), type);
    }
    for (EventType type : EventType.values()) {
      types.put(schemaName(type.payloadType()), type.payloadType());
    }
    return Collections.unmodifiableSortedMap(types);
  }

  /** The schema name of an exported type: its simple name, qualified by its enclosing type. */
  public static String schemaName(Class<?> type) {
    return type.getEnclosingClass() == null
        ? type.getSimpleName()
        : schemaName(type.getEnclosingClass()) + "." + type.getSimpleName();
  }

  /** Every schema as file text, keyed by file name ({@code <name>.schema.json}). */
  public static SortedMap<String, String> render() {
    ObjectWriter writer = Json.mapper().writer(prettyPrinter());
    var files = new TreeMap<String, String>();
    for (var entry : generate().entrySet()) {
      try {
        files.put(entry.getKey() + SUFFIX, writer.writeValueAsString(entry.getValue()) + "\n");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("schema " + entry.getKey() + " is not serializable", e);
      }
    }
    return Collections.unmodifiableSortedMap(files);
  }

  /** Every schema as a tree (keys sorted), keyed by schema name. */
  public static SortedMap<String, ObjectNode> generate() {
    var generator = new SchemaGenerator(config());
    var schemas = new TreeMap<String, ObjectNode>();
    for (var entry : exportedTypes().entrySet()) {
      ObjectNode schema = generator.generateSchema(entry.getValue());
      var titled = NODES.objectNode();
      titled.put("title", entry.getKey());
      titled.setAll(schema);
      schemas.put(entry.getKey(), (ObjectNode) normalize(titled));
    }
    return Collections.unmodifiableSortedMap(schemas);
  }

  private static com.github.victools.jsonschema.generator.SchemaGeneratorConfig config() {
    var jackson =
        new JacksonModule(
            JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE,
            // Unions are built by this class (oneOf plus const discriminators), not by the module.
            JacksonOption.SKIP_SUBTYPE_LOOKUP,
            JacksonOption.IGNORE_TYPE_INFO_TRANSFORM);
    var builder =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(jackson)
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
            .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
            .with(Option.DEFINITIONS_FOR_ALL_OBJECTS);
    builder
        .forTypesInGeneral()
        .withDefinitionNamingStrategy(new QualifiedNames())
        .withCustomDefinitionProvider(new Definitions())
        .withTypeAttributeOverride(new Reshape())
        .withDescriptionResolver(scope -> DESCRIPTIONS.get(scope.getType().getErasedType()));
    builder
        .forFields()
        .withRequiredCheck(
            field ->
                !OPTIONAL
                    .getOrDefault(field.getDeclaringType().getErasedType(), Set.of())
                    .contains(field.getDeclaredName()));
    return builder.build();
  }

  /** Names {@code $defs} entries like {@link #schemaName}, so nested records stay unambiguous. */
  private static final class QualifiedNames implements SchemaDefinitionNamingStrategy {
    @Override
    public String getDefinitionNameForKey(DefinitionKey key, SchemaGenerationContext context) {
      return schemaName(key.getType().getErasedType());
    }
  }

  /** Value types whose schema is not derived from fields: JSON trees, ids, the open payload. */
  private static final class Definitions implements CustomDefinitionProviderV2 {

    @Override
    public CustomDefinition provideCustomSchemaDefinition(
        ResolvedType type, SchemaGenerationContext context) {
      Class<?> erased = type.getErasedType();
      if (JsonNode.class.isAssignableFrom(erased)) {
        return inline(NODES.objectNode());
      }
      String pattern = STRING_PATTERNS.get(erased);
      if (pattern != null) {
        var node = NODES.objectNode();
        node.put(context.getKeyword(SchemaKeyword.TAG_TYPE), "string");
        node.put(context.getKeyword(SchemaKeyword.TAG_PATTERN), pattern);
        return inline(node);
      }
      if (erased == EventPayload.class) {
        // The envelope's oneOf pins the payload's schema to the envelope's type.
        var node = NODES.objectNode();
        node.put(context.getKeyword(SchemaKeyword.TAG_TYPE), "object");
        return inline(node);
      }
      return null;
    }

    private static CustomDefinition inline(ObjectNode node) {
      return new CustomDefinition(
          node, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.NO);
    }
  }

  /**
   * Reshapes finished definitions: unions become a oneOf of their members, members pin their
   * discriminator, and the envelope pairs each type with its payload. Done as an override (after
   * the definition is registered) so that recursive unions such as {@code any_of} resolve to
   * references instead of recursing.
   */
  private static final class Reshape implements TypeAttributeOverrideV2 {

    @Override
    public void overrideTypeAttributes(
        ObjectNode definition, TypeScope scope, SchemaGenerationContext context) {
      Class<?> erased = scope.getType().getErasedType();
      if (erased == EventEnvelope.class) {
        envelope(definition, context);
      } else if (isUnion(erased)) {
        union(definition, erased, context);
      } else if (erased.getInterfaces().length == 1 && isUnion(erased.getInterfaces()[0])) {
        unionMember(definition, erased, erased.getInterfaces()[0], context);
      }
    }

    /** The envelope's fields, plus one branch per event type pairing type and payload. */
    private static void envelope(ObjectNode definition, SchemaGenerationContext context) {
      ObjectNode properties =
          definition.withObject("/" + context.getKeyword(SchemaKeyword.TAG_PROPERTIES));
      properties.withObject("/sequence").put(context.getKeyword(SchemaKeyword.TAG_MINIMUM), 1);
      properties.withObject("/generation").put(context.getKeyword(SchemaKeyword.TAG_MINIMUM), 0);
      properties
          .withObject("/hash")
          .put(context.getKeyword(SchemaKeyword.TAG_PATTERN), HASH_PATTERN);
      properties
          .withObject("/prevHash")
          .put(context.getKeyword(SchemaKeyword.TAG_PATTERN), HASH_PATTERN);
      ArrayNode branches = definition.putArray(context.getKeyword(SchemaKeyword.TAG_ONEOF));
      for (EventType eventType : EventType.values()) {
        var branchProperties = NODES.objectNode();
        branchProperties
            .putObject("type")
            .put(context.getKeyword(SchemaKeyword.TAG_CONST), eventType.wire());
        branchProperties.set(
            "payload",
            context.createDefinitionReference(
                context.getTypeContext().resolve(eventType.payloadType())));
        branches
            .addObject()
            .set(context.getKeyword(SchemaKeyword.TAG_PROPERTIES), branchProperties);
      }
    }

    /** A sealed interface with a type property: oneOf its members, with a discriminator hint. */
    private static void union(
        ObjectNode definition, Class<?> erased, SchemaGenerationContext context) {
      definition.remove(context.getKeyword(SchemaKeyword.TAG_TYPE));
      definition.remove(context.getKeyword(SchemaKeyword.TAG_PROPERTIES));
      definition.remove(context.getKeyword(SchemaKeyword.TAG_ADDITIONAL_PROPERTIES));
      ArrayNode branches = definition.putArray(context.getKeyword(SchemaKeyword.TAG_ONEOF));
      ObjectNode discriminator = definition.putObject("discriminator");
      discriminator.put("propertyName", typeProperty(erased));
      ObjectNode mapping = discriminator.putObject("mapping");
      for (var member : members(erased).entrySet()) {
        branches.add(
            context.createDefinitionReference(context.getTypeContext().resolve(member.getValue())));
        mapping.put(member.getKey(), "#/$defs/" + schemaName(member.getValue()));
      }
    }

    /** A union member: its own fields plus the discriminator, pinned and required. */
    private static void unionMember(
        ObjectNode definition, Class<?> erased, Class<?> union, SchemaGenerationContext context) {
      String property = typeProperty(union);
      String name =
          members(union).entrySet().stream()
              .filter(e -> e.getValue() == erased)
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException(erased + " is not named in @JsonSubTypes"));
      definition
          .withObject("/" + context.getKeyword(SchemaKeyword.TAG_PROPERTIES))
          .putObject(property)
          .put(context.getKeyword(SchemaKeyword.TAG_CONST), name);
      definition.withArray(context.getKeyword(SchemaKeyword.TAG_REQUIRED)).add(property);
    }
  }

  /** Whether {@code type} is a sealed interface whose subtypes are named in a type property. */
  private static boolean isUnion(Class<?> type) {
    JsonTypeInfo info = type.getAnnotation(JsonTypeInfo.class);
    return type.isSealed()
        && info != null
        && info.use() == JsonTypeInfo.Id.NAME
        && info.include() == JsonTypeInfo.As.PROPERTY
        && type.getAnnotation(JsonSubTypes.class) != null;
  }

  private static String typeProperty(Class<?> union) {
    String property = union.getAnnotation(JsonTypeInfo.class).property();
    return property.isEmpty() ? "@type" : property;
  }

  /** The union's members by wire name, in {@code @JsonSubTypes} order; all permitted subclasses. */
  private static Map<String, Class<?>> members(Class<?> union) {
    var members = new LinkedHashMap<String, Class<?>>();
    for (JsonSubTypes.Type member : union.getAnnotation(JsonSubTypes.class).value()) {
      members.put(member.name(), member.value());
    }
    var permitted = List.of(union.getPermittedSubclasses());
    if (!members.values().containsAll(permitted) || members.size() != permitted.size()) {
      throw new IllegalStateException(
          union.getName() + ": @JsonSubTypes must name each permitted subclass exactly once");
    }
    return members;
  }

  /** Sorts object keys everywhere and every {@code required} list, for byte-stable output. */
  private static JsonNode normalize(JsonNode node) {
    if (node.isObject()) {
      var sorted = NODES.objectNode();
      var names = new ArrayList<String>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      for (String name : names) {
        JsonNode value = normalize(node.get(name));
        if (name.equals("required") && value.isArray()) {
          var items = new ArrayList<String>();
          value.forEach(item -> items.add(item.asText()));
          Collections.sort(items);
          var array = NODES.arrayNode();
          items.stream().distinct().forEach(array::add);
          value = array;
        }
        sorted.set(name, value);
      }
      return sorted;
    }
    if (node.isArray()) {
      var array = NODES.arrayNode();
      node.forEach(item -> array.add(normalize(item)));
      return array;
    }
    return node;
  }

  private static DefaultPrettyPrinter prettyPrinter() {
    var indenter = new DefaultIndenter("  ", "\n");
    var separators =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter()
        .withSeparators(separators)
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }

  private static Map<Class<?>, String> descriptions() {
    var d = new LinkedHashMap<Class<?>, String>();
    d.put(
        GoalFrame.class,
        "What a continuation is for: objective, audience, deliverable schema, "
            + "constraints, channels, budget, deadline, success criteria, policy class, region and recipe.");
    d.put(
        BudgetLimits.class,
        "Spend limits: maxUsd is the hard cap, softUsd the downshift threshold, "
            + "maxTokens caps input plus output tokens.");
    d.put(Budget.class, "Limits and spend together, folded from spawn and budget_charge events.");
    d.put(
        Spend.class, "What has been spent so far: dollars at list prices, tokens and model calls.");
    d.put(Lineage.class, "Parents, children and root of a continuation's family tree.");
    d.put(
        ForkPoint.class,
        "A parent's event a child was created from: the child copied the fold up to it.");
    d.put(
        Lease.class,
        "Exclusive right to run a tick until expiresAt; generation is the fencing token.");
    d.put(
        Continuation.class,
        "A continuation's state: the fold of its events (a snapshot is a cache of it).");
    d.put(Wake.class, "Something that may wake a continuation; the id deduplicates redeliveries.");
    d.put(
        WakeCondition.class,
        "What a sleeping or waiting continuation waits for, discriminated by kind.");
    d.put(WakeCondition.Timer.class, "Wake when the named timer fires, at or after at.");
    d.put(
        WakeCondition.Signal.class,
        "Wake on a human signal of one of kinds (any kind when empty).");
    d.put(
        WakeCondition.Stream.class,
        "Wake on a message on topic whose fields equal every field of predicate.");
    d.put(WakeCondition.Publish.class, "Wake when a sibling publishes to tag.");
    d.put(
        WakeCondition.AnyOf.class, "Wake on the first of several conditions (at most one timer).");
    d.put(
        EventEnvelope.class,
        "One event of a continuation's append-only log; hash chains it to "
            + "prevHash (SHA-256 over the canonical JSON of every other field).");
    d.put(
        PolicyDocument.class,
        "A tenant's policy kernel rules (format version 1): tiers, soft cap, tools, forks, "
            + "approval thresholds and delegation to vendor runtimes.");
    for (EventType type : EventType.values()) {
      d.put(type.payloadType(), "Payload of a " + type.wire() + " event.");
    }
    return Map.copyOf(d);
  }
}
