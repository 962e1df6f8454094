package dev.maestro.eval.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A structural reader of Bicep files: the top-level {@code param}, {@code var}, {@code resource},
 * {@code module} and {@code output} declarations, with object and array literals read into maps and
 * lists, strings into {@link Str} (their {@code ${...}} interpolations kept as text) and every
 * other expression into {@link Expr} (its text). Loops ({@code [for x in y: body]}) and conditions
 * ({@code if (c) body}) keep their body. It checks nothing about types, scopes or API versions: no
 * Bicep compiler runs here, and this is not one.
 */
final class BicepReader {

  /** A string literal's raw template (escapes undone, interpolations as written). */
  record Str(String template) {}

  /** Any other expression, as written. */
  record Expr(String text) {}

  /** {@code [for header: body]}. */
  record Loop(String header, Object body) {}

  /** {@code if (condition) body}. */
  record Conditional(String condition, Object body) {}

  /**
   * One top-level declaration.
   *
   * @param kind param, var, resource, module or output
   * @param name the symbolic name
   * @param type the resource type, module path or param/output type; null for var
   * @param value the body, default or value; null for a param without default
   */
  record Decl(String kind, String name, String type, Object value) {}

  private final String src;
  private int pos;

  private BicepReader(String src) {
    this.src = src;
  }

  static List<Decl> read(Path file) {
    try {
      return new BicepReader(Files.readString(file)).declarations();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private List<Decl> declarations() {
    var out = new ArrayList<Decl>();
    while (true) {
      skipSpace(true);
      if (pos >= src.length()) return out;
      if (src.charAt(pos) == '@') { // a decorator: @name(...)
        pos++;
        identifier();
        if (peek() == '(') balanced();
        continue;
      }
      String keyword = identifier();
      switch (keyword) {
        case "targetScope", "metadata", "import", "using", "type", "func" -> restOfLine();
        case "param" -> {
          String name = identifier();
          skipSpace(false);
          String type = identifier();
          skipSpace(false);
          Object value = null;
          if (peek() == '=') {
            pos++;
            value = value();
          }
          out.add(new Decl("param", name, type, value));
        }
        case "var" -> {
          String name = identifier();
          expect('=');
          out.add(new Decl("var", name, null, value()));
        }
        case "output" -> {
          String name = identifier();
          skipSpace(false);
          String type = identifier();
          expect('=');
          out.add(new Decl("output", name, type, value()));
        }
        case "resource", "module" -> {
          String name = identifier();
          skipSpace(false);
          String type = string().template();
          skipSpace(false);
          if (src.startsWith("existing", pos)) {
            pos += "existing".length();
            type = type + " existing";
          }
          expect('=');
          out.add(new Decl(keyword, name, type, value()));
        }
        default -> throw new IllegalStateException("unexpected '" + keyword + "' at " + pos);
      }
    }
  }

  private Object value() {
    skipSpace(false);
    char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    if (src.startsWith("'''", pos)) {
      int end = src.indexOf("'''", pos + 3);
      String text = src.substring(pos + 3, end);
      pos = end + 3;
      return new Str(text);
    }
    if (src.startsWith("if", pos) && !Character.isLetterOrDigit(src.charAt(pos + 2))) {
      pos += 2;
      skipSpace(false);
      int start = pos;
      balanced();
      return new Conditional(src.substring(start + 1, pos - 1).strip(), value());
    }
    int start = pos;
    if (c == '\'') {
      Str s = string();
      if (restIsBlank()) return s;
      pos = start;
    }
    expression();
    return new Expr(src.substring(start, pos).strip());
  }

  private boolean restIsBlank() {
    int p = pos;
    while (p < src.length() && (src.charAt(p) == ' ' || src.charAt(p) == '\t')) p++;
    return p >= src.length()
        || src.charAt(p) == '\n'
        || src.charAt(p) == '\r'
        || src.charAt(p) == '}'
        || src.charAt(p) == ']'
        || src.charAt(p) == ','
        || src.startsWith("//", p);
  }

  private Map<String, Object> object() {
    expect('{');
    var map = new LinkedHashMap<String, Object>();
    while (true) {
      skipSpace(true);
      if (peek() == '}') {
        pos++;
        return map;
      }
      if (peek() == ',') {
        pos++;
        continue;
      }
      String key = peek() == '\'' ? string().template() : identifier();
      expect(':');
      map.put(key, value());
    }
  }

  private Object array() {
    expect('[');
    skipSpace(true);
    if (src.startsWith("for", pos) && Character.isWhitespace(src.charAt(pos + 3))) {
      int start = pos + 3;
      int depth = 0;
      while (true) { // the header ends at the ':' outside parentheses
        char c = src.charAt(pos);
        if (c == '(') depth++;
        if (c == ')') depth--;
        if (c == ':' && depth == 0) break;
        pos++;
      }
      String header = src.substring(start, pos).strip();
      pos++;
      Object body = value();
      skipSpace(true);
      expect(']');
      return new Loop(header, body);
    }
    var list = new ArrayList<Object>();
    while (true) {
      skipSpace(true);
      if (peek() == ']') {
        pos++;
        return list;
      }
      if (peek() == ',') {
        pos++;
        continue;
      }
      list.add(value());
    }
  }

  private Str string() {
    expect('\'');
    var sb = new StringBuilder();
    while (true) {
      char c = src.charAt(pos++);
      if (c == '\\') {
        char e = src.charAt(pos++);
        sb.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              default -> e;
            });
      } else if (c == '\'') {
        return new Str(sb.toString());
      } else if (c == '$' && peek() == '{') {
        int start = pos - 1;
        balanced();
        sb.append(src, start, pos);
      } else {
        sb.append(c);
      }
    }
  }

  /** An expression: up to the end of the line (or a closing bracket) outside any bracket. */
  private void expression() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n' || c == '\r' || c == '}' || c == ']' || c == ',') return;
      if (src.startsWith("//", pos)) return;
      if (c == '\'') string();
      else if (c == '(' || c == '[' || c == '{') balanced();
      else pos++;
    }
  }

  /** Skips one bracketed group, strings included. */
  private void balanced() {
    char open = src.charAt(pos);
    char close =
        switch (open) {
          case '(' -> ')';
          case '[' -> ']';
          case '{' -> '}';
          default -> throw new IllegalStateException("no bracket at " + pos);
        };
    pos++;
    while (true) {
      char c = src.charAt(pos);
      if (c == close) {
        pos++;
        return;
      }
      if (src.startsWith("'''", pos)) pos = src.indexOf("'''", pos + 3) + 3;
      else if (c == '\'') string();
      else if (c == '(' || c == '[' || c == '{') balanced();
      else if (src.startsWith("//", pos)) skipLineComment();
      else pos++;
    }
  }

  private String identifier() {
    skipSpace(false);
    int start = pos;
    while (pos < src.length()
        && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) throw new IllegalStateException("identifier expected at " + pos);
    return src.substring(start, pos);
  }

  private void expect(char c) {
    skipSpace(true);
    if (peek() != c) throw new IllegalStateException("'" + c + "' expected at " + pos);
    pos++;
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : '\0';
  }

  private void restOfLine() {
    while (pos < src.length() && src.charAt(pos) != '\n') pos++;
  }

  private void skipLineComment() {
    restOfLine();
  }

  private void skipSpace(boolean newlines) {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) pos++;
      else if (src.startsWith("//", pos)) skipLineComment();
      else if (src.startsWith("/*", pos)) pos = src.indexOf("*/", pos) + 2;
      else return;
    }
  }
}
