package dev.maestro.eval.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maestro.core.testkit.NpmPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Terraform files parsed by a real HCL parser: the npm package {@code @cdktf/hcl2json} (HashiCorp's
 * HCL library compiled to WebAssembly), installed into {@code target/hcl2json} on first use like
 * the other npm test tools of this repository. Node.js and npm are required; without them the test
 * fails naming what is missing (as the Cosmos and Azurite tests do).
 *
 * <p>The JSON is HCL's own JSON form: blocks become arrays of objects, expressions become {@code
 * "${...}"} strings. Nothing is evaluated and no provider is involved.
 */
final class Hcl2Json {

  static final String VERSION = "0.21.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCRIPT =
      """
      const { parse } = require('./node_modules/@cdktf/hcl2json');
      const fs = require('fs');
      (async () => {
        const out = {};
        for (const file of process.argv.slice(2)) {
          out[file] = await parse(file, fs.readFileSync(file, 'utf8'));
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });
      """;

  private Hcl2Json() {}

  /** Parses every file (in one node process); the answer is keyed by the files' paths. */
  static Map<Path, JsonNode> parse(List<Path> files) {
    Path home = Path.of("target", "hcl2json").toAbsolutePath();
    try {
      NpmPackages.ensure(
          home, "@cdktf/hcl2json", VERSION, "node_modules/@cdktf/hcl2json/package.json");
      Path script = home.resolve("parse.js");
      Files.writeString(script, SCRIPT);
      var command = new ArrayList<String>(List.of("node", script.toString()));
      files.forEach(f -> command.add(f.toAbsolutePath().toString()));
      Path out = Files.createTempFile(home, "parsed-", ".json");
      Path err = Files.createTempFile(home, "parsed-", ".log");
      Process node;
      try {
        node =
            new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "node could not be started; install Node.js to parse the Terraform files", e);
      }
      if (!node.waitFor(2, TimeUnit.MINUTES) || node.exitValue() != 0) {
        node.destroyForcibly();
        throw new IllegalStateException("hcl2json failed:\n" + Files.readString(err));
      }
      JsonNode all = JSON.readTree(out.toFile());
      var parsed = new TreeMap<Path, JsonNode>();
      for (Path f : files) parsed.put(f, all.get(f.toAbsolutePath().toString()));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing HCL", e);
    }
  }
}
