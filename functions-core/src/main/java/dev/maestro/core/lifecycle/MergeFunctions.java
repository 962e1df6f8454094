package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The merge functions a deployment offers, by name. The built-in ones:
 *
 * <ul>
 *   <li>{@value #CONCAT}: {@code {"sources": [{"id": <source id>, "workingState": <its state>},
 *       ...]}}, every source's state kept whole, in the request's order;
 *   <li>{@value #UNION}: the union of the sources' top-level keys; where several sources have a
 *       key, the later source in the request wins.
 * </ul>
 *
 * A recipe adds its own with {@link #with}.
 */
public final class MergeFunctions {

  /** Keeps every source's state, keyed by source id, in order. */
  public static final String CONCAT = "concat";

  /** Unites the sources' top-level keys; a later source wins a clash. */
  public static final String UNION = "union";

  private final Map<String, MergeFunction> byName;

  private MergeFunctions(Map<String, MergeFunction> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** The built-in functions, {@value #CONCAT} and {@value #UNION}. */
  public static MergeFunctions builtIn() {
    var map = new TreeMap<String, MergeFunction>();
    map.put(CONCAT, named(CONCAT, MergeFunctions::concat));
    map.put(UNION, named(UNION, MergeFunctions::union));
    return new MergeFunctions(map);
  }

  /**
   * These functions and {@code more}.
   *
   * @throws IllegalArgumentException if a name is taken
   */
  public MergeFunctions with(MergeFunction... more) {
    var map = new TreeMap<>(byName);
    for (MergeFunction f : more) {
      if (map.put(f.name(), f) != null) {
        throw new IllegalArgumentException("duplicate merge function " + f.name());
      }
    }
    return new MergeFunctions(map);
  }

  public Optional<MergeFunction> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(byName.keySet());
  }

  private static ObjectNode concat(List<MergeFunction.Source> sources) {
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    ArrayNode states = merged.putArray("sources");
    for (MergeFunction.Source s : sources) {
      ObjectNode entry = states.addObject();
      entry.put("id", s.id().value());
      entry.set("workingState", s.workingState().deepCopy());
    }
    return merged;
  }

  private static ObjectNode union(List<MergeFunction.Source> sources) {
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    for (MergeFunction.Source s : sources) {
      JsonNode state = s.workingState();
      state.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue().deepCopy()));
    }
    return merged;
  }

  private static MergeFunction named(
      String name, java.util.function.Function<List<MergeFunction.Source>, ObjectNode> body) {
    return new MergeFunction() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ObjectNode merge(List<MergeFunction.Source> sources) {
        return body.apply(sources);
      }
    };
  }
}
