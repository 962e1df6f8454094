package dev.maestro.field;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The small corpus shipped with the module for demos and tests: the texts of fourteen common
 * free-software and free-documentation licences as distributed in Debian's {@code
 * /usr/share/common-licenses} (see {@code corpus/README.md} next to them for sources and terms).
 */
public final class ShippedCorpus {

  private static final String ROOT = "/dev/maestro/field/corpus/";

  private ShippedCorpus() {}

  /** The documents, ids = file names (e.g. {@code GPL-3.txt}), titled by their first line. */
  public static List<Document> documents() {
    List<Document> docs = new ArrayList<>();
    for (String name :
        read("files.lst").lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
      String text = read(name);
      String title = text.strip().lines().findFirst().orElse("").strip();
      docs.add(new Document(name, title, text, "classpath:" + ROOT + name));
    }
    return docs;
  }

  private static String read(String name) {
    try (InputStream in = ShippedCorpus.class.getResourceAsStream(ROOT + name)) {
      if (in == null) throw new IllegalStateException("shipped corpus file missing: " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
