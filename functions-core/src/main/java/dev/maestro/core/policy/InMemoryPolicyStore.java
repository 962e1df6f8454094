package dev.maestro.core.policy;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.json.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A {@link PolicyStore} held in memory: documents put here are validated and compiled once; tenants
 * without one get the built-in default (compiled once per tenant and cached).
 */
public final class InMemoryPolicyStore implements PolicyStore {

  private final ConcurrentHashMap<TenantId, TenantPolicy> policies = new ConcurrentHashMap<>();

  @Override
  public TenantPolicy policyFor(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return policies.computeIfAbsent(tenant, TenantPolicy::defaults);
  }

  /** Installs {@code document} for its tenant, replacing any earlier revision. */
  public void put(PolicyDocument document) {
    policies.put(document.tenant(), TenantPolicy.of(document));
  }

  /** The environment setting naming a directory of tenant policy documents. */
  public static final String DIRECTORY_SETTING = "MAESTRO_POLICY_DIR";

  /**
   * A store holding every tenant policy document in {@code dir} (each {@code *.json} file one
   * document; other files are ignored). Every file is checked before anything is installed.
   *
   * @throws IllegalArgumentException listing every problem, each as {@code file: /pointer detail}
   *     (a file that is not JSON, a document that does not validate, two documents for one tenant)
   */
  public static InMemoryPolicyStore fromDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory of tenant policy documents");
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    var problems = new ArrayList<String>();
    var byTenant = new LinkedHashMap<TenantId, Path>();
    var documents = new ArrayList<PolicyDocument>();
    for (Path file : files) {
      try {
        PolicyDocument d = PolicyDocument.parse(JsonFiles.load(file, "policy").tree());
        Path earlier = byTenant.putIfAbsent(d.tenant(), file);
        if (earlier != null) {
          problems.add(
              file.getFileName()
                  + ": a second document for tenant "
                  + d.tenant()
                  + " (the first is "
                  + earlier.getFileName()
                  + ")");
        } else {
          documents.add(d);
        }
      } catch (JsonFiles.InvalidFileException e) {
        problems.add(e.getMessage());
      } catch (InvalidInputException e) {
        for (InvalidInputException.FieldError f : e.errors()) {
          problems.add(file.getFileName() + ": " + f.pointer() + " " + f.detail());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "tenant policies in " + dir + " were not loaded:\n  " + String.join("\n  ", problems));
    }
    var store = new InMemoryPolicyStore();
    documents.forEach(store::put);
    return store;
  }

  /**
   * The store a function configured by {@code env} decides with: the documents in {@link
   * #DIRECTORY_SETTING}'s directory (shipped in the package or mounted) if it is set, else an empty
   * store (every tenant on the built-in default).
   *
   * @throws IllegalArgumentException as {@link #fromDirectory}: a function does not start on a
   *     broken policy
   */
  public static InMemoryPolicyStore fromEnvironment(Map<String, String> env) {
    String dir = env.get(DIRECTORY_SETTING);
    return dir == null || dir.isBlank() ? new InMemoryPolicyStore() : fromDirectory(Path.of(dir));
  }

  /**
   * Parses, validates and installs a policy document from JSON text.
   *
   * @throws InvalidInputException naming every offending field; nothing is installed
   */
  public PolicyDocument load(String json) {
    PolicyDocument document = PolicyDocument.parse(json);
    put(document);
    return document;
  }
}
