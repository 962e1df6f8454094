package dev.maestro.aws.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.aws.client.AwsEndpoint;
import dev.maestro.aws.client.AwsJsonClient;
import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.aws.client.AwsSigV4;
import dev.maestro.core.dispatch.WireRequests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The SigV4 signing path every signed client here uses ({@link AwsSigV4}, called by {@link
 * AwsJsonClient} on each attempt), checked against published signatures: the "get-vanilla" and
 * "post-vanilla" vectors of AWS's Signature Version 4 test suite (credentials {@code AKIDEXAMPLE},
 * us-east-1, service {@code service}, 20150830T123600Z), reproduced by an independent SigV4
 * computation written out in this test, and the S3 API reference's signed GET example. A Converse
 * request is then checked against the same independent computation: the model id's encoded {@code
 * :} is encoded once more in the canonical URI, as SigV4 requires for every service but S3. Bedrock
 * itself is not reachable here; nothing shows that it accepts these signatures beyond their
 * agreement with the published ones.
 */
class BedrockSigV4Test {

  private static final AwsBasicCredentials SUITE_CREDENTIALS =
      AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  private static final Clock SUITE_CLOCK =
      Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);
  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static SdkHttpFullRequest suiteRequest(SdkHttpMethod method) {
    return SdkHttpFullRequest.builder()
        .method(method)
        .protocol("https")
        .host("example.amazonaws.com")
        .encodedPath("/")
        .build();
  }

  @Test
  void givenTheGetVanillaVector_whenSigned_thenItIsTheSuiteSigningWithThePayloadHashHeaderAdded() {
    assertSignsLikeTheSuite(SdkHttpMethod.GET);
  }

  @Test
  void givenThePostVanillaVector_whenSigned_thenItIsTheSuiteSigningWithThePayloadHashHeaderAdded() {
    assertSignsLikeTheSuite(SdkHttpMethod.POST);
  }

  /**
   * The SDK's signer always adds and signs {@code x-amz-content-sha256} (the payload hash, which
   * services accept), so its signature for a suite request is the suite's computation over the
   * suite's headers plus that one; the reference below reproduces the suite's published signatures
   * exactly, so agreeing with it is agreeing with the suite.
   */
  private static void assertSignsLikeTheSuite(SdkHttpMethod method) {
    var signed =
        AwsSigV4.sign(
                suiteRequest(method), null, SUITE_CREDENTIALS, "service", "us-east-1", SUITE_CLOCK)
            .request();

    assertThat(signed.firstMatchingHeader("X-Amz-Date")).contains("20150830T123600Z");
    assertThat(signed.firstMatchingHeader("x-amz-content-sha256")).contains(EMPTY_SHA256);
    var headers =
        List.of(
            "host:example.amazonaws.com",
            "x-amz-content-sha256:" + EMPTY_SHA256,
            "x-amz-date:20150830T123600Z");
    String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
    assertThat(signed.firstMatchingHeader("Authorization"))
        .contains(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                + " SignedHeaders="
                + signedHeaders
                + ", Signature="
                + reference(method.name(), "/", headers, signedHeaders, EMPTY_SHA256, "service"));
  }

  @Test
  void givenTheDocumentedS3GetObjectExample_whenSigned_thenTheSignatureIsThePublishedOne() {
    // The S3 API reference's SigV4 header example signs x-amz-content-sha256 too, so the
    // signer's output must match it to the character. "/test.txt" reads the same single- or
    // double-encoded.
    var request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.GET)
            .protocol("https")
            .host("examplebucket.s3.amazonaws.com")
            .encodedPath("/test.txt")
            .putHeader("Range", "bytes=0-9")
            .build();

    var signed =
        AwsSigV4.sign(
                request,
                null,
                AwsBasicCredentials.create(
                    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                "s3",
                "us-east-1",
                Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC))
            .request();

    assertThat(signed.firstMatchingHeader("Authorization"))
        .contains(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  }

  @Test
  void givenTheSuiteVectors_whenComputedIndependently_thenThisTestsReferenceAgreesWithThem() {
    var headers = List.of("host:example.amazonaws.com", "x-amz-date:20150830T123600Z");

    assertThat(reference("GET", "/", headers, "host;x-amz-date", EMPTY_SHA256, "service"))
        .isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assertThat(reference("POST", "/", headers, "host;x-amz-date", EMPTY_SHA256, "service"))
        .isEqualTo("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  }

  @Test
  void givenAConverseCall_whenSent_thenItsSignatureIsSigV4OverTheDoubleEncodedModelPath() {
    var http = new CapturingHttpClient();
    var provider =
        new BedrockConverseProvider(
            new AwsJsonClient(
                AwsEndpoint.override(
                    "us-east-1", URI.create("https://bedrock-runtime.us-east-1.amazonaws.com")),
                "bedrock",
                http,
                StaticCredentialsProvider.create(SUITE_CREDENTIALS),
                AwsRetryPolicy.none()));

    provider.complete("us.anthropic.claude-sonnet-4-20250514-v1:0", WireRequests.simple());

    SdkHttpRequest sent = http.request;
    assertThat(sent.encodedPath())
        .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
    String authorization = sent.firstMatchingHeader("Authorization").orElseThrow();
    Matcher parts =
        Pattern.compile(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\\d{8})/us-east-1/bedrock/aws4_request,"
                    + " SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})")
            .matcher(authorization);
    assertThat(parts.matches()).as(authorization).isTrue();
    String signedHeaders = parts.group(2);
    assertThat(signedHeaders.split(";")).contains("content-type", "host", "x-amz-date");
    List<String> canonicalHeaders =
        List.of(signedHeaders.split(";")).stream()
            .map(
                h ->
                    h
                        + ":"
                        + (h.equals("host")
                            ? sent.firstMatchingHeader("Host").orElse(sent.host())
                            : sent.firstMatchingHeader(h).orElseThrow().strip()))
            .toList();
    String payloadHash = HexFormat.of().formatHex(sha256(http.body));
    String amzDate = sent.firstMatchingHeader("X-Amz-Date").orElseThrow();

    String doubleEncoded = "/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse";
    assertThat(
            referenceAt(
                amzDate,
                "POST",
                doubleEncoded,
                canonicalHeaders,
                signedHeaders,
                payloadHash,
                "bedrock"))
        .isEqualTo(parts.group(3));
    assertThat(
            referenceAt(
                amzDate,
                "POST",
                sent.encodedPath(),
                canonicalHeaders,
                signedHeaders,
                payloadHash,
                "bedrock"))
        .isNotEqualTo(parts.group(3));
  }

  /** The suite's signature for a request at 20150830T123600Z in us-east-1. */
  private static String reference(
      String method,
      String canonicalUri,
      List<String> canonicalHeaders,
      String signedHeaders,
      String payloadHash,
      String service) {
    return referenceAt(
        "20150830T123600Z",
        method,
        canonicalUri,
        canonicalHeaders,
        signedHeaders,
        payloadHash,
        service);
  }

  /** SigV4 written out step by step from the specification, in us-east-1 with the suite's key. */
  private static String referenceAt(
      String amzDate,
      String method,
      String canonicalUri,
      List<String> canonicalHeaders,
      String signedHeaders,
      String payloadHash,
      String service) {
    String canonicalRequest =
        method
            + "\n"
            + canonicalUri
            + "\n"
            + "\n"
            + String.join("\n", canonicalHeaders)
            + "\n\n"
            + signedHeaders
            + "\n"
            + payloadHash;
    String date = amzDate.substring(0, 8);
    String scope = date + "/us-east-1/" + service + "/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + HexFormat.of().formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = ("AWS4" + SUITE_CREDENTIALS.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
    for (String part : List.of(date, "us-east-1", service, "aws4_request")) {
      key = hmac(key, part);
    }
    return HexFormat.of().formatHex(hmac(key, stringToSign));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keeps the signed request it is given and answers a Converse text reply, without a network. */
  private static final class CapturingHttpClient implements SdkHttpClient {
    SdkHttpRequest request;
    byte[] body = new byte[0];

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest execute) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() {
          request = execute.httpRequest();
          body =
              execute.contentStreamProvider().map(p -> readAll(p.newStream())).orElse(new byte[0]);
          byte[] reply = BedrockConverseWireFormatTest.textReply().getBytes(StandardCharsets.UTF_8);
          return HttpExecuteResponse.builder()
              .response(SdkHttpResponse.builder().statusCode(200).build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(reply)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    private static byte[] readAll(InputStream in) {
      try (in;
          var out = new ByteArrayOutputStream()) {
        in.transferTo(out);
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String clientName() {
      return "capturing";
    }

    @Override
    public void close() {}
  }
}
