package dev.maestro.core.tick;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The recipes a runtime can run, by name. */
public final class Recipes {

  private final Map<String, Recipe> byName;

  private Recipes(Map<String, Recipe> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** A registry of {@code recipes}; names must be unique. */
  public static Recipes of(Recipe... recipes) {
    var map = new TreeMap<String, Recipe>();
    for (Recipe r : recipes) {
      if (map.put(r.name(), r) != null)
        throw new IllegalArgumentException("duplicate recipe " + r.name());
    }
    return new Recipes(map);
  }

  /** The built-in recipes. */
  public static Recipes builtIn() {
    return of(new NoopRecipe());
  }

  public Optional<Recipe> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Set<String> names() {
    return byName.keySet();
  }
}
