package dev.maestro.core.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model call costs at list prices, per provider and model id, under a named version. Every
 * {@code budget_charge} event records the version it was priced with, so a charge can be re-derived
 * (and a price change told apart from a usage change) long after the table moved on.
 *
 * <p>The document is {@code {"version": "2026-11-01", "note": "...", "models":
 * {"<provider>/<modelId>": {"inputPerMTok": "3.00", "outputPerMTok": "15.00"}}}}: prices are
 * decimal strings in USD per million tokens, never JSON numbers (no binary floating point anywhere
 * near money).
 */
public final class PriceTable {

  /** Decimal places a cost is rounded to (HALF_UP): a millionth of a dollar. */
  public static final int COST_SCALE = 6;

  /** The most a price may be, in USD per million tokens; anything above is a typo. */
  public static final BigDecimal MAX_PRICE = new BigDecimal("10000");

  /** Where {@link #defaultTable()} is read from on the class path. */
  public static final String DEFAULT_RESOURCE = "/budget/default-price-table.json";

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._-]{0,63}");
  private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}");
  private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,5})(\\.[0-9]{1,6})?");
  private static final int MAX_NOTE = 1_000;
  private static final int MAX_MODELS = 1_000;
  private static final Set<String> FIELDS = Set.of("version", "note", "models");
  private static final Set<String> PRICE_FIELDS = Set.of("inputPerMTok", "outputPerMTok");

  /** The list price of one model, in USD per million input and output tokens. */
  public record Price(BigDecimal inputPerMTok, BigDecimal outputPerMTok) {
    public Price {
      Objects.requireNonNull(inputPerMTok, "inputPerMTok");
      Objects.requireNonNull(outputPerMTok, "outputPerMTok");
      if (inputPerMTok.signum() < 0 || outputPerMTok.signum() < 0) {
        throw new IllegalArgumentException("prices must be >= 0");
      }
    }
  }

  private static volatile PriceTable defaultTable;

  private final String version;
  private final String note;
  private final Map<String, Price> models;

  private PriceTable(String version, String note, Map<String, Price> models) {
    this.version = version;
    this.note = note;
    this.models = models;
  }

  /**
   * Parses a price table strictly: unknown or duplicate fields, numbers where decimal strings are
   * required, and malformed keys all fail, every problem named by its JSON pointer at once.
   *
   * @throws InvalidInputException naming each offending field
   */
  public static PriceTable parse(String json) {
    return parse(Json.readDocument(json));
  }

  /** As {@link #parse(String)}, from a tree. */
  public static PriceTable parse(JsonNode doc) {
    if (doc == null || !doc.isObject()) throw InvalidInputException.of("", "must be a JSON object");
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) errors.add(new FieldError(pointer("", field), "unknown field"));
    }
    String version = null;
    JsonNode v = doc.get("version");
    if (v == null || v.isNull()) {
      errors.add(new FieldError("/version", "is required"));
    } else if (!v.isTextual() || !VERSION.matcher(v.textValue()).matches()) {
      errors.add(
          new FieldError(
              "/version", "must be a string of letters, digits, '.', '_' and '-' (1-64 chars)"));
    } else {
      version = v.textValue();
    }
    String note = "";
    JsonNode n = doc.get("note");
    if (n != null) {
      if (!n.isTextual() || n.textValue().length() > MAX_NOTE) {
        errors.add(new FieldError("/note", "must be a string of at most " + MAX_NOTE + " chars"));
      } else {
        note = n.textValue();
      }
    }
    Map<String, Price> models = new LinkedHashMap<>();
    JsonNode m = doc.get("models");
    if (m == null || m.isNull()) {
      errors.add(new FieldError("/models", "is required"));
    } else if (!m.isObject()) {
      errors.add(new FieldError("/models", "must be an object"));
    } else if (m.size() > MAX_MODELS) {
      errors.add(new FieldError("/models", "must have at most " + MAX_MODELS + " entries"));
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
        var entry = it.next();
        String at = pointer("/models", entry.getKey());
        if (!validKey(entry.getKey())) {
          errors.add(
              new FieldError(
                  at,
                  "key must be '<provider>/<modelId>' (provider: lower-case, digits, '_', '-')"));
          continue;
        }
        Price price = price(entry.getValue(), at, errors);
        if (price != null) models.put(entry.getKey(), price);
      }
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
    return new PriceTable(version, note, Collections.unmodifiableMap(models));
  }

  /** The table shipped with Maestro: list prices for the tiers' default models. */
  public static PriceTable defaultTable() {
    PriceTable table = defaultTable;
    if (table == null) {
      try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
        if (in == null) throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
        table = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      defaultTable = table;
    }
    return table;
  }

  /** The version recorded on every charge priced with this table. */
  public String version() {
    return version;
  }

  /** What the table says about its figures (e.g. "list prices as of ..."); may be empty. */
  public String note() {
    return note;
  }

  /** Every priced model, keyed {@code <provider>/<modelId>}, in document order. */
  public Map<String, Price> models() {
    return models;
  }

  /** The price of a model, if the table has one. */
  public Optional<Price> price(String provider, String modelId) {
    return Optional.ofNullable(models.get(provider + "/" + modelId));
  }

  /**
   * Whether the table prices this model; a dispatch route to an unpriced model is misconfigured.
   */
  public boolean priced(String provider, String modelId) {
    return models.containsKey(provider + "/" + modelId);
  }

  /**
   * The cost of a call in USD: tokens times the per-million prices, rounded HALF_UP to {@link
   * #COST_SCALE} decimals (once, on the sum, so the two halves never round apart).
   *
   * @throws IllegalArgumentException when the table has no price for the model, or a count is
   *     negative
   */
  public BigDecimal cost(String provider, String modelId, long tokensIn, long tokensOut) {
    if (tokensIn < 0 || tokensOut < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
    Price price =
        price(provider, modelId)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "price table "
                            + version
                            + " has no price for "
                            + provider
                            + "/"
                            + modelId));
    BigDecimal micro =
        price
            .inputPerMTok()
            .multiply(BigDecimal.valueOf(tokensIn))
            .add(price.outputPerMTok().multiply(BigDecimal.valueOf(tokensOut)));
    return micro.divide(MILLION, COST_SCALE, RoundingMode.HALF_UP);
  }

  /** The document form, which {@link #parse(String)} reads back to an equal table. */
  public String toJson() {
    ObjectNode doc = Json.mapper().createObjectNode();
    doc.put("version", version);
    if (!note.isEmpty()) doc.put("note", note);
    ObjectNode m = doc.putObject("models");
    models.forEach(
        (key, price) -> {
          ObjectNode p = m.putObject(key);
          p.put("inputPerMTok", price.inputPerMTok().toPlainString());
          p.put("outputPerMTok", price.outputPerMTok().toPlainString());
        });
    return Json.write(doc);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PriceTable t
        && version.equals(t.version)
        && note.equals(t.note)
        && models.equals(t.models);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, note, models);
  }

  @Override
  public String toString() {
    return "PriceTable[" + version + ", " + models.size() + " models]";
  }

  private static boolean validKey(String key) {
    int slash = key.indexOf('/');
    return slash > 0
        && PROVIDER.matcher(key.substring(0, slash)).matches()
        && MODEL.matcher(key.substring(slash + 1)).matches();
  }

  private static Price price(JsonNode node, String at, List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(at, "must be an object with inputPerMTok and outputPerMTok"));
      return null;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!PRICE_FIELDS.contains(field)) {
        errors.add(new FieldError(pointer(at, field), "unknown field"));
      }
    }
    BigDecimal in = decimal(node, at, "inputPerMTok", errors);
    BigDecimal out = decimal(node, at, "outputPerMTok", errors);
    return in == null || out == null ? null : new Price(in, out);
  }

  private static BigDecimal decimal(
      JsonNode node, String at, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    String here = pointer(at, field);
    if (v == null || v.isNull()) {
      errors.add(new FieldError(here, "is required"));
      return null;
    }
    if (!v.isTextual() || !DECIMAL.matcher(v.textValue()).matches()) {
      errors.add(
          new FieldError(
              here, "must be a decimal string such as \"3.00\" (at most 6 decimal places)"));
      return null;
    }
    BigDecimal d = new BigDecimal(v.textValue());
    if (d.compareTo(MAX_PRICE) > 0) {
      errors.add(new FieldError(here, "must be at most " + MAX_PRICE + " USD per million tokens"));
      return null;
    }
    return d;
  }

  /** The JSON pointer (RFC 6901) of {@code field} under {@code parent}, escaping '~' and '/'. */
  private static String pointer(String parent, String field) {
    return parent + "/" + field.replace("~", "~0").replace("/", "~1");
  }
}
