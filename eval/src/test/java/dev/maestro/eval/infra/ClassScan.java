package dev.maestro.eval.infra;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The compiled classes of one module (the directory or jar a class was loaded from) and the string
 * constants in their constant pools: how the test learns which environment variable names the code
 * can read without trusting a hand-kept list.
 */
final class ClassScan {

  /** Environment-variable-shaped constants, bare or as a binding expression {@code %NAME%}. */
  private static final Pattern ENV_NAME =
      Pattern.compile("%?((?:MAESTRO|OTEL|AZURE|AWS|ANTHROPIC|OPENAI)_[A-Z0-9_]+)%?");

  private ClassScan() {}

  /** Class file bytes by binary class name, for the module {@code anchor} was loaded from. */
  static Map<String, byte[]> classesOf(Class<?> anchor) {
    try {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      var classes = new LinkedHashMap<String, byte[]>();
      if (Files.isDirectory(location)) {
        try (Stream<Path> walk = Files.walk(location)) {
          for (Path p : walk.filter(f -> f.toString().endsWith(".class")).toList()) {
            String name = location.relativize(p).toString().replace('\\', '/');
            classes.put(binaryName(name), Files.readAllBytes(p));
          }
        }
      } else {
        try (var jar = new JarFile(location.toFile())) {
          for (var entry : java.util.Collections.list(jar.entries())) {
            if (!entry.getName().endsWith(".class")) continue;
            try (InputStream in = jar.getInputStream(entry)) {
              classes.put(binaryName(entry.getName()), in.readAllBytes());
            }
          }
        }
      }
      return classes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String binaryName(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.');
  }

  /** Environment variable names among the string constants of {@code classes}. */
  static TreeSet<String> envNames(Iterable<byte[]> classes) {
    var names = new TreeSet<String>();
    for (byte[] bytes : classes) {
      for (String s : utf8Constants(bytes)) {
        var m = ENV_NAME.matcher(s);
        if (m.matches()) names.add(m.group(1));
      }
    }
    return names;
  }

  /** The CONSTANT_Utf8 entries of one class file. */
  static List<String> utf8Constants(byte[] classFile) {
    var out = new ArrayList<String>();
    try (var in = new DataInputStream(new java.io.ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> out.add(in.readUTF());
          case 3, 4 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++;
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
          case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 15 -> in.skipNBytes(3);
          default -> throw new IllegalArgumentException("unknown constant tag " + tag);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
