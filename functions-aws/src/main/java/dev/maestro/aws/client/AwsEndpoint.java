package dev.maestro.aws.client;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one AWS service is reached and which region its requests are signed for. The region is
 * always part of the SigV4 credential scope; the URI is the service's public regional endpoint, or
 * an override (a VPC endpoint, or a local server in tests).
 *
 * @param region the signing region, such as {@code eu-west-1}
 * @param uri the scheme, host and optional port requests are sent to (no path)
 */
public record AwsEndpoint(String region, URI uri) {

  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  public AwsEndpoint {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(uri, "uri");
    if (!REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("not a region name: " + region);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint needs a scheme and a host: " + uri);
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException("endpoint must not have a path: " + uri);
    }
  }

  /**
   * The public regional endpoint {@code https://{hostPrefix}.{region}.amazonaws.com} (with the
   * {@code .com.cn} suffix in the China regions).
   */
  public static AwsEndpoint regional(String hostPrefix, String region) {
    Objects.requireNonNull(hostPrefix, "hostPrefix");
    String suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return new AwsEndpoint(
        region, URI.create("https://" + hostPrefix + "." + region + "." + suffix));
  }

  /** An explicit endpoint (tests, VPC endpoints), still signed for {@code region}. */
  public static AwsEndpoint override(String region, URI uri) {
    return new AwsEndpoint(region, uri);
  }
}
