package dev.maestro.aws.client;

import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 header signing as every client in this package signs: the SDK's {@link AwsV4HttpSigner}
 * with the service's signing name, the endpoint's region and a signing clock, the payload hashed
 * into the signature. {@link AwsJsonClient} signs each attempt through here, so checking this
 * against AWS's published SigV4 test vectors checks what the clients send.
 */
public final class AwsSigV4 {

  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private AwsSigV4() {}

  /**
   * {@code unsigned} with {@code X-Amz-Date} and {@code Authorization} added (and {@code
   * X-Amz-Security-Token} when the identity has a session token).
   *
   * @param body the payload, or {@code null} for none (hashed as the empty string)
   * @param signingName the service's signing name, such as {@code bedrock} or {@code states}
   * @param region the region of the credential scope
   * @param clock the time the signature is made for
   */
  public static SignedRequest sign(
      SdkHttpFullRequest unsigned,
      byte[] body,
      AwsCredentialsIdentity identity,
      String signingName,
      String region,
      Clock clock) {
    Objects.requireNonNull(unsigned, "unsigned");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(signingName, "signingName");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(clock, "clock");
    return SIGNER.sign(
        r -> {
          r.identity(identity)
              .request(unsigned)
              .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, signingName)
              .putProperty(AwsV4HttpSigner.REGION_NAME, region)
              .putProperty(HttpSigner.SIGNING_CLOCK, clock);
          if (body != null) r.payload(ContentStreamProvider.fromByteArray(body));
        });
  }
}
