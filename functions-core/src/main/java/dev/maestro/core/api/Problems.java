package dev.maestro.core.api;

import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.error.MaestroException;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.json.Json;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps failures to RFC 9457 {@code application/problem+json} responses: {@code type}, {@code
 * title}, {@code status}, {@code detail}, {@code instance}, and for invalid input an {@code errors}
 * array of {@code {pointer, detail}}. The {@code type} is {@value #TYPE_PREFIX} followed by the
 * failure's stable code. A 500 never carries the cause's message or class: only a generic detail.
 */
public final class Problems {

  /** Prefix of every problem {@code type}; the suffix is the code ({@code invalid_input}, ...). */
  public static final String TYPE_PREFIX = "urn:maestro:problem:";

  private static final Map<String, String> TITLES =
      Map.ofEntries(
          Map.entry("invalid_input", "Invalid input"),
          Map.entry("unauthorized", "Unauthorized"),
          Map.entry("forbidden", "Forbidden"),
          Map.entry("not_found", "Not found"),
          Map.entry("conflict", "Conflict"),
          Map.entry("fenced", "Conflict"),
          Map.entry("budget_exceeded", "Budget exceeded"),
          Map.entry("compliance_freeze", "Compliance freeze"),
          Map.entry("method_not_allowed", "Method not allowed"),
          Map.entry("unsupported_media_type", "Unsupported media type"),
          Map.entry("payload_too_large", "Payload too large"),
          Map.entry("internal_error", "Internal server error"));

  private Problems() {}

  /**
   * The problem for a domain failure. A 401 also carries {@code WWW-Authenticate} (RFC 6750), with
   * {@code error="invalid_token"} when credentials were presented.
   */
  public static ApiResponse of(MaestroException e, String instance, boolean credentialsPresented) {
    List<FieldError> errors =
        e instanceof InvalidInputException invalid ? invalid.errors() : List.of();
    ApiResponse response = problem(e.httpStatus(), e.code(), e.getMessage(), instance, errors);
    if (e instanceof UnauthorizedException) {
      response =
          response.withHeader(
              "WWW-Authenticate",
              credentialsPresented
                  ? "Bearer realm=\"maestro\", error=\"invalid_token\""
                  : "Bearer realm=\"maestro\"");
    }
    return response;
  }

  /** 404 for a path no route serves. */
  public static ApiResponse noRoute(String instance) {
    return problem(404, "not_found", "no resource at " + instance, instance, List.of());
  }

  /** 405 with the {@code Allow} header listing what the path accepts. */
  public static ApiResponse methodNotAllowed(
      String method, Collection<String> allowed, String instance) {
    String allow = String.join(", ", allowed.stream().sorted().toList());
    return problem(
            405,
            "method_not_allowed",
            method + " is not supported here; allowed: " + allow,
            instance,
            List.of())
        .withHeader("Allow", allow);
  }

  /** 415 for a body that is not {@code application/json} (UTF-8). */
  public static ApiResponse unsupportedMediaType(String detail, String instance) {
    return problem(415, "unsupported_media_type", detail, instance, List.of())
        .withHeader("Accept-Post", ApiResponse.JSON);
  }

  /** 413 for a body over {@code maxBytes}. */
  public static ApiResponse payloadTooLarge(int maxBytes, String instance) {
    return problem(
        413,
        "payload_too_large",
        "the body must be at most " + maxBytes + " bytes",
        instance,
        List.of());
  }

  /**
   * 500 for a failure the caller could not have caused; the detail says nothing about the cause.
   */
  public static ApiResponse internalError(String instance) {
    return problem(
        500, "internal_error", "an unexpected error occurred; retry later", instance, List.of());
  }

  static ApiResponse problem(
      int status, String code, String detail, String instance, List<FieldError> errors) {
    var body = new LinkedHashMap<String, Object>();
    body.put("type", TYPE_PREFIX + code);
    body.put("title", TITLES.getOrDefault(code, "Error"));
    body.put("status", status);
    body.put("detail", detail == null ? TITLES.getOrDefault(code, "Error") : detail);
    body.put("instance", instance);
    if (!errors.isEmpty()) {
      body.put("errors", List.copyOf(errors));
    }
    return new ApiResponse(
        status,
        Map.of("Content-Type", ApiResponse.PROBLEM_JSON, "Cache-Control", "no-store"),
        Json.writeBytes(body));
  }
}
